"""New-episode notifications without a system tray: the desktop's notification service over
D-Bus (a private session bus with a stand-in daemon process), else a message in the window."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def private_bus(monkeypatch) -> Iterator[tuple[str, object]]:  # type: ignore[no-untyped-def]
    """A fresh D-Bus session bus: its address and a connection to it."""
    if shutil.which("dbus-daemon") is None:
        pytest.fail("dbus-daemon is needed (scripts/dev.py installs it)")
    daemon = subprocess.run(
        ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1", "--nopidfile"],
        capture_output=True, text=True, check=True,
    )
    address, pid = daemon.stdout.split()[:2]
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    from PySide6.QtDBus import QDBusConnection

    bus = QDBusConnection.connectToBus(address, "castwise-notifications-test")
    yield address, bus
    QDBusConnection.disconnectFromBus("castwise-notifications-test")
    os.kill(int(pid), signal.SIGTERM)


@pytest.fixture
def notification_daemon(private_bus) -> Iterator[subprocess.Popen[str]]:  # type: ignore[no-untyped-def]
    address, _bus = private_bus
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen([sys.executable, "-m", "tests.app.notification_daemon"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert _read_line(process) == "ready", process.stderr.read() if process.stderr else ""
        yield process
    finally:
        process.terminate()
        process.communicate(timeout=10)


def _read_line(process: subprocess.Popen[str], timeout_s: float = 20) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout_s)
    return process.stdout.readline().strip() if ready else ""


def _install_without_tray(window, bus):  # type: ignore[no-untyped-def]
    from app.desktop.integration import install

    desktop = install(window, use_mpris=False, bus=bus)
    assert not desktop.tray.tray.isVisible()  # offscreen: no system tray, as on GNOME or Wayland
    return desktop


def test_refresh_with_new_episodes_notifies_through_the_desktop_service(
        qtbot, app_window, feed_server, private_bus, notification_daemon) -> None:
    from tests.app.conftest import podcast_feed
    from tests.app.test_main_window import subscribe
    from tests.support.httpserver import Resource

    window = app_window.window
    desktop = _install_without_tray(window, private_bus[1])
    subscribe(qtbot, window, feed_server.url("/feed.xml"))
    base = feed_server.url("/").rstrip("/")
    feed_server.add("/feed.xml", Resource(body=podcast_feed(base, [("Episode Three", "/two.mp3", 8),
        ("Episode Two", "/two.mp3", 8), ("Episode One", "/one.mp3", 8)]), content_type="application/rss+xml"))
    with qtbot.waitSignal(desktop.notifier.shown, timeout=30_000) as shown:
        window.refresh_all()
    assert shown.args == ["freedesktop", "1 new episodes", "Castwise Test Radio"]
    received = json.loads(_read_line(notification_daemon))
    assert received["app_name"] == "Castwise"
    assert received["summary"] == "1 new episodes"
    assert received["body"] == "Castwise Test Radio"
    assert received["expire_timeout_ms"] > 0
    desktop.close()


def test_without_a_notification_service_the_window_says_it(qtbot, app_window, private_bus) -> None:
    window = app_window.window
    desktop = _install_without_tray(window, private_bus[1])  # a session bus, but no notification daemon
    messages: list[str] = []
    window.message_shown.connect(messages.append)
    with qtbot.waitSignal(desktop.notifier.shown, timeout=10_000) as shown:
        window.new_episodes_found.emit(4, ["Show A", "Show B", "Show C", "Show D"])
    assert shown.args[0] == "window"
    assert messages == ["4 new episodes: Show A, Show B, Show C"]
    assert window.statusBar().currentMessage() == "4 new episodes: Show A, Show B, Show C"
    desktop.close()


def test_off_linux_without_a_tray_the_window_says_it(qtbot, app_window) -> None:
    from app.desktop.integration import install

    window = app_window.window
    desktop = install(window, use_mpris=False, use_dbus_notifications=False)
    with qtbot.waitSignal(desktop.notifier.shown, timeout=5_000) as shown:
        window.new_episodes_found.emit(1, ["Show A"])
    assert shown.args == ["window", "1 new episodes", "Show A"]
    assert window.statusBar().currentMessage() == "1 new episodes: Show A"
    desktop.close()
