"""One window per library: a second ``castwise`` raises the running one and exits; a killed
process's leftover socket does not block the next start; another library runs side by side."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The real app (``python -m app``), plus a line on stdout each time its window is raised, so the
# test can see the first process react to the second.
RUN_APP = r"""
import sys
import app.gui as gui
original = gui.raise_window
def traced(window):
    original(window)
    print("raised", flush=True)
gui.raise_window = traced
sys.exit(gui.run())
"""


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CASTWISE_HOME": str(home), "PYTHONPATH": str(ROOT)}


def _start(home: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", RUN_APP], cwd=ROOT, env=_env(home),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_until_listening(home: Path, process: subprocess.Popen[str]) -> None:
    """The first process has claimed the library once its socket answers."""
    from PySide6.QtNetwork import QLocalSocket

    from app.desktop.single_instance import server_name

    name = server_name(home.resolve() / "data" / "library.sqlite3")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1][-2000:]
        socket = QLocalSocket()
        socket.connectToServer(name)
        if socket.waitForConnected(200):
            socket.disconnectFromServer()
            return
        time.sleep(0.2)
    raise AssertionError("the first Castwise never listened for a second start")


def _read_line(process: subprocess.Popen[str], *, timeout_s: float) -> str:
    import select

    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout_s)
    return process.stdout.readline().strip() if ready else ""


def _stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()


def test_second_start_raises_the_running_window_and_exits(qapp, tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = _start(home)
    try:
        _wait_until_listening(home, first)
        second = subprocess.run([sys.executable, "-m", "app"], cwd=ROOT, env=_env(home), capture_output=True,
                                text=True, timeout=60)
        assert second.returncode == 0, second.stderr[-2000:]
        assert "already running" in second.stderr
        assert _read_line(first, timeout_s=30) == "raised"  # the running window came to the front
        assert first.poll() is None  # and it keeps running
    finally:
        _out, err = _stop(first)
    assert first.returncode == 0, err[-2000:]
    assert "Traceback" not in err


def test_stale_socket_of_a_killed_process_does_not_block_start(qapp, tmp_path: Path) -> None:
    home = tmp_path / "home"
    killed = _start(home)
    _wait_until_listening(home, killed)
    killed.kill()  # no chance to clean up: its socket file stays behind
    killed.communicate(timeout=30)
    from app.desktop.single_instance import server_name

    name = server_name(home.resolve() / "data" / "library.sqlite3")
    if sys.platform != "win32":
        from PySide6.QtNetwork import QLocalServer

        probe = QLocalServer()
        assert not probe.listen(name), "the killed process should have left its socket behind"
    restarted = _start(home)
    try:
        _wait_until_listening(home, restarted)
        assert restarted.poll() is None
    finally:
        _out, err = _stop(restarted)
    assert restarted.returncode == 0, err[-2000:]


def test_another_library_runs_side_by_side(qapp, tmp_path: Path) -> None:
    first = _start(tmp_path / "one")
    try:
        _wait_until_listening(tmp_path / "one", first)
        second = _start(tmp_path / "two")
        try:
            _wait_until_listening(tmp_path / "two", second)
            assert first.poll() is None and second.poll() is None
        finally:
            _stop(second)
    finally:
        _stop(first)
