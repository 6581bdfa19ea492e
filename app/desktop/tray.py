"""The system tray icon: play/pause, the recently played episodes, show/quit, and desktop
notifications for new episodes (shown through the tray, which every desktop supports)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.icons import icon

RECENT_COUNT = 5


class TrayIcon(QObject):
    play_pause_requested = Signal()
    show_requested = Signal()
    quit_requested = Signal()
    episode_requested = Signal(int)
    """An episode of the recent list was chosen (episode id)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._recent: list[tuple[int, str]] = []
        self.tray = QSystemTrayIcon(icon("podcast"), self)
        self.tray.setToolTip("Castwise")
        self.menu = QMenu()
        self.play_pause_action = QAction(icon("play"), self.tr("Play"), self.menu)
        self.play_pause_action.triggered.connect(self.play_pause_requested)
        self.recent_menu = QMenu(self.tr("Recently played"), self.menu)
        show_action = QAction(self.tr("Show Castwise"), self.menu)
        show_action.triggered.connect(self.show_requested)
        quit_action = QAction(self.tr("Quit"), self.menu)
        quit_action.triggered.connect(self.quit_requested)
        self.menu.addAction(self.play_pause_action)
        self.menu.addMenu(self.recent_menu)
        self.menu.addSeparator()
        self.menu.addAction(show_action)
        self.menu.addAction(quit_action)
        self.tray.setContextMenu(self.menu)
        self.tray.activated.connect(self._on_tray_activated)
        self._rebuild_recent()

    def show(self) -> bool:
        """Show the icon where the desktop has a tray; False where it has none."""
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return False
        self.tray.show()
        return True

    def set_playing(self, playing: bool, title: str | None = None) -> None:
        self.play_pause_action.setText(self.tr("Pause") if playing else self.tr("Play"))
        self.play_pause_action.setIcon(icon("pause" if playing else "play"))
        self.tray.setToolTip(f"Castwise — {title}" if title else "Castwise")

    def add_recent(self, episode_id: int, title: str) -> None:
        self._recent = [(episode_id, title)] + [item for item in self._recent if item[0] != episode_id]
        self._recent = self._recent[:RECENT_COUNT]
        self._rebuild_recent()

    def recent(self) -> list[tuple[int, str]]:
        return list(self._recent)

    def notify_new_episodes(self, count: int, titles: list[str]) -> None:
        """A desktop notification: "N new episodes" with the first few titles."""
        if count <= 0:
            return
        body = "\n".join(titles[:3])
        self.tray.showMessage(self.tr("{count} new episodes").format(count=count), body, icon("podcast"), 8_000)

    def _rebuild_recent(self) -> None:
        self.recent_menu.clear()
        for episode_id, title in self._recent:
            action = self.recent_menu.addAction(title)
            action.triggered.connect(lambda _checked=False, e=episode_id: self.episode_requested.emit(e))
        self.recent_menu.setEnabled(bool(self._recent))

    def _on_tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.show_requested.emit()
        elif reason == QSystemTrayIcon.ActivationReason.MiddleClick:
            self.play_pause_requested.emit()
