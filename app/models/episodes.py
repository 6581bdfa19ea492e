"""The episode list: one podcast's episodes, "all new", search results. Built for 100k rows.

Sorting and text filtering happen here, in Python over the plain rows, rather than in a
``QSortFilterProxyModel``: a proxy calls back into Python once per row for filtering and once
per comparison for sorting, which takes seconds at 100k rows; a key sort over the row list and a
substring pass over pre-lowered titles take milliseconds. The model exposes the visible subset
through an index list, so the view sees an ordinary flat table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from app.models.rows import EpisodeRow, EpisodeState, MediaKind
from app.time_text import format_date_s, format_duration_s

AnyIndex = QModelIndex | QPersistentModelIndex


class EpisodeColumn(IntEnum):
    TITLE = 0
    PODCAST = 1
    PUBLISHED = 2
    DURATION = 3
    STATE = 4


class EpisodeRole(IntEnum):
    EPISODE_ID = Qt.ItemDataRole.UserRole + 1
    ROW = Qt.ItemDataRole.UserRole + 2
    """The :class:`EpisodeRow` itself."""
    STATE = Qt.ItemDataRole.UserRole + 3
    """:class:`EpisodeState` value as a string."""
    SORT_KEY = Qt.ItemDataRole.UserRole + 4


class EpisodeFilter(IntEnum):
    ALL = 0
    UNPLAYED = 1
    IN_PROGRESS = 2
    DOWNLOADED = 3
    PLAYED = 4


_SORT_KEYS: dict[EpisodeColumn, Callable[[EpisodeRow], Any]] = {
    EpisodeColumn.TITLE: lambda row: row.title.casefold(),
    EpisodeColumn.PODCAST: lambda row: row.podcast_title.casefold(),
    EpisodeColumn.PUBLISHED: lambda row: row.published_s or 0.0,
    EpisodeColumn.DURATION: lambda row: row.duration_s or 0.0,
    EpisodeColumn.STATE: lambda row: (row.state.value, row.downloaded),
}

_FILTERS: dict[EpisodeFilter, Callable[[EpisodeRow], bool]] = {
    EpisodeFilter.UNPLAYED: lambda row: not row.played,
    EpisodeFilter.IN_PROGRESS: lambda row: row.position_ms > 0 and not row.played,
    EpisodeFilter.DOWNLOADED: lambda row: row.downloaded,
    EpisodeFilter.PLAYED: lambda row: row.played,
}


_ANSWERED_ROLES = frozenset(
    {
        int(Qt.ItemDataRole.DisplayRole),
        int(Qt.ItemDataRole.ToolTipRole),
        int(Qt.ItemDataRole.FontRole),
        *(int(role) for role in EpisodeRole),
    }
)


class EpisodeListModel(QAbstractTableModel):
    """A flat table of :class:`EpisodeRow`; sort with :meth:`sort`, filter with :meth:`set_filter`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[EpisodeRow] = []
        self._folded_titles: list[str] = []
        self._visible: list[int] = []
        self._sort_column = EpisodeColumn.PUBLISHED
        self._sort_order = Qt.SortOrder.DescendingOrder
        self._filter_text = ""
        self._filter_state = EpisodeFilter.ALL
        self._order_cache: list[int] | None = None
        self._order_key: tuple[EpisodeColumn, Qt.SortOrder] | None = None
        self._headers = {
            EpisodeColumn.TITLE: self.tr("Title"),
            EpisodeColumn.PODCAST: self.tr("Podcast"),
            EpisodeColumn.PUBLISHED: self.tr("Published"),
            EpisodeColumn.DURATION: self.tr("Duration"),
            EpisodeColumn.STATE: self.tr("State"),
        }
        self._state_text = {
            EpisodeState.NEW: self.tr("New"),
            EpisodeState.IN_PROGRESS: self.tr("In progress"),
            EpisodeState.PLAYED: self.tr("Played"),
        }
        self._downloaded_text = self.tr("Downloaded")
        self._dates: dict[int, str] = {}
        self._bold_font = QFont()
        self._bold_font.setBold(True)
        self._kind_text = {
            MediaKind.VIDEO: self.tr("Video (plays as audio)"),
            MediaKind.LIVE: self.tr("Live: not supported yet"),
            MediaKind.NONE: self.tr("Nothing to play"),
        }

    # -- our API ---------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[EpisodeRow]) -> None:
        """Replace every row (a podcast opened, a refresh finished)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._order_cache = None
        self._folded_titles = [f"{row.title}\n{row.podcast_title}".casefold() for row in self._rows]
        self._visible = self._compute_visible()
        self.endResetModel()

    def append_rows(self, rows: Sequence[EpisodeRow]) -> None:
        """Add rows after those there already: the rest of a list read in two parts (a first
        screenful at once, the rest after it). When the new rows sort after the shown ones (the
        list is read in its display order) they are inserted at the end, so the listener's scroll
        position and selection stay as they were; otherwise the rows are laid out anew."""
        if not rows:
            return
        self._rows.extend(rows)
        self._folded_titles.extend(f"{row.title}\n{row.podcast_title}".casefold() for row in rows)
        self._order_cache = None
        shown = self._visible
        visible = self._compute_visible()
        if visible[: len(shown)] == shown:
            if len(visible) > len(shown):
                self.beginInsertRows(QModelIndex(), len(shown), len(visible) - 1)
                self._visible = visible
                self.endInsertRows()
            return
        self._relayout()

    def update_row(self, row: EpisodeRow) -> None:
        """Replace the row with the same episode id (played, downloaded, rated)."""
        for source, existing in enumerate(self._rows):
            if existing.episode_id == row.episode_id:
                self._rows[source] = row
                self._folded_titles[source] = f"{row.title}\n{row.podcast_title}".casefold()
                self._order_cache = None  # its sort key may have changed; the next sort re-orders
                try:
                    visible = self._visible.index(source)
                except ValueError:
                    return
                self.dataChanged.emit(self.index(visible, 0), self.index(visible, len(EpisodeColumn) - 1))
                return

    def set_filter(self, text: str = "", state: EpisodeFilter = EpisodeFilter.ALL) -> None:
        """Show only rows whose title or podcast contains ``text`` (case-insensitive) in ``state``."""
        text = text.strip().casefold()
        if text == self._filter_text and state == self._filter_state:
            return
        self._filter_text, self._filter_state = text, state
        self.beginResetModel()
        self._visible = self._compute_visible()
        self.endResetModel()

    def row_at(self, visible_row: int) -> EpisodeRow:
        return self._rows[self._visible[visible_row]]

    def visible_row_of(self, episode_id: int) -> int | None:
        for visible, source in enumerate(self._visible):
            if self._rows[source].episode_id == episode_id:
                return visible
        return None

    def total_count(self) -> int:
        return len(self._rows)

    # -- Qt overrides ------------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(EpisodeColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(EpisodeColumn):
            return self._headers[EpisodeColumn(section)]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Views ask for a dozen roles per cell while painting; most are answered here at once.
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        row = self._rows[self._visible[index.row()]]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column) if 0 <= column < len(EpisodeColumn) else None
        if role == EpisodeRole.EPISODE_ID:
            return row.episode_id
        if role == EpisodeRole.ROW:
            return row
        if role == EpisodeRole.STATE:
            return row.state.value
        if role == Qt.ItemDataRole.ToolTipRole and column == EpisodeColumn.TITLE:
            return row.title
        if role == Qt.ItemDataRole.FontRole and column == EpisodeColumn.TITLE and row.state is EpisodeState.NEW:
            return self._bold_font
        return None

    def cell_text(self, visible_row: int, column: int) -> tuple[str, bool]:
        """What a cell shows and whether it is bold (a new episode's title), in one call: the
        list's delegate paints from this instead of asking for each role."""
        row = self._rows[self._visible[visible_row]]
        return self._display(row, column), column == EpisodeColumn.TITLE and row.state is EpisodeState.NEW

    def _display(self, row: EpisodeRow, column: int) -> str:
        if column == EpisodeColumn.TITLE:
            return row.title
        if column == EpisodeColumn.PODCAST:
            return row.podcast_title
        if column == EpisodeColumn.PUBLISHED:
            published = row.published_s
            if published is None:
                return ""
            # Dates are UTC days: formatted once per day, not once per painted cell.
            day = int(published // 86_400)
            text = self._dates.get(day)
            if text is None:
                text = self._dates[day] = format_date_s(published)
            return text
        if column == EpisodeColumn.DURATION:
            return format_duration_s(row.duration_s)
        return self._describe_state(row)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(EpisodeColumn):
            return
        self._sort_column, self._sort_order = EpisodeColumn(column), order
        self._relayout()

    # -- helpers ------------------------------------------------------------------------------
    def _relayout(self) -> None:
        """Recompute the visible order, keeping persistent indexes (selection, current row)."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [(index, self._visible[index.row()]) for index in persistent]
        self._visible = self._compute_visible()
        position = {source: visible for visible, source in enumerate(self._visible)}
        for index, source in kept:
            new_row = position.get(source)
            self.changePersistentIndex(
                index, self.index(new_row, index.column()) if new_row is not None else QModelIndex()
            )
        self.layoutChanged.emit()

    def _describe_state(self, row: EpisodeRow) -> str:
        if row.media_kind in self._kind_text:
            return self._kind_text[row.media_kind]
        text = self._state_text[row.state]
        if row.state is EpisodeState.IN_PROGRESS and row.duration_s:
            text = f"{text} ({min(99, int(row.position_ms / 10 / row.duration_s))}%)"
        if row.downloaded:
            text = f"{text} · {self._downloaded_text}"
        return text

    def _compute_visible(self) -> list[int]:
        # The full order for the current sort is computed once per sort (or new rows); filtering
        # then walks it and keeps the order, so typing never re-sorts 100k rows.
        order = self._ordered()
        if self._filter_text:
            needle, titles = self._filter_text, self._folded_titles
            order = [i for i in order if needle in titles[i]]
        accept = _FILTERS.get(self._filter_state)
        if accept is not None:
            rows = self._rows
            order = [i for i in order if accept(rows[i])]
        return order if order is not self._order_cache else list(order)

    def _ordered(self) -> list[int]:
        key_spec = (self._sort_column, self._sort_order)
        if self._order_key != key_spec or self._order_cache is None:
            key = _SORT_KEYS[self._sort_column]
            keys = [key(row) for row in self._rows]
            self._order_cache = sorted(
                range(len(keys)), key=keys.__getitem__, reverse=self._sort_order == Qt.SortOrder.DescendingOrder
            )
            self._order_key = key_spec
        return self._order_cache
