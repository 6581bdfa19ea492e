"""Background embedding of a 100k-episode library while the window is in use.

The real window over the shared synthetic library (300 podcasts x 334 episodes, about 100k), the
installed MiniLM model (int8 on the CPU) copied into a temporary CASTWISE_HOME. Two phases of
``--seconds`` each, the same listener in both: a mouse-wheel notch on the episode list every
frame (16 ms) and a library write every 200 ms (an episode marked played and unplayed again, on
its own thread, as the app's workers write). In the first phase nothing else runs; in the second
the app's own background pass (``app.recommend_indexing``) embeds episodes.

Figures: ``p95_frame_ms`` / ``max_frame_ms`` (gaps of a 4 ms probe timer: how long the event loop
was busy) and ``write_p95_ms`` (one library write), idle and while embedding;
``episodes_per_s`` embedded in the background, ``full_library_h`` (hours the whole library
would take at that rate; a pass is resumable, so it may span several sessions), ``first_batch_s``
(start to the first batch saved: reading and hashing 100k texts, then the cache lookup), and
``peak_rss_mb`` of the process.

    python -m benchmarks.indexing [--seconds 30]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE_MS = 4
WRITE_EVERY_S = 0.2


def _peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[int(len(ordered) * 0.95)], 2) if ordered else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each phase (default 30)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from benchmarks.encoder import _model_folder
    from benchmarks.synthetic import cached_library

    database = cached_library(300, 334, progress=True)
    model = _model_folder(None)
    home = Path(tempfile.mkdtemp(prefix="castwise-bench-"))
    (home / "data").mkdir()
    shutil.copyfile(database, home / "data" / "library.sqlite3")
    os.environ["CASTWISE_HOME"] = str(home)

    from PySide6.QtCore import QElapsedTimer, QPoint, QPointF, Qt, QTimer
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    from app.bootstrap import build
    from library.paths import resolve_paths
    from player.null_engine import NullEngine
    from recommend.model_store import model_folder

    shutil.copytree(model, model_folder(resolve_paths()))
    application = build(engine=NullEngine(), log_to_file=False)
    window = application.window
    window.resize(1280, 800)
    window.show()
    page = window.library_page
    rows = application.services.catalog.episodes(None)
    page.episode_model.set_rows(rows)
    # As app.gui.start does: a short GIL switch interval, and the start-up objects (these rows
    # included) frozen out of the garbage collector once settled.
    from app.interpreter import prefer_responsiveness, settle_long_lived_objects

    prefer_responsiveness()
    settle_long_lived_objects()
    indexing = application.services.indexing
    assert indexing is not None
    settle = time.perf_counter() + 1.0
    while time.perf_counter() < settle:
        app.processEvents()
        time.sleep(0.01)

    view = page.episode_view.viewport()
    centre = QPointF(view.width() / 2, view.height() / 2)
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]
    gaps: dict[str, list[float]] = {"idle": [], "embedding": []}
    writes: dict[str, list[float]] = {"idle": [], "embedding": []}
    phase = ["idle"]

    def probe() -> None:
        now = clock.nsecsElapsed()
        gaps[phase[0]].append((now - last[0]) / 1e6)
        last[0] = now

    def wheel() -> None:
        event = QWheelEvent(centre, view.mapToGlobal(centre), QPoint(0, 0), QPoint(0, -120), Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(view, event)

    stop_writing = threading.Event()
    episode_id = rows[len(rows) // 2].episode_id
    catalog = application.services.catalog

    def write_loop() -> None:
        played = True
        while not stop_writing.wait(WRITE_EVERY_S):
            started = time.perf_counter()
            catalog.set_played([episode_id], played)
            writes[phase[0]].append((time.perf_counter() - started) * 1000)
            played = not played

    progress: list[tuple[float, int, int]] = []
    indexing.progressed.connect(lambda done, total: progress.append((time.perf_counter(), done, total)),
                                Qt.ConnectionType.DirectConnection)
    probe_timer = QTimer()
    probe_timer.setTimerType(Qt.TimerType.PreciseTimer)
    probe_timer.timeout.connect(probe)
    probe_timer.start(PROBE_MS)
    wheel_timer = QTimer()
    wheel_timer.timeout.connect(wheel)
    wheel_timer.start(16)
    writer = threading.Thread(target=write_loop, daemon=True)
    writer.start()

    def run_for(seconds: float) -> None:
        until = time.perf_counter() + seconds
        while time.perf_counter() < until:
            app.processEvents()
            time.sleep(0.001)

    run_for(args.seconds)
    phase[0] = "embedding"
    started = time.perf_counter()
    last[0] = clock.nsecsElapsed()
    indexing.start()
    run_for(args.seconds)
    stop_writing.set()
    probe_timer.stop()
    wheel_timer.stop()
    ended = time.perf_counter()
    writer.join(5)
    indexing.close(60)
    application.close()
    shutil.rmtree(home, ignore_errors=True)

    first = progress[1] if len(progress) > 1 else None
    done = progress[-1][1] if progress else 0
    total = progress[0][2] if progress else 0
    # The rate counts from the first saved batch, so reading the library is not charged to it.
    rate = (done - first[1]) / (ended - first[0]) if first and done > first[1] else 0.0
    print(json.dumps({
        "episodes": len(rows),
        "to_embed": total,
        "embedded": done,
        "episodes_per_s": round(rate, 1),
        "full_library_h": round(total / rate / 3600, 2) if rate else None,
        "first_batch_s": round(first[0] - started, 2) if first else None,
        "p95_frame_ms_idle": _p95(gaps["idle"]),
        "p95_frame_ms": _p95(gaps["embedding"]),
        "max_frame_ms_idle": round(max(gaps["idle"]), 2) if gaps["idle"] else None,
        "max_frame_ms": round(max(gaps["embedding"]), 2) if gaps["embedding"] else None,
        "write_p95_ms_idle": _p95(writes["idle"]),
        "write_p95_ms": _p95(writes["embedding"]),
        "threads": indexing.threads,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
