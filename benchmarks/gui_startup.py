"""Start-up of the desktop app: a fresh process to a shown, interactive main window.

The library is the shared synthetic one (300 podcasts x 334 episodes, about 100k episodes),
already at the current schema, copied into a temporary CASTWISE_HOME. The OS file cache (and
Python's bytecode cache, as an installed app has it) is warmed by one discarded run; then each
measured run is a new Python process. ``startup_s`` is the
median time from the first line the new Python process runs (before any import; the
interpreter's own start-up, ~20 ms, is not counted) to the first event-loop turn after the
window is shown with the podcast list painted with its rows (the app's own start-up sequence,
:func:`app.gui.start`, single-instance claim included); ``episodes_s`` to the episode list painted
with its rows too;
``peak_rss_mb`` the child's peak resident memory. ``startup_cpu_s`` (CPU seconds the child used
to get there) and ``load_average_1min`` tell a slow machine from a slow start: on a shared
machine the wall time grows with the load, the CPU time hardly does.

    python -m benchmarks.gui_startup
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5

CHILD = r"""
import time
started = time.perf_counter()
import json, resource, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from app.gui import start
from app.playback import create_engine
# Exactly the app's start-up sequence (app.gui.start), with the real VLC engine on silent output.
running = start(app, engine=create_engine(audio_output="adummy"), log_to_file=False,
                refresh=False)  # the synthetic feeds' addresses lead nowhere
window = running.application.window
page = window.library_page
painted = set()

class PaintWatch(QObject):
    # A list counts as shown once its viewport has painted with rows in it.
    def __init__(self, view, name):
        super().__init__(view)
        self.view, self.name = view, name
        view.viewport().installEventFilter(self)
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and self.view.model().rowCount() > 0:
            painted.add(self.name)
        return False

watches = [PaintWatch(page.podcast_view, "podcasts"), PaintWatch(page.episode_view, "episodes")]
marks = {}
def check():
    # Runs on event-loop turns: a mark is taken on the first turn after the list painted with
    # rows, i.e. when the loop is free to handle the listener's input.
    if "startup_s" not in marks and "podcasts" in painted:
        marks["startup_s"] = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_SELF)
        marks["startup_cpu_s"] = usage.ru_utime + usage.ru_stime
    if "episodes_s" not in marks and "episodes" in painted:
        marks["episodes_s"] = time.perf_counter() - started
    if len(marks) == 3:
        marks["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(marks))
        app.quit()
        return
    QTimer.singleShot(0, check)
QTimer.singleShot(0, check)
app.exec()
running.close()
"""


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from benchmarks.synthetic import cached_library

    database = cached_library(300, 334, progress=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="castwise-bench-") as home:
        data = Path(home) / "data"
        data.mkdir(parents=True)
        shutil.copyfile(database, data / "library.sqlite3")
        env = {**os.environ, "CASTWISE_HOME": home, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               "PYTHONPATH": str(ROOT),
               # Compiled bytecode is cached, as in an installed app: the discarded first run writes
               # it (under the temporary folder, not into the source tree) and the others read it.
               "PYTHONPYCACHEPREFIX": str(Path(home) / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for run in range(RUNS + 1):
            output = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=ROOT, capture_output=True,
                                    text=True, timeout=120, check=True).stdout
            if run == 0:
                continue  # warms the OS file cache
            results.append(json.loads(output.strip().splitlines()[-1]))
    summary = {
        "startup_s": round(statistics.median(r["startup_s"] for r in results), 3),
        "startup_cpu_s": round(statistics.median(r["startup_cpu_s"] for r in results), 3),
        "episodes_s": round(statistics.median(r["episodes_s"] for r in results), 3),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in results), 1),
        "runs": RUNS,
        "podcasts": 300,
        "episodes": 100_200,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
