"""``Idempotency-Key``: a retried write is applied exactly once.

The key row is inserted *first*, in the same transaction as the write's effect, and the unique
constraint on (account, key) decides between concurrent duplicates: the second insert waits for
the first transaction and then fails, and the retry gets the stored response instead of a second
effect. If the first request fails, its key row rolls back with it and a retry runs afresh. The
same key sent with a different method, path or body is refused (422), like a payment API does.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request, Response, status
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from protocol.interactive import IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_PATTERN
from service.interactive.models import IdempotencyKey

REPLAYED_HEADER = "Idempotent-Replayed"
_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)


@dataclass(frozen=True)
class WriteRequest:
    """What identifies a write: the caller's key (or None) and a fingerprint of the request."""

    key: str | None
    route: str
    fingerprint: str


def valid_key(key: str) -> bool:
    """Whether ``key`` is a well-formed ``Idempotency-Key`` value."""
    return _KEY.match(key) is not None


def describe_write(method: str, path: str, body: bytes, key: str | None) -> WriteRequest:
    """The :class:`WriteRequest` of a request (``key`` already checked with :func:`valid_key`)."""
    route = f"{method} {path}"
    fingerprint = hashlib.sha256(route.encode() + b"\n" + body).hexdigest()
    return WriteRequest(key=key, route=route[:300], fingerprint=fingerprint)


async def write_request(request: Request) -> WriteRequest:
    """Dependency: read and check the ``Idempotency-Key`` header, fingerprint the request."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is not None and not valid_key(key):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"{IDEMPOTENCY_HEADER} must be 8-200 letters, digits or _.:-")
    return describe_write(request.method, request.url.path, await request.body(), key)


@dataclass
class Outcome:
    """What a write produced: the response, and work to do only once it is committed."""

    status_code: int
    body: BaseModel
    after_commit: Callable[[], None] | None = None


def run_write(db: Session, *, user_id: int, write: WriteRequest, action: Callable[[], Outcome]) -> Response:
    """Apply ``action`` once per (account, key) and answer its response; replay it to retries.

    ``action`` adds its changes to ``db`` without committing and raises ``HTTPException`` for bad
    requests (then nothing is stored, and nothing changed).
    """
    row: IdempotencyKey | None = None
    if write.key is not None:
        stored = stored_response(db, user_id, write.key)
        if stored is not None:
            return replay(stored, write)
        row = IdempotencyKey(user_id=user_id, key=write.key, fingerprint=write.fingerprint, route=write.route,
                             status_code=0, response_body="")
        db.add(row)
        try:
            db.flush()
        except IntegrityError:
            db.rollback()
            stored = stored_response(db, user_id, write.key)
            if stored is None:  # the other attempt failed and rolled back: this one may run
                return run_write(db, user_id=user_id, write=write, action=action)
            return replay(stored, write)
    outcome = action()
    body = outcome.body.model_dump_json()
    if row is not None:
        row.status_code, row.response_body = outcome.status_code, body
    db.commit()
    if outcome.after_commit is not None:
        outcome.after_commit()
    return Response(body, status_code=outcome.status_code, media_type="application/json")


def stored_response(db: Session, user_id: int, key: str) -> IdempotencyKey | None:
    """The stored outcome of ``key`` for ``user_id``, if any."""
    return db.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))


def replay(stored: IdempotencyKey, write: WriteRequest) -> Response:
    """The stored response again, or 422 when the key came with a different request."""
    if stored.fingerprint != write.fingerprint:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"this {IDEMPOTENCY_HEADER} was already used for a different request")
    return Response(stored.response_body, status_code=stored.status_code, media_type="application/json",
                    headers={REPLAYED_HEADER: "true"})
