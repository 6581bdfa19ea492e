"""Server-sent events from the Castwise service: a parser, and a stream that reconnects.

:func:`parse_events` follows the HTML event-stream rules (``event:``, ``data:`` lines joined with
newlines, ``id:``, ``retry:``, ``:`` comments, a blank line ends an event). :class:`LiveStream`
keeps one stream open on a daemon thread: after a dropped connection or an unreachable service
it waits (exponential backoff with jitter, 0.5 s doubling to 30 s, reset once connected) and
reconnects, sending ``Last-Event-ID`` so the service replays what was missed. An ended session or
a refused request stops it (retrying cannot help) and is reported through ``on_error``.
"""

from __future__ import annotations

import contextlib
import logging
import random
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import httpx

from account.client import ServiceClient
from account.errors import AccountError, ServiceUnavailableError

log = logging.getLogger(__name__)

INITIAL_BACKOFF_S = 0.5
MAX_BACKOFF_S = 30.0
READ_TIMEOUT_S = 45.0
"""The service sends a keep-alive every 15 s; three missed ones mean the connection is dead."""


@dataclass(frozen=True)
class ServerEvent:
    """One event: ``name`` (``message`` when unnamed), ``data`` (text), ``id`` (or ``None``)."""

    name: str
    data: str
    id: str | None = None


def parse_events(lines: Iterable[str]) -> Iterator[ServerEvent | int]:
    """Events from the lines of an event stream; an ``int`` is a ``retry:`` delay in milliseconds."""
    name, event_id = "", None
    data: list[str] = []
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line:
            if data:
                yield ServerEvent(name or "message", "\n".join(data), event_id)
            name, data, event_id = "", [], None
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
        elif field == "id" and "\0" not in value:
            event_id = value
        elif field == "retry" and value.isdigit():
            yield int(value)


class LiveStream:
    """One server-sent-event stream of ``path``, kept open on a background thread.

    ``on_event`` gets each event (on the stream's thread); ``on_connected`` is called after each
    successful (re)connection, before any event of it; ``on_error`` gets the error that stopped
    the stream for good. ``last_event_id`` is sent on every reconnection.
    """

    def __init__(self, client: ServiceClient, path: str, *, on_event: Callable[[ServerEvent], None],
                 on_connected: Callable[[], None] | None = None,
                 on_error: Callable[[AccountError], None] | None = None,
                 last_event_id: str | None = None, authenticated: bool = True, name: str = "castwise-live") -> None:
        self.client = client
        self.path = path
        self.on_event = on_event
        self.on_connected = on_connected
        self.on_error = on_error
        self.last_event_id = last_event_id
        self.authenticated = authenticated
        self.connections = 0
        """Successful connections so far (the first plus each reconnection)."""
        self._stop = threading.Event()
        self._response: httpx.Response | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> LiveStream:
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        """Close the stream and wait (up to ``timeout_s`` seconds) for its thread to end."""
        self._stop.set()
        self._interrupt()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout_s)

    def _interrupt(self) -> None:
        """Unblock the reader thread: shutting the socket down ends a blocking read at once,
        where closing the response from another thread would wait for the next keep-alive."""
        response = self._response
        if response is None:
            return
        network_stream = response.extensions.get("network_stream")
        raw = network_stream.get_extra_info("socket") if network_stream is not None else None
        if isinstance(raw, socket.socket):
            with contextlib.suppress(OSError):
                raw.shutdown(socket.SHUT_RDWR)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        backoff = INITIAL_BACKOFF_S
        while not self._stop.is_set():
            try:
                if self._connect_once():
                    backoff = INITIAL_BACKOFF_S
            except ServiceUnavailableError as error:
                log.info("live stream %s unavailable: %s", self.path, error)
            except AccountError as error:  # signed out, refused: retrying will not help
                log.warning("live stream %s stopped: %s", self.path, error)
                if self.on_error is not None:
                    self.on_error(error)
                return
            except (httpx.HTTPError, OSError) as error:  # the connection dropped mid-stream
                log.info("live stream %s dropped (%s)", self.path, type(error).__name__)
            if self._stop.is_set():
                return
            self._stop.wait(backoff * random.uniform(0.8, 1.2))
            backoff = min(backoff * 2, MAX_BACKOFF_S)

    def _connect_once(self) -> bool:
        """Read one connection to its end; True when it connected."""
        headers = {"Last-Event-ID": self.last_event_id} if self.last_event_id else {}
        with self.client.stream(self.path, headers=headers, read_timeout_s=READ_TIMEOUT_S,
                                authenticated=self.authenticated) as response:
            self._response = response
            try:
                if self._stop.is_set():
                    return True
                self.connections += 1
                if self.on_connected is not None:
                    try:
                        self.on_connected()
                    except Exception:  # a listener's bug must not kill the stream
                        log.exception("a live stream connection handler failed")
                for item in parse_events(response.iter_lines()):
                    if self._stop.is_set():
                        break
                    if isinstance(item, int):
                        continue  # our backoff governs reconnection, not the server's hint
                    if item.id is not None:
                        self.last_event_id = item.id
                    try:
                        self.on_event(item)
                    except Exception:  # a listener's bug must not kill the stream
                        log.exception("a live event handler failed")
            finally:
                self._response = None
        return True
