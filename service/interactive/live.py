"""Live events of episodes: the durable event log, tally coalescing, and fan-out to SSE streams.

How an event travels:
1. A write appends a row to ``interaction_events`` in its own transaction (:func:`append_event`).
   Appenders serialize on one lock (a PostgreSQL advisory lock; SQLite has one writer anyway), so
   event ids become visible in increasing order and a reader's high-water mark never skips one.
   On PostgreSQL the same transaction sends a NOTIFY, delivered at commit to every worker.
2. Votes do not append events: they mark their poll *dirty*. The coalescer thread of each worker
   turns dirty polls into one ``poll.tally`` event per ``tally_interval_s`` per poll (checked
   against the log under the lock, so several workers together stay within that rate).
3. Each worker has one follower thread: it wakes on NOTIFY (PostgreSQL) or a short poll (SQLite),
   reads the new rows once, keeps the newest ones in a ring buffer and wakes the streams of the
   episodes concerned. Streams read from the ring at their own pace; one that falls behind the
   ring is replayed from the log (tallies compacted), so a slow reader costs only itself.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from protocol.interactive import POLL_TALLY, PollTally
from service.db import utcnow
from service.interactive.models import Interaction, InteractionEvent, PollCount
from service.interactive.retention import PRUNE_INTERVAL_S, Retention, prune_now, replay_horizon

log = logging.getLogger("castwise.service.live")

NOTIFY_CHANNEL = "castwise_interactive"
EVENT_LOCK_KEY = 0x43415354  # any constant shared by every worker
MAX_FOLLOW_FAILURES = 60
"""Consecutive failed reads (one a second) after which a follower stops: its database is gone."""
REPLAY_LIMIT = 1000
"""Most events replayed to one reconnecting stream; beyond it the client is told to re-fetch."""


@dataclass(frozen=True)
class StoredEvent:
    id: int
    episode_id: int
    name: str
    subject_id: int | None
    payload: str
    wire: bytes = b""
    """The SSE message, encoded once for every stream that sends it."""
    wire_without_counts: bytes = b""
    """``poll.tally`` only: the message for listeners who may see the total but not the counts."""


def stored_event(event_id: int, episode_id: int, name: str, subject_id: int | None, payload: str) -> StoredEvent:
    """A log row as a :class:`StoredEvent` with its SSE messages encoded."""
    without_counts = b""
    if name == POLL_TALLY:
        hidden = PollTally.model_validate_json(payload).model_copy(update={"counts": None}).model_dump_json()
        without_counts = f"id: {event_id}\nevent: {name}\ndata: {hidden}\n\n".encode()
    return StoredEvent(event_id, episode_id, name, subject_id, payload,
                       f"id: {event_id}\nevent: {name}\ndata: {payload}\n\n".encode(), without_counts)


def append_event(db: Session, *, episode_id: int, name: str, subject_id: int | None,
                 payload: BaseModel | dict[str, Any]) -> None:
    """Append one live event inside the caller's transaction (it becomes visible at commit)."""
    postgres = db.get_bind().dialect.name == "postgresql"
    if postgres:
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENT_LOCK_KEY})
    data = payload.model_dump_json() if isinstance(payload, BaseModel) else json.dumps(payload)
    db.add(InteractionEvent(episode_id=episode_id, name=name, subject_id=subject_id, payload=data))
    db.flush()
    if postgres:
        db.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})


def poll_tally(db: Session, poll: Interaction) -> PollTally:
    """The tally of ``poll`` now (what voters and the creator may see): its running counts, which
    the database keeps with every ballot (see :class:`PollCount`), so this reads a few rows
    however many listeners voted."""
    rows = db.execute(select(PollCount.option_id, PollCount.votes).where(PollCount.poll_id == poll.id)
                      .order_by(PollCount.option_id)).all()
    counts = {str(option_id): votes for option_id, votes in rows if option_id and votes}
    total = next((votes for option_id, votes in rows if option_id == 0), 0)
    return PollTally(poll_id=poll.id, episode_id=poll.episode_id, total=total, counts=counts,
                     is_open=is_open(poll))


def is_open(item: Interaction) -> bool:
    now = utcnow()
    return (item.opens_at is None or item.opens_at <= now) and (item.closes_at is None or now < item.closes_at)


def compact(events: Iterable[StoredEvent]) -> list[StoredEvent]:
    """Keep every event but only the newest ``poll.tally`` of each poll, in id order."""
    events = list(events)
    newest: dict[int | None, int] = {}
    for event in events:
        if event.name == POLL_TALLY:
            newest[event.subject_id] = event.id
    return [event for event in events if event.name != POLL_TALLY or newest[event.subject_id] == event.id]


def _set_all(flags: list[asyncio.Event]) -> None:
    for flag in flags:
        flag.set()


class Waiter:
    """One SSE stream's wake-up flag, set (on its own event loop) by the follower thread."""

    def __init__(self, episode_id: int) -> None:
        self.episode_id = episode_id
        self.loop = asyncio.get_running_loop()
        self.flag = asyncio.Event()


class LiveHub:
    """Per-worker live machinery (see the module docstring). Threads start on first use."""

    def __init__(self, engine: Engine, sessions: sessionmaker[Session], *, tally_interval_s: float = 0.5,
                 ring_size: int = 4096, sqlite_poll_s: float = 0.1, retention: Retention | None = None) -> None:
        self.engine, self.sessions = engine, sessions
        self.retention = retention
        """When set, the follower thread prunes old events and idempotency outcomes hourly."""
        self._next_prune = 0.0
        self.tally_interval_s = tally_interval_s
        self.sqlite_poll_s = sqlite_poll_s
        self._postgres = engine.dialect.name == "postgresql"
        self._lock = threading.Lock()
        self._ring: deque[StoredEvent] = deque(maxlen=ring_size)
        self._floor = 0
        """Every event with an id above the floor and up to the high-water mark is in the ring."""
        self._high_water = 0
        self._latest_tally: dict[int, str] = {}
        self._dirty: dict[int, int] = {}
        self._emitting = False
        self._waiters: dict[int, set[Waiter]] = {}
        self._poke = threading.Event()
        self._stop = threading.Event()
        self._caught_up = threading.Event()
        self._threads: list[threading.Thread] = []

    # -- lifecycle -------------------------------------------------------------------------
    def start(self, *, wait: bool = True) -> None:
        """Start the follower and coalescer threads (idempotent); with ``wait``, returns once the
        follower has read the log's current end, so ``high_water`` is meaningful."""
        with self._lock:
            if not self._threads:
                for target, name in ((self._follow, "castwise-live-follower"),
                                     (self._coalesce, "castwise-live-coalescer")):
                    thread = threading.Thread(target=target, name=name, daemon=True)
                    thread.start()
                    self._threads.append(thread)
        if wait:
            self._caught_up.wait(timeout=30)

    def stop(self) -> None:
        self._stop.set()
        self._poke.set()
        for thread in self._threads:
            thread.join(timeout=5)

    # -- writers ---------------------------------------------------------------------------
    def mark_dirty(self, poll_id: int, episode_id: int) -> None:
        """A ballot was committed: a ``poll.tally`` follows within ``tally_interval_s``."""
        with self._lock:
            self._dirty[poll_id] = episode_id
        if not self._threads:
            self.start(wait=False)  # called on an event loop: never block it

    def settle(self, timeout_s: float = 30.0) -> bool:
        """Wait until every dirty poll's tally is in the log (tests, benchmarks, shutdown)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._lock:
                if not self._dirty and not self._emitting:
                    return True
            time.sleep(0.02)
        return False

    def poke(self) -> None:
        """An event was committed in this worker: read it now instead of at the next poll."""
        if not self._threads:
            self.start()
        self._poke.set()

    # -- readers ---------------------------------------------------------------------------
    @property
    def high_water(self) -> int:
        with self._lock:
            return self._high_water

    def latest_tally(self, poll_id: int) -> PollTally | None:
        with self._lock:
            payload = self._latest_tally.get(poll_id)
        return PollTally.model_validate_json(payload) if payload else None

    def latest_tally_json(self, poll_id: int) -> str | None:
        """The newest ``poll.tally`` payload of ``poll_id`` this worker has read (JSON), or None."""
        with self._lock:
            return self._latest_tally.get(poll_id)

    def subscribe(self, episode_id: int) -> Waiter:
        self.start()
        waiter = Waiter(episode_id)
        with self._lock:
            self._waiters.setdefault(episode_id, set()).add(waiter)
        return waiter

    def unsubscribe(self, waiter: Waiter) -> None:
        with self._lock:
            waiters = self._waiters.get(waiter.episode_id, set())
            waiters.discard(waiter)
            if not waiters:
                self._waiters.pop(waiter.episode_id, None)

    def listener_count(self, episode_id: int) -> int:
        with self._lock:
            return len(self._waiters.get(episode_id, ()))

    def recent(self, episode_id: int, after_id: int) -> list[StoredEvent] | None:
        """Events of ``episode_id`` after ``after_id`` from memory, or None when the ring no
        longer covers ``after_id`` (read them with :meth:`replay`)."""
        found: list[StoredEvent] = []
        with self._lock:
            if after_id < self._floor:
                return None
            # The ring is in id order: walk back from the newest, only over what is new.
            for event in reversed(self._ring):
                if event.id <= after_id:
                    break
                if event.episode_id == episode_id:
                    found.append(event)
        found.reverse()
        return found

    def replay(self, episode_id: int, after_id: int, up_to: int) -> list[StoredEvent] | None:
        """Events of ``episode_id`` in ``(after_id, up_to]`` from the log, tallies compacted; None
        when there are more than :data:`REPLAY_LIMIT` or some may have been pruned (the client
        must re-fetch instead)."""
        with self.sessions() as db:
            if after_id < replay_horizon(db):
                return None
            rows = db.execute(
                select(InteractionEvent.id, InteractionEvent.episode_id, InteractionEvent.name,
                       InteractionEvent.subject_id, InteractionEvent.payload)
                .where(InteractionEvent.episode_id == episode_id, InteractionEvent.id > after_id,
                       InteractionEvent.id <= up_to)
                .order_by(InteractionEvent.id)).all()
        events = compact(stored_event(*row) for row in rows)
        return events if len(events) <= REPLAY_LIMIT else None

    # -- threads ---------------------------------------------------------------------------
    def _follow(self) -> None:
        connection: Any = None
        failures = 0
        while not self._stop.is_set():
            try:
                if self._postgres and connection is None:
                    connection = self._listen()
                self._read_new()
                self._caught_up.set()
                self._prune_when_due()
                failures = 0
                if connection is not None:
                    # Any notification (or a second of silence, as a safety net) means: read again.
                    for _notice in connection.notifies(timeout=1.0, stop_after=1):
                        break
                else:
                    self._poke.wait(timeout=self.sqlite_poll_s)
                    self._poke.clear()
            except Exception as error:  # the database went away: retry for a while, never die silently
                failures += 1
                if failures > MAX_FOLLOW_FAILURES:
                    log.error("live follower: %s; giving up after %d tries", type(error).__name__, failures)
                    return
                log.warning("live follower: %s; retrying", type(error).__name__)
                if connection is not None:
                    try:
                        connection.close()
                    except Exception:  # already broken
                        pass
                    connection = None
                self._stop.wait(1.0)
        if connection is not None:
            connection.close()

    def _prune_when_due(self) -> None:
        if self.retention is None or time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + PRUNE_INTERVAL_S
        try:
            prune_now(self.sessions, self.retention)
        except Exception as error:  # pruning is housekeeping: the stream goes on without it
            log.warning("pruning the live event log failed: %s", type(error).__name__)

    def _listen(self) -> Any:
        import psycopg

        url = self.engine.url.set(drivername="postgresql")
        connection = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
        connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
        return connection

    def _read_new(self) -> None:
        if not self._caught_up.is_set():
            # First read: start the ring at the log's end; older events are replayed from the log.
            with self.sessions() as db:
                end = db.scalar(select(func.max(InteractionEvent.id))) or 0
            with self._lock:
                self._floor = self._high_water = end
            return
        with self.sessions() as db:
            rows = db.execute(
                select(InteractionEvent.id, InteractionEvent.episode_id, InteractionEvent.name,
                       InteractionEvent.subject_id, InteractionEvent.payload)
                .where(InteractionEvent.id > self._high_water).order_by(InteractionEvent.id).limit(5000)).all()
        if not rows:
            return
        events = [stored_event(*row) for row in rows]  # encoded once, outside the lock
        woken: set[Waiter] = set()
        with self._lock:
            for event in events:
                if len(self._ring) == self._ring.maxlen:
                    self._floor = self._ring[0].id
                self._ring.append(event)
                self._high_water = event.id
                if event.name == POLL_TALLY and event.subject_id is not None:
                    self._latest_tally[event.subject_id] = event.payload
                woken.update(self._waiters.get(event.episode_id, ()))
        by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Event]] = {}
        for waiter in woken:
            by_loop.setdefault(waiter.loop, []).append(waiter.flag)
        for loop, flags in by_loop.items():  # one wake-up per event loop, not one per stream
            try:
                loop.call_soon_threadsafe(_set_all, flags)
            except RuntimeError:
                pass  # that loop has closed (its server stopped); its streams are gone

    def _coalesce(self) -> None:
        while not self._stop.wait(self.tally_interval_s):
            with self._lock:
                dirty, self._dirty = self._dirty, {}
                self._emitting = bool(dirty)
            if not dirty:
                continue
            emitted = False
            for poll_id, episode_id in dirty.items():
                try:
                    if self._emit_tally(poll_id):
                        emitted = True
                    else:
                        with self._lock:
                            self._dirty.setdefault(poll_id, episode_id)
                except Exception as error:
                    log.warning("tally of poll %d: %s; retrying", poll_id, type(error).__name__)
                    with self._lock:
                        self._dirty.setdefault(poll_id, episode_id)
            with self._lock:
                self._emitting = False
            if emitted:
                self._poke.set()

    def _emit_tally(self, poll_id: int) -> bool:
        """Append a ``poll.tally`` unless one was appended (by any worker) within the interval."""
        with self.sessions() as db:
            poll = db.get(Interaction, poll_id)
            if poll is None:
                return True  # deleted meanwhile: nothing to tell
            if self._postgres:
                db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENT_LOCK_KEY})
            last = db.scalar(select(InteractionEvent.created_at)
                             .where(InteractionEvent.subject_id == poll_id, InteractionEvent.name == POLL_TALLY)
                             .order_by(InteractionEvent.id.desc()).limit(1))
            if last is not None and utcnow() - last < timedelta(seconds=self.tally_interval_s * 0.9):
                db.rollback()
                return False
            append_event(db, episode_id=poll.episode_id, name=POLL_TALLY, subject_id=poll_id,
                         payload=poll_tally(db, poll))
            db.commit()
        return True

