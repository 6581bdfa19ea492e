"""An in-process hub for per-account live events (server-sent events).

Each subscriber gets a bounded queue; a slow reader loses the oldest events instead of stalling
publishers (clients re-fetch state on reconnect). Events published by one worker reach the
subscribers of that worker; with several workers the publisher also records the change in the
database, which clients re-read on connect.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class LiveEvent:
    name: str
    data: str
    """JSON payload, already serialized."""


class EventHub:
    def __init__(self, *, queue_size: int = 100) -> None:
        self._queue_size = queue_size
        self._lock = threading.Lock()
        self._subscribers: dict[int, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[LiveEvent]]]] = defaultdict(set)

    def subscribe(self, account_id: int) -> asyncio.Queue[LiveEvent]:
        """Register a queue for ``account_id`` (call from the event loop that will read it)."""
        queue: asyncio.Queue[LiveEvent] = asyncio.Queue(self._queue_size)
        with self._lock:
            self._subscribers[account_id].add((asyncio.get_running_loop(), queue))
        return queue

    def unsubscribe(self, account_id: int, queue: asyncio.Queue[LiveEvent]) -> None:
        with self._lock:
            entries = self._subscribers.get(account_id, set())
            for entry in [entry for entry in entries if entry[1] is queue]:
                entries.discard(entry)
            if not entries:
                self._subscribers.pop(account_id, None)

    def subscriber_count(self, account_id: int) -> int:
        with self._lock:
            return len(self._subscribers.get(account_id, ()))

    def publish(self, account_id: int, event: LiveEvent) -> None:
        """Deliver ``event`` to every subscriber of ``account_id``; safe from any thread."""
        with self._lock:
            targets = list(self._subscribers.get(account_id, ()))
        for loop, queue in targets:
            loop.call_soon_threadsafe(_offer, queue, event)


def _offer(queue: asyncio.Queue[LiveEvent], event: LiveEvent) -> None:
    if queue.full():
        queue.get_nowait()  # drop the oldest: a slow reader must not hold up anyone else
    queue.put_nowait(event)
