"""A read-only, one-column list model over plain rows, replaced whole when its source is re-read
(purchases, devices, published answers). Subclasses say how a row reads in :meth:`row_data`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Row = TypeVar("Row")
_Index = QModelIndex | QPersistentModelIndex


class FlatListModel(QAbstractListModel, Generic[Row]):
    """Rows in the order given to :meth:`replace_rows`; ``data`` asks :meth:`row_data`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def replace_rows(self, rows: Iterable[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def all_rows(self) -> list[Row]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() != 0:
            return None
        return self.row_data(self._rows[index.row()], role)

    def row_data(self, row: Row, role: int) -> Any:
        """What ``row`` shows for ``role`` (``None`` for roles it does not answer)."""
        raise NotImplementedError
