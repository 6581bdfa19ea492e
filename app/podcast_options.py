"""A show's own settings, chosen from the Library's podcast menu: its playback speed (which the
playback controller applies to the show's episodes unless an episode has a speed of its own) and
whether its new episodes are downloaded automatically after each refresh."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog

from app.components.now_playing import SPEEDS

if TYPE_CHECKING:
    from app.main_window import MainWindow


class PodcastOptions(QObject):
    """Asks for and stores per-podcast settings; every database write runs on the task runner."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.speed_dialog: QInputDialog | None = None
        """The open speed dialog (window-modal, not blocking the event loop)."""

    def _title(self, podcast_id: int) -> str:
        model = self._window.library_page.podcast_model
        number = model.row_of(podcast_id)
        return model.rows()[number].title if number is not None else ""

    def ask_speed(self, podcast_id: int) -> QInputDialog | None:
        """Open the speed dialog for a show; the choice is stored when the listener confirms."""
        playback = self._window.services.playback
        if playback is None:
            return None
        model = self._window.library_page.podcast_model
        number = model.row_of(podcast_id)
        current = model.rows()[number].default_speed if number is not None else None
        default_text = self.tr("Your default speed")
        choices = [default_text, *(f"{speed:g}×" for speed in SPEEDS)]
        dialog = QInputDialog(self._window)
        dialog.setWindowTitle(self.tr("Playback speed for this show"))
        dialog.setLabelText(self.tr("Play episodes of {title} at:").format(title=self._title(podcast_id)))
        dialog.setComboBoxItems(choices)
        dialog.setTextValue(f"{current:g}×" if current is not None else default_text)
        by_text: dict[str, float | None] = {default_text: None, **{f"{speed:g}×": speed for speed in SPEEDS}}
        dialog.textValueSelected.connect(lambda text: self._store_speed(podcast_id, by_text.get(text)))
        dialog.open()
        self.speed_dialog = dialog
        return dialog

    def _store_speed(self, podcast_id: int, rate: float | None) -> None:
        window = self._window
        playback = window.services.playback
        if playback is None:
            return
        title = self._title(podcast_id)
        message = (
            self.tr("Episodes of {title} play at your default speed.").format(title=title)
            if rate is None
            else self.tr("Episodes of {title} play at {speed}.").format(title=title, speed=f"{rate:g}×")
        )
        window.services.tasks.submit(
            playback.store.set_podcast_speed,
            podcast_id,
            rate,
            on_result=lambda _none: self._stored(message),
            on_error=lambda error: window.show_message(str(error)),
        )

    def set_auto_download(self, podcast_id: int, enabled: bool) -> None:
        """Store the show's auto-download choice and say what it means."""
        window = self._window
        title = self._title(podcast_id)
        message = (
            self.tr("New episodes of {title} will be downloaded automatically.")
            if enabled
            else self.tr("New episodes of {title} will no longer be downloaded automatically.")
        ).format(title=title)
        window.services.tasks.submit(
            window.services.catalog.set_auto_download,
            podcast_id,
            enabled,
            on_result=lambda _none: self._stored(message),
            on_error=lambda error: window.show_message(str(error)),
        )

    def _stored(self, message: str) -> None:
        self._window.show_message(message)
        self._window.library_page.reload()  # the podcast rows carry the new setting
