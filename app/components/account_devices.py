"""The Devices list: every device signed in to the account, this one marked, with when each was
last used (UTC)."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from app.models.flat_list import FlatListModel

if TYPE_CHECKING:
    from protocol.accounts import SessionPublic

class DeviceRole(IntEnum):
    SESSION_ID = Qt.ItemDataRole.UserRole + 1
    """The device session's id on the service."""
    CURRENT = Qt.ItemDataRole.UserRole + 2
    """True for this computer's own session."""


class DevicesModel(FlatListModel["SessionPublic"]):
    """Signed-in devices, this one first, then the most recently used."""

    def set_devices(self, devices: list[SessionPublic]) -> None:
        self.replace_rows(sorted(devices, key=lambda item: (not item.current, -item.last_used_at.timestamp())))

    def devices(self) -> list[SessionPublic]:
        return self.all_rows()

    def row_data(self, item: SessionPublic, role: int) -> Any:
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
