"""Casting a vote: the hot path of a busy poll, kept to one thread hop and five statements.

1. who is voting (the access token's live device session);
2. the ``Idempotency-Key`` row, inserted with the response (``ON CONFLICT DO NOTHING``: no row
   back means a retry, answered with the stored response);
3. the ballot, inserted only ``WHERE`` the poll is open and the voter is not blocked, so a vote
   racing a "close poll" cannot slip in; the ``poll_ballots`` unique constraint refuses a second
   ballot whatever the code path;
4. the chosen options; 5. commit.

A poll's options, kind and show never change after creation, so each worker keeps them in memory.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import cast

from fastapi import HTTPException, Request, Response, status
from sqlalchemy import Table, exists, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from protocol.interactive import VoteCreate, VoteReceipt
from service.context import ServiceContext
from service.db import utcnow
from service.deps import bearer_token, not_found, unauthorized
from service.interactive.access import refuse_blocked, require_open
from service.interactive.idempotency import WriteRequest, replay, stored_response
from service.interactive.live import LiveHub, poll_tally
from service.interactive.models import (
    BallotChoice,
    BlockedListener,
    IdempotencyKey,
    Interaction,
    InteractiveEpisode,
    PollBallot,
    PollOption,
)
from service.models import DeviceSession, User
from service.security import TokenError

BALLOTS = cast(Table, PollBallot.__table__)
CHOICES = cast(Table, BallotChoice.__table__)
KEYS = cast(Table, IdempotencyKey.__table__)
SESSIONS = cast(Table, DeviceSession.__table__)
"""Core tables: the hot path skips the ORM's unit of work."""


@dataclass(frozen=True)
class PollShape:
    """The parts of a poll that never change after it is created."""

    poll_id: int
    episode_id: int
    show_id: int
    multiple: bool
    option_ids: frozenset[int]


class PollShapes:
    """A worker's memory of poll shapes (bounded: polls are few and small)."""

    def __init__(self, limit: int = 10_000) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._shapes: dict[int, PollShape] = {}

    def get(self, db: Session, poll_id: int) -> PollShape:
        with self._lock:
            shape = self._shapes.get(poll_id)
        if shape is not None:
            return shape
        row = db.execute(select(Interaction.episode_id, Interaction.multiple, InteractiveEpisode.show_id)
                         .join(InteractiveEpisode, InteractiveEpisode.id == Interaction.episode_id)
                         .where(Interaction.id == poll_id, Interaction.kind == "poll")).first()
        if row is None:
            raise not_found("no such poll")
        options = frozenset(db.scalars(select(PollOption.id).where(PollOption.poll_id == poll_id)))
        shape = PollShape(poll_id=poll_id, episode_id=row[0], multiple=bool(row[1]), show_id=row[2],
                          option_ids=options)
        with self._lock:
            if len(self._shapes) >= self._limit:
                self._shapes.clear()
            self._shapes[poll_id] = shape
        return shape


def poll_shapes(request: Request) -> PollShapes:
    """The worker's :class:`PollShapes`, created on first use."""
    state = request.app.state
    shapes: PollShapes | None = getattr(state, "interactive_poll_shapes", None)
    if shapes is None:
        shapes = state.interactive_poll_shapes = PollShapes()
    return shapes


def cast_vote(request: Request, context: ServiceContext, hub: LiveHub, shapes: PollShapes, *, poll_id: int,
              body: VoteCreate, write: WriteRequest) -> Response:
    """Record the caller's one ballot on ``poll_id`` and answer a :class:`VoteReceipt` (201)."""
    with context.sessions() as db:
        user_id = _voter(request, context, db)
        shape = shapes.get(db, poll_id)
        chosen = body.option_ids
        if len(set(chosen)) != len(chosen):
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "an option is chosen twice")
        if not shape.multiple and len(chosen) != 1:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "this poll takes exactly one option")
        if not set(chosen) <= shape.option_ids:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "unknown option for this poll")
        tally = hub.latest_tally(poll_id)
        if tally is None:
            poll = db.get(Interaction, poll_id)
            assert poll is not None  # its shape was just read
            tally = poll_tally(db, poll)
        receipt = VoteReceipt(poll_id=poll_id, option_ids=sorted(chosen), tally=tally).model_dump_json()
        if write.key is not None and not _claim_key(db, user_id, write, receipt):
            db.rollback()
            stored = stored_response(db, user_id, write.key)
            if stored is None:  # the first attempt failed and rolled back: vote now
                return cast_vote(request, context, hub, shapes, poll_id=poll_id, body=body, write=write)
            return replay(stored, write)
        now = utcnow()
        allowed = (select(literal(poll_id), literal(user_id), literal(now, PollBallot.created_at.type))
                   .where(exists().where(Interaction.id == poll_id,
                                         (Interaction.opens_at.is_(None)) | (Interaction.opens_at <= now),
                                         (Interaction.closes_at.is_(None)) | (Interaction.closes_at > now)),
                          ~exists().where(BlockedListener.show_id == shape.show_id,
                                          BlockedListener.user_id == user_id)))
        try:
            ballot_id = db.execute(insert(BALLOTS).from_select(["poll_id", "user_id", "created_at"], allowed)
                                   .returning(BALLOTS.c.id)).scalar()
        except IntegrityError:
            db.rollback()
            raise HTTPException(status.HTTP_409_CONFLICT, "this account has already voted in this poll") from None
        if ballot_id is None:
            db.rollback()
            _explain_refusal(db, user_id, poll_id, shape)
        db.execute(insert(CHOICES), [{"ballot_id": ballot_id, "option_id": option_id, "poll_id": poll_id}
                                          for option_id in chosen])
        db.commit()
    hub.mark_dirty(poll_id, shape.episode_id)
    return Response(receipt, status_code=status.HTTP_201_CREATED, media_type="application/json")


def _claim_key(db: Session, user_id: int, write: WriteRequest, response_body: str) -> bool:
    """Insert the key row with its response; False when the key is already taken (a retry)."""
    dialect = db.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(KEYS).values(
        user_id=user_id, key=write.key, fingerprint=write.fingerprint, route=write.route, status_code=201,
        response_body=response_body, created_at=utcnow()).on_conflict_do_nothing().returning(KEYS.c.id)
    return db.execute(statement).scalar() is not None


def _voter(request: Request, context: ServiceContext, db: Session) -> int:
    """The caller's account id, with the checks of ``service.deps.resolve_auth`` (valid bearer
    token, live device session of that account) in one query."""
    token = bearer_token(request)
    try:
        claims = context.tokens.verify(token or "")
    except TokenError:
        raise unauthorized("sign-in required, or the access token expired") from None
    row = db.execute(select(SESSIONS.c.user_id, SESSIONS.c.revoked_at, SESSIONS.c.last_used_at)
                     .where(SESSIONS.c.id == claims.session_id)).first()
    if row is None or row[1] is not None or row[0] != claims.user_id:
        raise unauthorized("sign-in required, or the access token expired")
    now = utcnow()
    last_used = row[2] if row[2].tzinfo else row[2].replace(tzinfo=now.tzinfo)
    if (now - last_used).total_seconds() > 60:  # as resolve_auth: not on every request
        db.execute(update(SESSIONS).where(SESSIONS.c.id == claims.session_id).values(last_used_at=now))
        db.commit()
    return int(row[0])


def _explain_refusal(db: Session, user_id: int, poll_id: int, shape: PollShape) -> None:
    """The ballot was not inserted: say why (blocked, or the poll is not open)."""
    episode = db.get(InteractiveEpisode, shape.episode_id)
    user = db.get(User, user_id)
    if episode is not None and user is not None:
        refuse_blocked(db, user, episode)
    poll = db.get(Interaction, poll_id)
    if poll is not None:
        require_open(poll, "poll")
    raise HTTPException(status.HTTP_409_CONFLICT, "this poll is not open")

