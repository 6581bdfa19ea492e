"""``castwise --demo`` as a listener starts it: a real process, and SIGTERM closes it cleanly
(the demo library is removed, nothing is left behind)."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def interpreter_as_it_was() -> Iterator[None]:
    """``start`` tunes the whole interpreter (see app.interpreter): the tests after these get it back."""
    interval = sys.getswitchinterval()
    yield
    gc.unfreeze()
    sys.setswitchinterval(interval)


def test_demo_process_starts_and_closes_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "app", "--demo"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        homes: list[Path] = []
        while time.monotonic() < deadline and not homes:
            homes = [path for path in tmp_path.glob("castwise-demo-*") if (path / "data" / "library.sqlite3").exists()]
            time.sleep(0.2)
        assert homes, "the demo library was not created"
        time.sleep(2)  # let it subscribe to the demo feed
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err[-2000:]
    assert "Traceback" not in err
    assert list(tmp_path.glob("castwise-demo-*")) == []


def test_start_shows_the_window_first_then_adds_the_tray(qtbot) -> None:
    from PySide6.QtWidgets import QApplication

    from app.gui import start
    from player.vlc_engine import VlcEngine

    app = QApplication.instance()
    started = start(app, engine=VlcEngine(extra_options=("--aout=adummy",)), log_to_file=False,  # type: ignore[arg-type]
                    refresh=False)
    assert started is not None
    try:
        window = started.application.window
        assert window.isVisible()
        assert started.desktop == []  # the tray and MPRIS are not part of the first frame
        qtbot.waitUntil(lambda: started.desktop != [], timeout=10_000)  # they follow once the library shows
        assert started.desktop[0].tray.menu.actions()
    finally:
        started.close()


def test_start_keeps_the_window_responsive_to_python_work_on_other_threads(qtbot) -> None:
    """A short GIL switch interval from the start, and once start-up settles, its long-lived
    objects are out of the garbage collector's full passes (see app.interpreter)."""
    from PySide6.QtWidgets import QApplication

    from app.gui import start
    from app.interpreter import SWITCH_INTERVAL_S
    from player.null_engine import NullEngine

    sys.setswitchinterval(0.005)  # CPython's default
    gc.unfreeze()
    started = start(QApplication.instance(), engine=NullEngine(), log_to_file=False,  # type: ignore[arg-type]
                    refresh=False, desktop=False)
    assert started is not None
    try:
        assert sys.getswitchinterval() == SWITCH_INTERVAL_S
        assert gc.get_freeze_count() == 0  # not before the window is up and filled
        qtbot.waitUntil(lambda: gc.get_freeze_count() > 0, timeout=10_000)
        # The window's own objects are among the frozen: full passes no longer scan them.
        assert started.application.window not in gc.get_objects()
    finally:
        started.close()
