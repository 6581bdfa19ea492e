"""Responsiveness with a big library: scrolling the 100k-episode list and typing in its filter box.

The window shows all ~100k episodes of the shared synthetic library (300 x 334). A probe timer
asks to run every 4 ms; each gap between two probe runs is how long the event loop was busy.
While the probe runs, a driver scrolls the list a page every 16 ms (down and back up), then types
a query into the filter box one key every 80 ms (the list filters after a short pause, as a
listener types) and clears it. ``p95_frame_ms`` is the 95th percentile of the probe's gaps during
that activity (lower is better; 16 ms is one frame at 60 Hz); ``max_frame_ms`` the worst gap.

    python -m benchmarks.gui_latency
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE_MS = 4
SCROLL_STEPS = 120
QUERY = "history of"


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from benchmarks.synthetic import cached_library

    database = cached_library(300, 334, progress=True)
    home = tempfile.mkdtemp(prefix="castwise-bench-")
    (Path(home) / "data").mkdir()
    shutil.copyfile(database, Path(home) / "data" / "library.sqlite3")
    os.environ["CASTWISE_HOME"] = home

    from PySide6.QtCore import QElapsedTimer, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    from app.bootstrap import build
    from player.null_engine import NullEngine

    application = build(engine=NullEngine(), log_to_file=False, inline_tasks=True)
    window = application.window
    window.resize(1280, 800)
    window.show()
    page = window.library_page
    rows = application.services.catalog.episodes(None)
    page.episode_model.set_rows(rows)
    app.processEvents()

    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]
    recording = [False]

    def probe() -> None:
        now = clock.nsecsElapsed()
        if recording[0]:
            gaps.append((now - last[0]) / 1e6)
        last[0] = now

    probe_timer = QTimer()
    probe_timer.setTimerType(Qt.TimerType.PreciseTimer)
    probe_timer.setInterval(PROBE_MS)
    probe_timer.timeout.connect(probe)
    probe_timer.start()

    scrollbar = page.episode_view.verticalScrollBar()
    steps = [("scroll", +1)] * (SCROLL_STEPS // 2) + [("scroll", -1)] * (SCROLL_STEPS // 2)
    steps += [("key", ch) for ch in QUERY] + [("wait", None)] * 10 + [("clear", None)] + [("wait", None)] * 10
    position = [0]

    def drive() -> None:
        recording[0] = True
        if position[0] >= len(steps):
            driver.stop()
            recording[0] = False
            app.quit()
            return
        kind, value = steps[position[0]]
        position[0] += 1
        if kind == "scroll":
            scrollbar.setValue(scrollbar.value() + int(value) * max(scrollbar.pageStep(), 1) * 40)
            driver.setInterval(16)
        elif kind == "key":
            QTest.keyClicks(page.filter_edit, str(value))
            driver.setInterval(80)
        elif kind == "clear":
            page.filter_edit.clear()
        else:
            driver.setInterval(40)

    driver = QTimer()
    driver.timeout.connect(drive)
    driver.start(16)
    started = time.perf_counter()
    app.exec()
    elapsed = time.perf_counter() - started
    application.close()
    shutil.rmtree(home, ignore_errors=True)
    gaps.sort()
    p95 = gaps[int(len(gaps) * 0.95)] if gaps else 0.0
    print(json.dumps({
        "p95_frame_ms": round(p95, 2),
        "max_frame_ms": round(gaps[-1], 2) if gaps else 0.0,
        "samples": len(gaps),
        "episodes": len(rows),
        "seconds": round(elapsed, 2),
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
