"""A stand-in for the desktop's notification daemon (``org.freedesktop.Notifications``), run as
its own process on a private session bus: it prints each ``Notify`` call it accepts as one JSON
line on stdout. Like GNOME's, it only accepts calls with the specification's exact signature
(``susssasa{sv}i``); a call with other types is refused by D-Bus as an unknown method.

    python -m tests.app.notification_daemon   (DBUS_SESSION_BUS_ADDRESS set to the private bus)
"""

from __future__ import annotations

import json
import sys
from typing import Any

from PySide6.QtCore import ClassInfo, QCoreApplication, QObject, Slot
from PySide6.QtDBus import QDBusAbstractAdaptor, QDBusConnection

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


@ClassInfo({"D-Bus Interface": SERVICE})
class _NotificationsAdaptor(QDBusAbstractAdaptor):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._next_id = 0

    @Slot(str, "uint", str, str, str, "QStringList", "QVariantMap", int, result="uint")
    def Notify(self, app_name: str, replaces_id: int, app_icon: str, summary: str, body: str,
               actions: list[str], hints: dict[str, Any], expire_timeout_ms: int) -> int:
        self._next_id += 1
        print(json.dumps({"app_name": app_name, "replaces_id": replaces_id, "app_icon": app_icon,
                          "summary": summary, "body": body, "actions": list(actions),
                          "expire_timeout_ms": expire_timeout_ms}), flush=True)
        return self._next_id

    @Slot(result="QStringList")
    def GetCapabilities(self) -> list[str]:
        return ["body"]


def main() -> int:
    app = QCoreApplication(sys.argv)
    bus = QDBusConnection.sessionBus()
    owner = QObject()
    _NotificationsAdaptor(owner)
    if not bus.registerObject(PATH, owner) or not bus.registerService(SERVICE):
        print("cannot register on the session bus", file=sys.stderr)
        return 1
    print("ready", flush=True)
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main())
