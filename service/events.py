"""An in-process hub for per-account live events (server-sent events).

Each subscriber gets a bounded queue; a slow reader loses the oldest events instead of stalling
publishers (clients re-fetch the signed entitlement list on every connect anyway).

With PostgreSQL, events travel through ``NOTIFY`` so that a webhook handled by one worker reaches
a listener streaming from another: :class:`PostgresFanout` sends, and a listener thread in each
worker delivers to that worker's subscribers. With SQLite, events reach the subscribers of the
worker that published them (run one worker, or PostgreSQL, for live events across workers).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("castwise.service.events")
CHANNEL = "castwise_account_events"


@dataclass(frozen=True)
class LiveEvent:
    name: str
    data: str
    """JSON payload, already serialized."""


class EventHub:
    def __init__(self, *, queue_size: int = 100, fanout: PostgresFanout | None = None) -> None:
        self._queue_size = queue_size
        self._lock = threading.Lock()
        self._subscribers: dict[int, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[LiveEvent]]]] = defaultdict(set)
        self._fanout = fanout
        if fanout is not None:
            fanout.attach(self.deliver_local)

    def subscribe(self, account_id: int) -> asyncio.Queue[LiveEvent]:
        """Register a queue for ``account_id`` (call from the event loop that will read it)."""
        queue: asyncio.Queue[LiveEvent] = asyncio.Queue(self._queue_size)
        if self._fanout is not None:
            self._fanout.start()
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
        """Deliver ``event`` to every subscriber of ``account_id`` (in every worker when fanned out);
        call after the change is committed. Safe from any thread."""
        if self._fanout is not None and self._fanout.send(account_id, event):
            return  # comes back to this worker through the listener, like to every other
        self.deliver_local(account_id, event)

    def close(self) -> None:
        if self._fanout is not None:
            self._fanout.close()

    def deliver_local(self, account_id: int, event: LiveEvent) -> None:
        with self._lock:
            targets = list(self._subscribers.get(account_id, ()))
        for loop, queue in targets:
            loop.call_soon_threadsafe(_offer, queue, event)


def _offer(queue: asyncio.Queue[LiveEvent], event: LiveEvent) -> None:
    if queue.full():
        queue.get_nowait()  # drop the oldest: a slow reader must not hold up anyone else
    queue.put_nowait(event)


class PostgresFanout:
    """Cross-worker delivery over PostgreSQL ``LISTEN``/``NOTIFY`` (no extra broker).

    ``url`` is a libpq URL (``postgresql://...``). The listener thread starts with the first
    subscriber and reconnects after errors; :meth:`close` stops it.
    """

    def __init__(self, url: str) -> None:
        self._url = url
        self._deliver: Any = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._start_lock = threading.Lock()

    def attach(self, deliver: Any) -> None:
        self._deliver = deliver

    def start(self, *, wait_s: float = 5.0) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._listen, name="castwise-account-events", daemon=True)
                self._thread.start()
        self._listening.wait(wait_s)

    def send(self, account_id: int, event: LiveEvent) -> bool:
        """NOTIFY every worker; False when PostgreSQL could not be reached (deliver locally then)."""
        import psycopg

        payload = json.dumps({"account": account_id, "name": event.name, "data": event.data})
        try:
            with psycopg.connect(self._url, autocommit=True, connect_timeout=5) as connection:
                connection.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
        except psycopg.Error as error:
            log.warning("live events: NOTIFY failed (%s); delivering in this worker only", type(error).__name__)
            return False
        return True

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _listen(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self._url, autocommit=True, connect_timeout=5) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    while not self._stop.is_set():
                        for notify in connection.notifies(timeout=0.5):
                            self._dispatch(notify.payload)
            except psycopg.Error as error:
                self._listening.clear()
                log.warning("live events: listener lost PostgreSQL (%s); reconnecting", type(error).__name__)
                self._stop.wait(1.0)

    def _dispatch(self, payload: str) -> None:
        try:
            data = json.loads(payload)
            account_id, event = int(data["account"]), LiveEvent(name=str(data["name"]), data=str(data["data"]))
        except (ValueError, KeyError, TypeError):
            return
        if self._deliver is not None:
            self._deliver(account_id, event)
