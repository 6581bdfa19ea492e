"""How long the interactive layer keeps its bookkeeping: the live event log and stored
``Idempotency-Key`` outcomes.

Both grow with every write and are only needed for a while: the event log lets a listener's
stream resume after a dropped connection (``Last-Event-ID``), a stored key answers a client's
retry of the same write. Polls, ballots, questions and comments themselves are never pruned.

Pruning removes a prefix of the event log (ids grow with time) but always keeps the newest event,
so ids are never reused (SQLite would otherwise start again at 1 on an emptied table). A stream
resuming from before the oldest kept event cannot be replayed exactly; :func:`replay_horizon`
tells :class:`service.interactive.live.LiveHub` so, and the listener is asked to re-read
(``stream.resync``) instead of silently missing events.

Every worker prunes from its live hub's follower thread about once an hour; operators can also
run ``castwise serve prune``. Deleting what another worker already deleted is harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Delete, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from service.db import utcnow
from service.interactive.models import IdempotencyKey, InteractionEvent

log = logging.getLogger(__name__)

PRUNE_INTERVAL_S = 3600.0
"""How often each worker prunes, in seconds."""


@dataclass(frozen=True)
class Retention:
    """How long to keep live events and stored idempotency outcomes."""

    events: timedelta = timedelta(days=30)
    idempotency_keys: timedelta = timedelta(days=30)
    """Long enough for an offline client's outbox to retry a write it sent before going away."""


@dataclass(frozen=True)
class PruneReport:
    """What one pruning removed."""

    events: int
    idempotency_keys: int


def prune(db: Session, retention: Retention, *, now: datetime | None = None) -> PruneReport:
    """Delete live events and idempotency outcomes older than ``retention`` (the newest event is
    always kept). The caller commits."""
    now = now or utcnow()
    newest = db.scalar(select(func.max(InteractionEvent.id)))
    events = 0
    if newest is not None:
        events = _deleted(db, delete(InteractionEvent).where(InteractionEvent.created_at < now - retention.events,
                                                             InteractionEvent.id < newest))
    keys = _deleted(db, delete(IdempotencyKey).where(IdempotencyKey.created_at < now - retention.idempotency_keys))
    return PruneReport(events=events, idempotency_keys=keys)


def _deleted(db: Session, statement: Delete) -> int:
    result = cast(CursorResult[Any], db.execute(statement))
    return result.rowcount or 0


def prune_now(sessions: sessionmaker[Session], retention: Retention) -> PruneReport:
    """:func:`prune` in its own transaction; logs what it removed."""
    with sessions() as db, db.begin():
        report = prune(db, retention)
    if report.events or report.idempotency_keys:
        log.info("pruned %d live events and %d idempotency outcomes", report.events, report.idempotency_keys)
    return report


def replay_horizon(db: Session) -> int:
    """The highest event id that may have been pruned (0 when nothing was): a stream that last
    saw an id below it cannot be replayed exactly."""
    oldest = db.scalar(select(func.min(InteractionEvent.id)))
    return 0 if oldest is None else int(oldest) - 1
