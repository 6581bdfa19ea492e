"""The Purchases list: each premium show bought with the account, and whether it is subscribed on
this computer, waiting to be restored, or no longer available (refunded or revoked)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.adapters.account import PurchaseRow

_Index = QModelIndex | QPersistentModelIndex


class PurchaseRole(IntEnum):
    ROW = Qt.ItemDataRole.UserRole + 1
    """The :class:`PurchaseRow`."""
    STATE = Qt.ItemDataRole.UserRole + 2
    """``subscribed``, ``available`` or ``ended``."""


class PurchasesModel(QAbstractListModel):
    """A flat list of :class:`PurchaseRow`; replaced whole when the account's list is re-read."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PurchaseRow] = []

    def set_rows(self, rows: list[PurchaseRow]) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=lambda row: (row.state == "ended", row.title.casefold()))
        self.endResetModel()

    def rows(self) -> list[PurchaseRow]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() != 0:
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.title} — {self.state_text(row)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.state_text(row)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{row.title}: {self.state_text(row)}"
        if role == PurchaseRole.ROW:
            return row
        if role == PurchaseRole.STATE:
            return row.state
        return None

    def state_text(self, row: PurchaseRow) -> str:
        """What the listener reads about ``row``'s access on this computer."""
        if row.state == "subscribed":
            return self.tr("subscribed on this computer")
        if row.state == "available":
            return self.tr("bought; use Restore purchases to subscribe here")
        return self.tr("access ended ({reason})").format(reason=row.reason or self.tr("no longer among your purchases"))
