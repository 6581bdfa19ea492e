"""Rate limits kept in the database, so every worker counts the same attempts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.db import utcnow
from service.models import RateEvent


def recent_count(db: Session, *, key: str, window_s: int) -> int:
    """Attempts recorded under ``key`` in the last ``window_s`` seconds."""
    since = utcnow() - timedelta(seconds=window_s)
    return int(db.scalar(select(func.count()).select_from(RateEvent).where(RateEvent.key == key, RateEvent.at >= since)) or 0)


def record(db: Session, *, key: str, window_s: int) -> None:
    """Count one attempt under ``key`` (and forget attempts older than the window)."""
    db.execute(delete(RateEvent).where(RateEvent.key == key, RateEvent.at < utcnow() - timedelta(seconds=window_s)))
    db.add(RateEvent(key=key))


def clear(db: Session, *, key: str) -> None:
    db.execute(delete(RateEvent).where(RateEvent.key == key))
