"""The podcast list/grid: a few hundred rows; a ``QSortFilterProxyModel`` filters them by text.

The model keeps its rows in display order itself (a key sort in Python, well under a millisecond
for hundreds of rows) rather than letting the proxy sort: the proxy's sort calls back into Python
for every comparison, thousands of calls that delayed the first frame. Artwork is asked for only
when a row is drawn (:attr:`PodcastListModel.artwork_wanted`), so opening a big library does not
start hundreds of image loads at once.
"""

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
    Signal,
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


def _by_title(row: PodcastRow) -> tuple[str, int]:
    return (row.title.casefold(), row.podcast_id)


def _by_new_episodes(row: PodcastRow) -> tuple[int, str, int]:
    return (-row.new_count, row.title.casefold(), row.podcast_id)


class PodcastListModel(QAbstractListModel):
    """One row per subscribed podcast, sorted by title (or by new episodes, :meth:`sort_by`);
    artwork is asked for with :attr:`artwork_wanted` when a row is drawn and supplied with
    :meth:`set_artwork`."""

    artwork_wanted = Signal(str)
    """An image URL a drawn row needs and the model does not have (asked once per URL)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PodcastRow] = []
        self._artwork: dict[str, QIcon] = {}
        self._asked: set[str] = set()
        self._placeholder = icon("podcast")
        self._key = _by_title

    def set_rows(self, rows: Sequence[PodcastRow]) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=self._key)
        self.endResetModel()

    def sort_by(self, order: str) -> None:
        """``title`` (A-Z, case-insensitive) or ``new`` (most new episodes first); the selection
        stays on the same podcasts."""
        key = _by_new_episodes if order == "new" else _by_title
        if key is self._key:
            return
        self._key = key
        self.layoutAboutToBeChanged.emit()
        kept = [(index, self._rows[index.row()].podcast_id) for index in self.persistentIndexList()]
        self._rows.sort(key=key)
        position = {row.podcast_id: number for number, row in enumerate(self._rows)}
        for index, podcast_id in kept:
            self.changePersistentIndex(index, self.index(position[podcast_id], index.column()))
        self.layoutChanged.emit()

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
            url = row.image_url
            if url:
                if url in self._artwork:
                    return self._artwork[url]
                if url not in self._asked:
                    self._asked.add(url)
                    self.artwork_wanted.emit(url)
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
    """Filters podcasts by title text; the order is the source model's (by title, or by new
    episodes with :meth:`sort_by_new_episodes`)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterRole(Qt.ItemDataRole.DisplayRole)
        self.setDynamicSortFilter(True)

    def sort_by_new_episodes(self) -> None:
        self._source_sort("new")

    def sort_by_title(self) -> None:
        self._source_sort("title")

    def _source_sort(self, order: str) -> None:
        source = self.sourceModel()
        if isinstance(source, PodcastListModel):
            source.sort_by(order)
