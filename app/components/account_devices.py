"""The Devices list: every device signed in to the account, this one marked, with when each was
last used (UTC)."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

if TYPE_CHECKING:
    from protocol.accounts import SessionPublic

_Index = QModelIndex | QPersistentModelIndex


class DeviceRole(IntEnum):
    SESSION_ID = Qt.ItemDataRole.UserRole + 1
    """The device session's id on the service."""
    CURRENT = Qt.ItemDataRole.UserRole + 2
    """True for this computer's own session."""


class DevicesModel(QAbstractListModel):
    """Signed-in devices, this one first, then the most recently used."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[SessionPublic] = []

    def set_devices(self, devices: list[SessionPublic]) -> None:
        self.beginResetModel()
        self._rows = sorted(devices, key=lambda item: (not item.current, -item.last_used_at.timestamp()))
        self.endResetModel()

    def devices(self) -> list[SessionPublic]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() != 0:
            return None
        item = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if item.current:
                return self.tr("{device} (this computer)").format(device=item.device_name)
            return self.tr("{device}, last used {when} UTC").format(
                device=item.device_name, when=item.last_used_at.strftime("%Y-%m-%d %H:%M"))
        if role == DeviceRole.SESSION_ID:
            return item.id
        if role == DeviceRole.CURRENT:
            return item.current
        return None
