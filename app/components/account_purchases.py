"""The Purchases list: each premium show bought with the account, and whether it is subscribed on
this computer, waiting to be restored, or no longer available (refunded or revoked)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt

from app.adapters.account import PurchaseRow
from app.models.flat_list import FlatListModel


class PurchaseRole(IntEnum):
    ROW = Qt.ItemDataRole.UserRole + 1
    """The :class:`PurchaseRow`."""
    STATE = Qt.ItemDataRole.UserRole + 2
    """``subscribed``, ``available`` or ``ended``."""


class PurchasesModel(FlatListModel[PurchaseRow]):
    """A flat list of :class:`PurchaseRow`; replaced whole when the account's list is re-read."""

    def set_rows(self, rows: list[PurchaseRow]) -> None:
        self.replace_rows(sorted(rows, key=lambda row: (row.state == "ended", row.title.casefold())))

    def rows(self) -> list[PurchaseRow]:
        return self.all_rows()

    def row_data(self, row: PurchaseRow, role: int) -> Any:
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
