"""Database inspection helpers for service tests: snapshots and per-account rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import service.models  # registers every table
from service.db import Base

OWNER_COLUMNS = ("user_id", "owner_id")


def snapshot(db: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: two snapshots compare equal iff nothing changed.

    Columns that only record activity (``last_used_at``) are left out.
    """
    result: dict[str, list[tuple[Any, ...]]] = {}
    for table in Base.metadata.sorted_tables:
        columns = [column for column in table.columns if column.key not in {"last_used_at"}]
        rows = db.execute(select(*columns)).all()
        result[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return result


def rows_owned_by(db: Session, user_id: int) -> dict[str, int]:
    """Tables still holding rows of ``user_id`` (directly or through a device session/device)."""
    found: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if table.name == "users":
            count = len(db.execute(select(table.c.id).where(table.c.id == user_id)).all())
        else:
            owner = next((table.c[name] for name in OWNER_COLUMNS if name in table.c), None)
            if owner is None:
                continue
            count = len(db.execute(select(owner).where(owner == user_id)).all())
        if count:
            found[table.name] = count
    sessions = service.models.DeviceSession
    tokens = service.models.RefreshToken
    orphan_tokens = db.execute(select(tokens.id).where(tokens.session_id.not_in(select(sessions.id)))).all()
    if orphan_tokens:
        found["refresh_tokens(orphaned)"] = len(orphan_tokens)
    return found
