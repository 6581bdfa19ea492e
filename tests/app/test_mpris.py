"""MPRIS: ``playerctl`` sees Castwise on a private session bus, reads its state and controls it,
and PropertiesChanged reaches a follower as playback changes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess

import pytest


@pytest.fixture
def session_bus(monkeypatch):  # type: ignore[no-untyped-def]
    if shutil.which("dbus-daemon") is None or shutil.which("playerctl") is None:
        pytest.fail("dbus-daemon and playerctl are needed (scripts/dev.py installs them)")
    daemon = subprocess.run(
        ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1", "--nopidfile"],
        capture_output=True, text=True, check=True,
    )
    address, pid = daemon.stdout.split()[:2]
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    from PySide6.QtDBus import QDBusConnection

    bus = QDBusConnection.connectToBus(address, "castwise-test-bus")
    yield bus
    QDBusConnection.disconnectFromBus("castwise-test-bus")
    os.kill(int(pid), signal.SIGTERM)


def playerctl(*args: str) -> str:
    return subprocess.run(["playerctl", "-p", "castwise", *args], capture_output=True, text=True, timeout=10).stdout.strip()


def test_playerctl_sees_and_controls_castwise(qtbot, app_window, feed_server, session_bus) -> None:
    from app.desktop.mpris import MprisService
    from app.models.episodes import EpisodeRole
    from tests.app.test_main_window import subscribe

    window = app_window.window
    playback = app_window.services.playback
    mpris = MprisService(playback)
    assert mpris.register(session_bus)
    subscribe(qtbot, window, feed_server.url("/feed.xml"))
    follower = subprocess.Popen(["playerctl", "-p", "castwise", "--follow", "status"], stdout=subprocess.PIPE, text=True)
    try:
        model = window.library_page.episode_model
        window.play_episode(model.data(model.index(0, 0), EpisodeRole.EPISODE_ID))
        qtbot.waitUntil(lambda: playback.state.value == "playing", timeout=15_000)
        qtbot.waitUntil(lambda: mpris.status == "Playing", timeout=5_000)

        def ask(*args: str) -> str:
            # playerctl blocks on the bus while our event loop must answer: run it in a thread.
            result: list[str] = []
            import threading

            thread = threading.Thread(target=lambda: result.append(playerctl(*args)))
            thread.start()
            qtbot.waitUntil(lambda: not thread.is_alive(), timeout=10_000)
            return result[0]

        assert ask("status") == "Playing"
        assert ask("metadata", "xesam:title") == "Episode Two"
        ask("pause")
        qtbot.waitUntil(lambda: playback.state.value == "paused", timeout=5_000)
        ask("position", "5")
        qtbot.waitUntil(lambda: 4_000 <= playback.position_ms() <= 6_000, timeout=5_000)
        ask("play-pause")
        qtbot.waitUntil(lambda: playback.state.value == "playing", timeout=5_000)
    finally:
        follower.terminate()
        lines = follower.communicate(timeout=10)[0].split()
        mpris.unregister()
    # The follower learnt each change from PropertiesChanged, without polling.
    assert lines[:3] == ["Playing", "Paused", "Playing"] or lines[-3:] == ["Playing", "Paused", "Playing"], lines


def test_tray_follows_playback_and_notifies_new_episodes(qtbot, app_window, feed_server) -> None:
    from app.desktop.integration import install
    from app.models.episodes import EpisodeRole
    from tests.app.test_main_window import subscribe

    window = app_window.window
    desktop = install(window, use_mpris=False)
    notified: list[tuple[int, list[str]]] = []
    window.new_episodes_found.connect(lambda count, titles: notified.append((count, titles)))
    subscribe(qtbot, window, feed_server.url("/feed.xml"))
    model = window.library_page.episode_model
    episode_id = model.data(model.index(0, 0), EpisodeRole.EPISODE_ID)
    window.play_episode(episode_id)
    qtbot.waitUntil(lambda: desktop.tray.play_pause_action.text() == "Pause", timeout=15_000)
    assert desktop.tray.recent() == [(episode_id, "Episode Two")]
    desktop.tray.play_pause_action.trigger()
    qtbot.waitUntil(lambda: app_window.services.playback.state.value == "paused", timeout=5_000)
    assert desktop.tray.play_pause_action.text() == "Play"
    # A refresh that finds a new episode raises a notification.
    base = feed_server.url("/").rstrip("/")
    from tests.app.conftest import podcast_feed
    from tests.support.httpserver import Resource

    feed_server.add("/feed.xml", Resource(body=podcast_feed(base, [("Episode Three", "/two.mp3", 8),
        ("Episode Two", "/two.mp3", 8), ("Episode One", "/one.mp3", 8)]), content_type="application/rss+xml"))
    with qtbot.waitSignal(window.new_episodes_found, timeout=20_000):
        window.refresh_all()
    assert notified == [(1, ["Castwise Test Radio"])]
    desktop.close()
