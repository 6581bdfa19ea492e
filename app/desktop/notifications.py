"""Desktop notifications for new episodes, wherever the desktop can show them.

In order: the system tray's balloon where a tray icon is shown; on Linux without a tray (GNOME
without extensions, many Wayland sessions) the freedesktop notification service
(``org.freedesktop.Notifications`` on the session bus, through QtDBus); and otherwise, or when
that service is missing or refuses the call, a message in the window itself.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from app.desktop.tray import TrayIcon
from app.tasks import TaskRunner

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
TIMEOUT_MS = 8_000
"""How long a notification stays up (milliseconds), where the desktop lets the app choose."""
TITLES_SHOWN = 3


class NotificationUnavailable(Exception):
    """The session bus has no notification service, or it refused the notification."""


def send_freedesktop_notification(bus: object, summary: str, body: str, *, app_name: str = "Castwise",
                                  icon_name: str = "castwise") -> int:
    """Show a notification through ``org.freedesktop.Notifications`` on ``bus`` (a
    ``QDBusConnection``); returns the id the service gave it.

    Blocking (the service is introspected, then called): run it on a worker thread. The call is
    made through the introspected interface so that every argument has the type the specification
    names (``susssasa{sv}i``): services such as GNOME Shell refuse a ``replaces_id`` sent as a
    signed integer. Raises :class:`NotificationUnavailable`.
    """
    from PySide6.QtCore import Q_ARG, Q_RETURN_ARG, QMetaObject
    from PySide6.QtDBus import QDBusConnection, QDBusInterface

    assert isinstance(bus, QDBusConnection)
    if not bus.isConnected():
        raise NotificationUnavailable("no D-Bus session bus")
    registered = bus.interface().isServiceRegistered(SERVICE)
    if not registered.isValid() or not registered.value():
        raise NotificationUnavailable(f"{SERVICE} is not on the session bus")
    interface = QDBusInterface(SERVICE, OBJECT_PATH, SERVICE, bus)
    if not interface.isValid():
        raise NotificationUnavailable(interface.lastError().message() or f"{SERVICE} cannot be reached")
    notification_id = QMetaObject.invokeMethod(
        interface, "Notify", Q_RETURN_ARG("uint"),
        Q_ARG(str, app_name), Q_ARG("uint", 0), Q_ARG(str, icon_name), Q_ARG(str, summary), Q_ARG(str, body),
        Q_ARG("QStringList", []), Q_ARG("QVariantMap", {}), Q_ARG(int, TIMEOUT_MS),
    )
    error = interface.lastError()
    if error.isValid():
        raise NotificationUnavailable(error.message() or error.name())
    return int(notification_id or 0)


class NewEpisodeNotifier(QObject):
    """Tells the listener about new episodes after a refresh, by the best route there is."""

    shown = Signal(str, str, str)
    """The route taken (``tray``, ``freedesktop`` or ``window``), the summary and the body."""

    def __init__(self, tray: TrayIcon | None, tasks: TaskRunner, show_in_window: object, *,
                 bus: object | None = None, use_dbus: bool = sys.platform.startswith("linux"),
                 parent: QObject | None = None) -> None:
        """``show_in_window(text)`` puts a message in the window (its status line); ``bus`` is the
        D-Bus connection to use (the session bus when ``None``)."""
        super().__init__(parent)
        self._tray = tray
        self._tasks = tasks
        self._show_in_window = show_in_window
        self._bus = bus
        self._use_dbus = use_dbus

    def notify_new_episodes(self, count: int, titles: list[str]) -> None:
        if count <= 0:
            return
        # The tray's wording (and its translation): the same message whichever way it is shown.
        summary = QCoreApplication.translate("TrayIcon", "{count} new episodes").format(count=count)
        body = "\n".join(titles[:TITLES_SHOWN])
        tray = self._tray
        if tray is not None and tray.tray.isVisible() and QSystemTrayIcon.supportsMessages():
            tray.notify_new_episodes(count, titles)
            self.shown.emit("tray", summary, body)
        elif self._use_dbus:
            self._tasks.submit(
                send_freedesktop_notification, self._session_bus(), summary, body,
                on_result=lambda _id: self.shown.emit("freedesktop", summary, body),
                on_error=lambda error: self._fall_back(summary, body, error),
            )
        else:
            self._in_window(summary, body)

    def _session_bus(self) -> object:
        if self._bus is None:
            from PySide6.QtDBus import QDBusConnection

            self._bus = QDBusConnection.sessionBus()
        return self._bus

    def _fall_back(self, summary: str, body: str, error: BaseException) -> None:
        log.info("desktop notification not shown (%s); telling the listener in the window", error)
        self._in_window(summary, body)

    def _in_window(self, summary: str, body: str) -> None:
        text = f"{summary}: {', '.join(body.splitlines())}" if body else summary
        self._show_in_window(text)  # type: ignore[operator]
        self.shown.emit("window", summary, body)
