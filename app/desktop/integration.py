"""Hooks the desktop integration (tray, notifications, MPRIS) to a built application."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from app.desktop.notifications import NewEpisodeNotifier
from app.desktop.tray import TrayIcon
from app.main_window import MainWindow


@dataclass
class DesktopIntegration:
    tray: TrayIcon
    notifier: NewEpisodeNotifier
    mpris: object | None = None

    def close(self) -> None:
        self.tray.tray.hide()
        if self.mpris is not None:
            self.mpris.unregister()  # type: ignore[attr-defined]


def install(window: MainWindow, *, use_mpris: bool = sys.platform.startswith("linux"),
            use_dbus_notifications: bool = sys.platform.startswith("linux"), bus: object | None = None,
            ) -> DesktopIntegration:
    """Create the tray icon (and MPRIS on Linux) and connect them to ``window``.

    New episodes are announced through the tray, else (Linux) the desktop's notification service
    on ``bus`` (the session bus when ``None``), else in the window."""
    tray = TrayIcon(window)
    tray.show_requested.connect(_show_window(window))
    tray.quit_requested.connect(window.close)
    tray.episode_requested.connect(window.play_episode)
    notifier = NewEpisodeNotifier(tray, window.services.tasks, window.show_message, bus=bus,
                                  use_dbus=use_dbus_notifications, parent=window)
    window.new_episodes_found.connect(notifier.notify_new_episodes)
    playback = window.services.playback
    mpris = None
    if playback is not None:
        tray.play_pause_requested.connect(playback.toggle_play_pause)
        playback.state_changed.connect(
            lambda state: tray.set_playing(state in ("playing", "loading"), playback.current.title if playback.current else None)
        )
        playback.episode_changed.connect(lambda media: tray.add_recent(media.episode_id, media.title))
        if use_mpris:
            from app.desktop.mpris import MprisService

            service = MprisService(playback, window)
            service.raise_requested.connect(_show_window(window))
            service.quit_requested.connect(window.close)
            if service.register():
                mpris = service
    tray.show()
    return DesktopIntegration(tray=tray, notifier=notifier, mpris=mpris)


def _show_window(window: MainWindow):  # type: ignore[no-untyped-def]
    def show() -> None:
        window.showNormal()
        window.raise_()
        window.activateWindow()

    return show
