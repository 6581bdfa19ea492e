"""A transcript as a list: one row per cue, the cue being spoken marked, search matches marked."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.time_text import format_position_ms
from library.cues import Cue

AnyIndex = QModelIndex | QPersistentModelIndex


class TranscriptRole(IntEnum):
    START_MS = Qt.ItemDataRole.UserRole + 1
    IS_CURRENT = Qt.ItemDataRole.UserRole + 2
    MATCHES = Qt.ItemDataRole.UserRole + 3


class TranscriptModel(QAbstractListModel):
    """Cues in time order. :meth:`set_position` marks the cue at a moment (follow-along);
    :meth:`search` marks the cues containing a text and returns their rows."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cues: list[Cue] = []
        self._starts: list[int] = []
        self._folded: list[str] = []
        self._current = -1
        self._matches: set[int] = set()
        self._bold = QFont()
        self._bold.setBold(True)
        self._match_brush = QBrush(QColor(255, 220, 80, 110))

    def set_cues(self, cues: Sequence[Cue]) -> None:
        self.beginResetModel()
        self._cues = sorted(cues, key=lambda cue: cue.start_ms)
        self._starts = [cue.start_ms for cue in self._cues]
        self._folded = [cue.text.casefold() for cue in self._cues]
        self._current = -1
        self._matches = set()
        self.endResetModel()

    def current_row(self) -> int:
        return self._current

    def row_at(self, position_ms: int) -> int:
        """The cue being spoken at ``position_ms`` (the last one started), or -1 before the first."""
        return bisect.bisect_right(self._starts, position_ms) - 1

    def set_position(self, position_ms: int) -> int:
        """Mark the cue at ``position_ms``; returns its row (-1 when none)."""
        row = self.row_at(position_ms)
        if row != self._current:
            previous, self._current = self._current, row
            for changed in (previous, row):
                if 0 <= changed < len(self._cues):
                    index = self.index(changed, 0)
                    self.dataChanged.emit(index, index, [Qt.ItemDataRole.FontRole])
        return row

    def search(self, text: str) -> list[int]:
        """Mark and return the rows whose text contains ``text`` (case-insensitive)."""
        needle = text.strip().casefold()
        found = [row for row, folded in enumerate(self._folded) if needle and needle in folded]
        changed = self._matches.symmetric_difference(found)
        self._matches = set(found)
        for row in changed:
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.BackgroundRole])
        return found

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._cues)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._cues):
            return None
        row = index.row()
        cue = self._cues[row]
        if role == Qt.ItemDataRole.DisplayRole:
            speaker = f"{cue.speaker}: " if cue.speaker else ""
            return f"{format_position_ms(cue.start_ms)}  {speaker}{cue.text}"
        if role == Qt.ItemDataRole.FontRole and row == self._current:
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole and row in self._matches:
            return self._match_brush
        if role == TranscriptRole.START_MS:
            return cue.start_ms
        if role == TranscriptRole.IS_CURRENT:
            return row == self._current
        if role == TranscriptRole.MATCHES:
            return row in self._matches
        return None
