"""Downloads in progress and done, with progress for a progress-bar delegate."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.models.rows import DownloadRow

AnyIndex = QModelIndex | QPersistentModelIndex


class DownloadColumn(IntEnum):
    TITLE = 0
    PROGRESS = 1
    STATE = 2


class DownloadRole(IntEnum):
    EPISODE_ID = Qt.ItemDataRole.UserRole + 1
    ROW = Qt.ItemDataRole.UserRole + 2
    PROGRESS_PERCENT = Qt.ItemDataRole.UserRole + 3


class DownloadListModel(QAbstractTableModel):
    """One row per download; :meth:`upsert` updates a row in place as progress arrives."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DownloadRow] = []
        self._headers = {
            DownloadColumn.TITLE: self.tr("Episode"),
            DownloadColumn.PROGRESS: self.tr("Progress"),
            DownloadColumn.STATE: self.tr("State"),
        }
        self._state_text = {
            "queued": self.tr("Waiting"),
            "downloading": self.tr("Downloading"),
            "paused": self.tr("Paused"),
            "completed": self.tr("Done"),
            "failed": self.tr("Failed"),
            "cancelled": self.tr("Cancelled"),
        }

    def set_rows(self, rows: Sequence[DownloadRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def upsert(self, row: DownloadRow) -> None:
        """Insert a new download or update the one with the same episode id."""
        for number, existing in enumerate(self._rows):
            if existing.episode_id == row.episode_id:
                self._rows[number] = row
                self.dataChanged.emit(self.index(number, 0), self.index(number, len(DownloadColumn) - 1))
                return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._rows.append(row)
        self.endInsertRows()

    def remove(self, episode_id: int) -> None:
        for number, existing in enumerate(self._rows):
            if existing.episode_id == episode_id:
                self.beginRemoveRows(QModelIndex(), number, number)
                del self._rows[number]
                self.endRemoveRows()
                return

    def row_at(self, number: int) -> DownloadRow:
        return self._rows[number]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(DownloadColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(DownloadColumn):
            return self._headers[DownloadColumn(section)]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == DownloadColumn.TITLE:
                return row.title
            if column == DownloadColumn.PROGRESS:
                return f"{row.progress_percent}%"
            if column == DownloadColumn.STATE:
                text = self._state_text.get(row.state, row.state)
                if row.state == "downloading" and row.rate_bps > 0:
                    text = f"{text} · {row.rate_bps / 1_000_000:.1f} MB/s"
                if row.error:
                    text = f"{text}: {row.error}"
                return text
            return None
        if role == DownloadRole.EPISODE_ID:
            return row.episode_id
        if role == DownloadRole.ROW:
            return row
        if role == DownloadRole.PROGRESS_PERCENT:
            return row.progress_percent
        return None
