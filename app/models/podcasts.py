"""The podcast list/grid: a few hundred rows, so a ``QSortFilterProxyModel`` sorts and filters."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QIcon, QPixmap

from app.icons import icon
from app.models.rows import PodcastRow

AnyIndex = QModelIndex | QPersistentModelIndex


class PodcastRole(IntEnum):
    PODCAST_ID = Qt.ItemDataRole.UserRole + 1
    ROW = Qt.ItemDataRole.UserRole + 2
    NEW_COUNT = Qt.ItemDataRole.UserRole + 3
    SORT_TITLE = Qt.ItemDataRole.UserRole + 4
    IMAGE_URL = Qt.ItemDataRole.UserRole + 5


class PodcastListModel(QAbstractListModel):
    """One row per subscribed podcast; artwork is supplied later with :meth:`set_artwork`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PodcastRow] = []
        self._artwork: dict[str, QIcon] = {}
        self._placeholder = icon("podcast")

    def set_rows(self, rows: Sequence[PodcastRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[PodcastRow]:
        return list(self._rows)

    def set_artwork(self, image_url: str, pixmap: QPixmap) -> None:
        """Show ``pixmap`` for every podcast whose artwork is ``image_url`` (GUI thread only)."""
        self._artwork[image_url] = QIcon(pixmap)
        for number, row in enumerate(self._rows):
            if row.image_url == image_url:
                index = self.index(number, 0)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def row_of(self, podcast_id: int) -> int | None:
        for number, row in enumerate(self._rows):
            if row.podcast_id == podcast_id:
                return number
        return None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.title} ({row.new_count})" if row.new_count else row.title
        if role == Qt.ItemDataRole.DecorationRole:
            if row.image_url and row.image_url in self._artwork:
                return self._artwork[row.image_url]
            return self._placeholder
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [row.title]
            if row.author:
                parts.append(row.author)
            if row.last_error:
                parts.append(self.tr("Last refresh failed: {error}").format(error=row.last_error))
            return "\n".join(parts)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return row.title
        if role == PodcastRole.PODCAST_ID:
            return row.podcast_id
        if role == PodcastRole.ROW:
            return row
        if role == PodcastRole.NEW_COUNT:
            return row.new_count
        if role == PodcastRole.SORT_TITLE:
            return row.title.casefold()
        if role == PodcastRole.IMAGE_URL:
            return row.image_url
        return None


class PodcastSortFilterProxy(QSortFilterProxyModel):
    """Sorts podcasts by title (case-insensitive) or by new episodes; filters by title text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(PodcastRole.SORT_TITLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterRole(Qt.ItemDataRole.DisplayRole)
        self.setDynamicSortFilter(True)
        self.sort(0, Qt.SortOrder.AscendingOrder)

    def sort_by_new_episodes(self) -> None:
        self.setSortRole(PodcastRole.NEW_COUNT)
        self.sort(0, Qt.SortOrder.DescendingOrder)

    def sort_by_title(self) -> None:
        self.setSortRole(PodcastRole.SORT_TITLE)
        self.sort(0, Qt.SortOrder.AscendingOrder)
