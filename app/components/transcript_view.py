"""A transcript that follows playback (the line being spoken is bold and kept in view) and can
be searched; clicking a line jumps there."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from app.models.transcript import TranscriptModel, TranscriptRole
from library.cues import Cue


class TranscriptView(QWidget):
    seek_requested = Signal(int)
    """Milliseconds: the start of the line the listener clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TranscriptModel(self)
        self._matches: list[int] = []
        self._setup_ui()

    def _setup_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Search the transcript"))
        self.search_edit.setAccessibleName(self.tr("Search the transcript"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.follow_check = QCheckBox(self.tr("Follow along"))
        self.follow_check.setChecked(True)
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.follow_check)
        layout.addLayout(top)
        self.status_label = QLabel()
        layout.addWidget(self.status_label)
        self.list_view = QListView()
        self.list_view.setModel(self.model)
        self.list_view.setUniformItemSizes(True)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.setAccessibleName(self.tr("Transcript"))
        self.list_view.clicked.connect(self._on_list_view_clicked)
        self.list_view.activated.connect(self._on_list_view_clicked)
        layout.addWidget(self.list_view, 1)

    def set_cues(self, cues: Sequence[Cue]) -> None:
        self.model.set_cues(cues)
        self.status_label.setText("" if cues else self.tr("No transcript for this episode."))
        self._on_search_edit_text_changed(self.search_edit.text())

    def show_status(self, text: str) -> None:
        self.model.set_cues([])
        self.status_label.setText(text)

    def set_position(self, position_ms: int) -> None:
        row = self.model.set_position(position_ms)
        if row >= 0 and self.follow_check.isChecked():
            self.list_view.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)

    def _on_search_edit_text_changed(self, text: str) -> None:
        self._matches = self.model.search(text)
        if text.strip():
            self.status_label.setText(self.tr("{count} lines match").format(count=len(self._matches)))
            if self._matches:
                self.follow_check.setChecked(False)  # searching: stop the view jumping away
                self.list_view.scrollTo(self.model.index(self._matches[0], 0))
        elif self.model.rowCount():
            self.status_label.clear()

    def _on_search_edit_return_pressed(self) -> None:
        if not self._matches:
            return
        current = self.list_view.currentIndex().row()
        following = next((row for row in self._matches if row > current), self._matches[0])
        index = self.model.index(following, 0)
        self.list_view.setCurrentIndex(index)
        self.list_view.scrollTo(index)

    def _on_list_view_clicked(self, index: QModelIndex) -> None:
        self.seek_requested.emit(int(index.data(TranscriptRole.START_MS)))
