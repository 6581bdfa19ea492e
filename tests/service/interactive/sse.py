"""A small server-sent events reader for tests: a real HTTP connection read on a thread."""

from __future__ import annotations

import http.client
import json
import queue
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Message:
    id: int | None
    event: str
    data: Any


class SseReader:
    """Reads ``url`` as an event stream until :meth:`close`; every message lands in :attr:`messages`."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.url, self.headers = url, dict(headers or {})
        self.messages: list[Message] = []
        self.status: int | None = None
        self._connection: http.client.HTTPConnection | None = None
        self._inbox: queue.Queue[Message] = queue.Queue()
        self._connected = threading.Event()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._connected.wait(30):
            raise RuntimeError("the event stream did not open")

    def _run(self) -> None:
        try:
            self._read()
        except (OSError, http.client.HTTPException, ValueError):
            if not self._closed.is_set():
                raise
        finally:
            self._connected.set()

    def _read(self) -> None:
        parts = urllib.parse.urlsplit(self.url)
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
        self._connection = connection
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=self.headers)
        response = connection.getresponse()
        self.status = response.status
        if response.status != 200:
            return
        fields: dict[str, str] = {}
        while not self._closed.is_set():
            raw = response.readline()
            if not raw:
                return
            line = raw.decode().rstrip("\r\n")
            if line.startswith(": connected"):
                self._connected.set()
            if not line:
                if "event" in fields:
                    message = Message(int(fields["id"]) if "id" in fields else None, fields["event"],
                                      json.loads(fields.get("data", "null")))
                    self.messages.append(message)
                    self._inbox.put(message)
                fields = {}
                continue
            name, _, value = line.partition(":")
            fields[name] = value[1:] if value.startswith(" ") else value

    def wait_for(self, predicate: Callable[[Message], bool], timeout_s: float = 30.0) -> Message:
        """The first message (already received or arriving) that satisfies ``predicate``."""
        for message in list(self.messages):
            if predicate(message):
                return message
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                message = self._inbox.get(timeout=0.05)
            except queue.Empty:
                continue
            if predicate(message):
                return message
        raise AssertionError(f"no matching event within {timeout_s} s; got {[m.event for m in self.messages]}")

    def close(self) -> None:
        """Hang up (the server sees the disconnect at once)."""
        self._closed.set()
        connection = self._connection
        if connection is not None and connection.sock is not None:
            try:
                connection.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already gone
        self._thread.join(timeout=5)
