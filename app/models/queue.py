"""Up Next: the playback queue in order, reorderable by drag and drop or by commands."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.models.rows import EpisodeRow
from app.time_text import format_duration_s

AnyIndex = QModelIndex | QPersistentModelIndex


class QueueRole(IntEnum):
    EPISODE_ID = Qt.ItemDataRole.UserRole + 1
    ROW = Qt.ItemDataRole.UserRole + 2


class QueueModel(QAbstractListModel):
    """The queue's episodes, first to play on top; the page turns moves into controller calls."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[EpisodeRow] = []

    def set_rows(self, rows: Sequence[EpisodeRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def episode_ids(self) -> list[int]:
        return [row.episode_id for row in self._rows]

    def move(self, source: int, destination: int) -> bool:
        """Move the row at ``source`` so it ends up at index ``destination``."""
        if not (0 <= source < len(self._rows) and 0 <= destination < len(self._rows)) or source == destination:
            return False
        qt_destination = destination + 1 if destination > source else destination
        self.beginMoveRows(QModelIndex(), source, source, QModelIndex(), qt_destination)
        self._rows.insert(destination, self._rows.pop(source))
        self.endMoveRows()
        return True

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            duration = format_duration_s(row.duration_s)
            suffix = f"  ·  {duration}" if duration else ""
            return f"{row.title}\n{row.podcast_title}{suffix}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{row.title}, {row.podcast_title}"
        if role == QueueRole.EPISODE_ID:
            return row.episode_id
        if role == QueueRole.ROW:
            return row
        return None
