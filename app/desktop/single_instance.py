"""One Castwise window per library: a second start raises the running window instead.

The first process for a library listens on a local socket (``QLocalServer``: a Unix domain socket,
a named pipe on Windows) whose name is derived from the library database's absolute path, so two
different ``CASTWISE_HOME`` folders run side by side while the same one never gets two windows
writing one database. A later start connects, sends :data:`RAISE_MESSAGE` and exits.

A process killed with ``kill -9`` leaves its Unix socket file behind; nothing listens on it, so a
connection is refused, the stale file is removed and the new process takes the name.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

RAISE_MESSAGE = b"raise\n"
CONNECT_TIMEOUT_MS = 1_000
"""How long a second start waits to reach the running one (a local socket answers at once)."""


def server_name(database: Path) -> str:
    """The socket name for the library at ``database``: short (Unix socket paths are limited to
    about 100 bytes) and the same for every spelling of the same path."""
    digest = hashlib.sha256(str(Path(database).expanduser().resolve()).encode()).hexdigest()[:20]
    return f"castwise-{digest}"


class SingleInstance(QObject):
    """Claims the library for this process, or hands over to the process that has it.

    Call :meth:`claim` before building the window: ``True`` means this process is the one that
    runs (and :attr:`raise_requested` fires each time another start asks to be shown); ``False``
    means another process had it and has been asked to raise its window, so this one should exit.
    """

    raise_requested = Signal()

    def __init__(self, database: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(database)
        self._server: QLocalServer | None = None
        self._clients: list[QLocalSocket] = []

    def claim(self) -> bool:
        if self._ask_running_instance():
            return False
        server = QLocalServer(self)
        # Only this user may connect: another account must not be able to raise our window.
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # Nobody answered, so a socket file left by a killed process is in the way.
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                if self._ask_running_instance():  # another start won the race a moment ago
                    return False
                log.warning("single-instance socket %s unavailable: %s", self.name, server.errorString())
                return True  # run anyway: a missing guard must never stop the app from starting
        server.newConnection.connect(self._on_new_connection)
        self._server = server
        return True

    def close(self) -> None:
        """Stop listening (the socket file is removed), so a later start runs at once."""
        if self._server is not None:
            self._server.close()
            self._server = None

    def _ask_running_instance(self) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        socket.write(RAISE_MESSAGE)
        socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(CONNECT_TIMEOUT_MS)
        return True

    def _on_new_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            self._clients.append(socket)
            socket.readyRead.connect(lambda socket=socket: self._on_client_ready_read(socket))
            socket.disconnected.connect(lambda socket=socket: self._forget(socket))
            if socket.bytesAvailable():
                self._on_client_ready_read(socket)

    def _on_client_ready_read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            if bytes(socket.readLine().data()) == RAISE_MESSAGE:
                self.raise_requested.emit()

    def _forget(self, socket: QLocalSocket) -> None:
        self._on_client_ready_read(socket)  # a client that wrote and left at once
        if socket in self._clients:
            self._clients.remove(socket)
        socket.deleteLater()
