"""The details pane of one episode: actions, sanitized show notes, chapters (click to jump),
people and funding links."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.catalog import EpisodeDetails
from app.components.transcript_view import TranscriptView
from app.icons import icon
from app.time_text import format_position_ms
from app.widgets.show_notes import ShowNotesView
from library.episode_documents import preferred_transcript


class EpisodeDetailsPane(QWidget):
    play_requested = Signal(int)
    """Episode id."""
    enqueue_requested = Signal(int)
    download_requested = Signal(int)
    rating_requested = Signal(int, int)
    """Episode id and +1 (like), -1 (not interested) or 0 (clear)."""
    chapter_requested = Signal(int, int)
    """Episode id and the chapter's start in ms (also emitted for a clicked transcript line)."""
    episode_shown = Signal()
    """A new episode's notes are laid out (the window then fetches allowed remote images)."""
    transcript_requested = Signal(int, str, str)
    """Episode id, transcript URL and its content type: the window loads it in the background."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._episode: EpisodeDetails | None = None
        self._setup_ui()
        self.show_episode(None)

    def _setup_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title_label.setFont(font)
        self.subtitle_label = QLabel()
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        layout.addWidget(self.title_label)
        layout.addWidget(self.subtitle_label)
        layout.addWidget(self.notice_label)

        actions = QHBoxLayout()
        self.play_button = self._button("play", self.tr("Play"))
        self.play_button.clicked.connect(lambda: self._emit_for_episode(self.play_requested))
        self.enqueue_button = self._button("queue", self.tr("Add to Up Next"))
        self.enqueue_button.clicked.connect(lambda: self._emit_for_episode(self.enqueue_requested))
        self.download_button = self._button("download", self.tr("Download"), icon_only=True)
        self.download_button.clicked.connect(lambda: self._emit_for_episode(self.download_requested))
        self.like_button = self._button("like", self.tr("Like"), icon_only=True)
        self.like_button.setCheckable(True)
        self.like_button.clicked.connect(self._on_like_button_clicked)
        self.not_interested_button = self._button("not-interested", self.tr("Not interested"), icon_only=True)
        self.not_interested_button.setCheckable(True)
        self.not_interested_button.clicked.connect(self._on_not_interested_button_clicked)
        for button in (self.play_button, self.enqueue_button, self.download_button, self.like_button,
                       self.not_interested_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)

        self.tabs = QTabWidget()
        self.notes_view = ShowNotesView()
        self.tabs.addTab(self.notes_view, self.tr("Notes"))
        self.chapter_list = QListWidget()
        self.chapter_list.setAccessibleName(self.tr("Chapters"))
        self.chapter_list.setUniformItemSizes(True)
        self.chapter_list.itemActivated.connect(self._on_chapter_list_item_activated)
        self.chapter_list.itemClicked.connect(self._on_chapter_list_item_activated)
        self.tabs.addTab(self.chapter_list, self.tr("Chapters"))
        self.transcript_view = TranscriptView()
        self.transcript_view.seek_requested.connect(self._on_transcript_view_seek_requested)
        self.tabs.addTab(self.transcript_view, self.tr("Transcript"))
        layout.addWidget(self.tabs, 1)
        self.links_label = QLabel()
        self.links_label.setOpenExternalLinks(True)
        self.links_label.setWordWrap(True)
        layout.addWidget(self.links_label)

    def _button(self, icon_name: str, text: str, *, icon_only: bool = False) -> QPushButton:
        # Secondary actions show only their icon (the name is the tooltip and accessible name),
        # so the pane stays narrow enough for the episode list beside it.
        button = QPushButton(icon(icon_name), "" if icon_only else text)
        button.setToolTip(text)
        button.setAccessibleName(text)
        return button

    def episode(self) -> EpisodeDetails | None:
        return self._episode

    def show_episode(self, episode: EpisodeDetails | None) -> None:
        self._episode = episode
        has_episode = episode is not None
        for widget in (self.play_button, self.enqueue_button, self.download_button, self.like_button,
                       self.not_interested_button):
            widget.setEnabled(has_episode)
        self.chapter_list.clear()
        if episode is None:
            self.title_label.setText(self.tr("No episode selected"))
            self.subtitle_label.clear()
            self.notice_label.clear()
            self.notes_view.set_notes("")
            self.links_label.clear()
            self.transcript_view.set_cues([])
            return
        self.title_label.setText(episode.title)
        self.subtitle_label.setText(episode.podcast_title)
        live = episode.live_status is not None
        playable = bool(episode.media_url) and not live
        # Play stays enabled on a live item: pressing it tells the listener why nothing plays.
        self.play_button.setEnabled(playable or live)
        self.enqueue_button.setEnabled(playable)
        self.download_button.setEnabled(playable)
        if live:
            self.notice_label.setText(self._live_notice(episode))
        elif not playable:
            self.notice_label.setText(self.tr("This episode has no audio to play."))
        elif episode.media_type and episode.media_type.startswith("video/"):
            self.notice_label.setText(self.tr("A video episode: Castwise plays its sound."))
        else:
            self.notice_label.clear()
        self.notes_view.set_notes(episode.description_html)
        self.episode_shown.emit()
        for start_ms, title in episode.chapters:
            item = QListWidgetItem(f"{format_position_ms(start_ms)}  {title}")
            item.setData(Qt.ItemDataRole.UserRole, start_ms)
            self.chapter_list.addItem(item)
        self.tabs.setTabEnabled(1, bool(episode.chapters))
        transcript = preferred_transcript(episode.transcripts)
        self.tabs.setTabEnabled(2, transcript is not None)
        if transcript is not None:
            self.transcript_view.show_status(self.tr("Loading the transcript…"))
            self.transcript_requested.emit(episode.episode_id, str(transcript["url"]), str(transcript.get("type") or ""))
        else:
            self.transcript_view.set_cues([])
        self.set_rating(episode.rating)
        links = [
            f'<a href="{html.escape(str(item.get("url", "")))}">{html.escape(str(item.get("title") or self.tr("Support")))}</a>'
            for item in episode.funding
            if item.get("url")
        ]
        people = [html.escape(str(person.get("name", ""))) for person in episode.persons if person.get("name")]
        parts = []
        if people:
            parts.append(self.tr("People: {names}").format(names=", ".join(people)))
        if links:
            parts.append(self.tr("Support: {links}").format(links=" · ".join(links)))
        self.links_label.setText("<br>".join(parts))

    def _live_notice(self, episode: EpisodeDetails) -> str:
        status = {
            "pending": self.tr("Upcoming live episode"),
            "live": self.tr("Live now"),
            "ended": self.tr("Live episode (ended)"),
        }.get(episode.live_status or "", self.tr("Live episode"))
        if episode.live_start is not None and episode.live_status == "pending":
            start = episode.live_start.astimezone().strftime("%Y-%m-%d %H:%M")
            status = self.tr("{status}, starts {start}").format(status=status, start=start)
        return self.tr("{status} - live episodes are not supported yet.").format(status=status)

    def set_rating(self, rating: int) -> None:
        self.like_button.setChecked(rating > 0)
        self.not_interested_button.setChecked(rating < 0)

    def _emit_for_episode(self, signal: Signal) -> None:  # type: ignore[type-arg]
        if self._episode is not None:
            signal.emit(self._episode.episode_id)  # type: ignore[attr-defined]

    def _on_like_button_clicked(self, checked: bool) -> None:
        if self._episode is not None:
            self.set_rating(1 if checked else 0)
            self.rating_requested.emit(self._episode.episode_id, 1 if checked else 0)

    def _on_not_interested_button_clicked(self, checked: bool) -> None:
        if self._episode is not None:
            self.set_rating(-1 if checked else 0)
            self.rating_requested.emit(self._episode.episode_id, -1 if checked else 0)

    def _on_transcript_view_seek_requested(self, start_ms: int) -> None:
        if self._episode is not None:
            self.chapter_requested.emit(self._episode.episode_id, start_ms)

    def _on_chapter_list_item_activated(self, item: QListWidgetItem) -> None:
        if self._episode is not None:
            self.chapter_requested.emit(self._episode.episode_id, int(item.data(Qt.ItemDataRole.UserRole)))
