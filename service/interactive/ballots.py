"""Casting votes: the hot path of a busy poll, written in batches.

Each worker has one :class:`VoteBatcher`: a request checks its token's signature (no database)
and queues its vote; the writer (on PostgreSQL a task on the worker's event loop, on SQLite a
thread) takes every vote waiting (at most one per account, so a batch never races itself),
checks options against the poll's shape (a poll's options, kind and show never change after
creation, so each worker keeps them in memory) and writes them all in ONE transaction that:

1. keeps the votes whose device session is live (revocation takes effect at once);
2. locks the polls ``FOR SHARE`` on PostgreSQL so a concurrent "close poll" waits for the batch
   (a vote committed before the close is counted, none after it), and skips blocked voters;
3. answers a retry (its ``Idempotency-Key`` already stored) with the stored response;
4. inserts the ballots (``ON CONFLICT DO NOTHING``: the ``poll_ballots`` unique constraint refuses
   a second ballot whatever the code path), the keys with their responses, and the choices.

On PostgreSQL that is one statement that is its own transaction (``ballots_postgres``: one
round trip per batch whatever its size); on SQLite, in-process, a few statements. A request is answered only after
its batch committed, so every acknowledged vote is counted. If the transaction fails, every vote
of the batch is answered 503 and none is counted (a retry with the same ``Idempotency-Key`` is
then applied afresh).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, cast

from fastapi import FastAPI, HTTPException, Request, Response, status
from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from protocol.interactive import VoteCreate
from service.context import ServiceContext
from service.db import utcnow
from service.deps import bearer_token, not_found, unauthorized
from service.interactive.access import app_live_hub, refuse_blocked, require_open
from service.interactive.ballots_postgres import KEY_CLASH, VoteResult, clashes, write_batch
from service.interactive.idempotency import WriteRequest, replay, stored_response
from service.interactive.live import LiveHub, is_open, poll_tally
from service.interactive.models import (
    BallotChoice,
    BlockedListener,
    IdempotencyKey,
    Interaction,
    InteractiveEpisode,
    PollBallot,
)
from service.interactive.poll_shapes import PollShape, PollShapes
from service.models import DeviceSession, User
from service.security import AccessClaims, TokenError

BALLOTS = cast(Table, PollBallot.__table__)
CHOICES = cast(Table, BallotChoice.__table__)
KEYS = cast(Table, IdempotencyKey.__table__)
SESSIONS = cast(Table, DeviceSession.__table__)
"""Core tables: the hot path skips the ORM's unit of work."""

log = logging.getLogger("castwise.service.votes")

MAX_BATCH = 500
"""Most votes written in one transaction."""
SESSION_TOUCH_S = 60
"""A device session's ``last_used_at`` is refreshed at most this often (seconds), as ``resolve_auth``."""


@dataclass(eq=False)
class PendingVote:
    """One queued vote and the future its request awaits (a :class:`Response` or an exception)."""

    user_id: int
    session_id: int
    poll_id: int
    chosen: list[int]
    write: WriteRequest
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Response]
    receipt: str = ""
    outcome: Response | Exception | None = None
    after: str | None = field(default=None)
    """Post-commit work: "explain" (refused: say why), "replay" (key taken: stored response),
    "refused" (a ballot already stands: the stored response of this key, else 409)."""

    @property
    def key(self) -> str | None:
        return self.write.key

    @property
    def fingerprint(self) -> str:
        return self.write.fingerprint

    @property
    def route(self) -> str:
        return self.write.route


def _settle_all(votes: list[PendingVote]) -> None:
    """Answer each vote's request (on its event loop)."""
    for vote in votes:
        if vote.future.done() or vote.outcome is None:  # the client went away
            continue
        if isinstance(vote.outcome, Exception):
            vote.future.set_exception(vote.outcome)
        else:
            vote.future.set_result(vote.outcome)


def take_batch(queue: deque[PendingVote], max_batch: int) -> list[PendingVote]:
    """The next batch from ``queue``: every waiting vote, one per account (later ones wait for the
    next batch, so a duplicate is refused by the committed ballot, exactly as if it came later)."""
    batch: list[PendingVote] = []
    accounts: set[int] = set()
    later: list[PendingVote] = []
    while queue and len(batch) < max_batch:
        vote = queue.popleft()
        (later if vote.user_id in accounts else batch).append(vote)
        accounts.add(vote.user_id)
    queue.extendleft(reversed(later))
    return batch


class VoteBatcher:
    """A worker's vote writer (see the module docstring): on PostgreSQL a task on each event loop
    that votes arrive on (:class:`_LoopWriter`), on SQLite one thread. Both start on first use."""

    def __init__(self, context: ServiceContext, hub: LiveHub, *, linger_s: float = 0.002,
                 max_batch: int = MAX_BATCH) -> None:
        self.context, self.hub = context, hub
        self.shapes = PollShapes()
        self.linger_s, self.max_batch = linger_s, max_batch
        self._queue: deque[PendingVote] = deque()
        self._ready = threading.Condition()
        self._stop = False
        self._idle = False
        self._thread: threading.Thread | None = None
        self._postgres = context.engine.dialect.name == "postgresql"
        self._writers: dict[asyncio.AbstractEventLoop, _LoopWriter] = {}
        self.batches = 0
        """Transactions written (tests and benchmarks read it)."""

    async def cast(self, request: Request, *, poll_id: int, body: VoteCreate, write: WriteRequest) -> Response:
        """Queue the caller's one ballot on ``poll_id``; answer its :class:`VoteReceipt` (201) once
        the batch holding it is committed, or the error that refused it."""
        try:
            claims = self.context.tokens.verify(bearer_token(request) or "")
        except TokenError:
            raise unauthorized("sign-in required, or the access token expired") from None
        return await self.cast_verified(claims, poll_id=poll_id, chosen=list(body.option_ids), write=write)

    def cast_verified(self, claims: AccessClaims, *, poll_id: int, chosen: list[int],
                      write: WriteRequest) -> asyncio.Future[Response]:
        """:meth:`cast` for a token already verified: the future of the vote's answer."""
        loop = asyncio.get_running_loop()
        vote = PendingVote(user_id=claims.user_id, session_id=claims.session_id, poll_id=poll_id,
                           chosen=chosen, write=write, loop=loop, future=loop.create_future())
        self.submit(vote)
        return vote.future

    def submit(self, vote: PendingVote) -> None:
        """Queue ``vote`` (PostgreSQL: call on the vote's event loop)."""
        if self._postgres:
            writer = self._writers.get(vote.loop)
            if writer is None or writer.task.done():  # done: only if it failed, so start afresh
                for loop in [loop for loop in self._writers if loop.is_closed()]:
                    del self._writers[loop]  # a server that stopped (tests start several)
                stranded = writer.queue if writer is not None else deque()
                writer = self._writers[vote.loop] = _LoopWriter(self)
                for waiting in stranded:
                    writer.submit(waiting)
            writer.submit(vote)
            return
        with self._ready:
            if self._thread is None:
                self._stop = False
                self._thread = threading.Thread(target=self._run, name="castwise-vote-writer", daemon=True)
                self._thread.start()
            self._queue.append(vote)
            if self._idle:  # the writer sleeps on the condition; otherwise it takes the queue anyway
                self._ready.notify()

    def stop(self) -> None:
        """Stop the writers (safe from any thread); votes queued later start them again."""
        for loop, writer in list(self._writers.items()):
            try:
                loop.call_soon_threadsafe(writer.task.cancel)
            except RuntimeError:
                pass  # that loop has closed already, and its writer with it
        self._writers.clear()
        with self._ready:
            self._stop = True
            self._ready.notify()
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=5)

    # -- the writer thread (SQLite) --------------------------------------------------------
    def _take(self) -> list[PendingVote] | None:
        """The next batch (:func:`take_batch`) once a vote waits; None once stopped."""
        with self._ready:
            while not self._queue and not self._stop:
                self._idle = True
                self._ready.wait()
                self._idle = False
            if self._stop:
                return None
        if self.linger_s > 0:
            time.sleep(self.linger_s)  # let concurrent votes join the batch
        with self._ready:
            return take_batch(self._queue, self.max_batch)

    def _run(self) -> None:
        while (batch := self._take()) is not None:
            try:
                self._write(batch)
                self.batches += 1
            except Exception as error:  # nothing of the batch is counted: say so to every vote
                log.warning("vote batch of %d failed: %s", len(batch), type(error).__name__)
                for vote in batch:
                    vote.outcome = HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                                                 "the vote could not be recorded; nothing was counted, try again")
                    vote.after = None
            requeued: list[PendingVote] = []
            by_loop: dict[asyncio.AbstractEventLoop, list[PendingVote]] = {}
            for vote in batch:
                if vote.after is not None:
                    self._follow_up(vote, requeued)
                if vote.outcome is not None:
                    by_loop.setdefault(vote.loop, []).append(vote)
            for loop, answered in by_loop.items():  # one wake-up per event loop, not one per vote
                try:
                    loop.call_soon_threadsafe(_settle_all, answered)
                except RuntimeError:
                    pass  # that loop has closed (its server stopped): nobody waits for these answers
            for vote in requeued:
                self.submit(vote)

    def _write(self, batch: list[PendingVote]) -> None:
        """SQLite: write ``batch`` in one transaction; set each vote's outcome (or its follow-up)."""
        live = self.prepare(batch)
        if live:
            self._write_stepwise(live)

    def needs_database(self, batch: list[PendingVote]) -> bool:
        """Whether :meth:`prepare` would read the database (a poll this worker has not seen yet)."""
        return any(not self.shapes.known(vote.poll_id) or self.hub.latest_tally_json(vote.poll_id) is None
                   for vote in batch)

    def prepare(self, batch: list[PendingVote]) -> list[PendingVote]:
        """The votes of ``batch`` with acceptable options, each with its receipt; the others get
        their answer (404, 422)."""
        live: list[PendingVote] = []
        tallies: dict[int, str] = {}
        for vote in self._check_shapes(batch):
            try:
                vote.receipt = self._receipt(vote, tallies)
            except HTTPException as error:  # the poll was deleted meanwhile
                vote.outcome = error
                continue
            live.append(vote)
        return live

    def _receipt(self, vote: PendingVote, tallies: dict[int, str]) -> str:
        """The vote's :class:`VoteReceipt` as JSON, carrying the latest coalesced tally (``tallies``:
        the ones this batch already looked up, by poll)."""
        tally = tallies.get(vote.poll_id) or self.hub.latest_tally_json(vote.poll_id)
        if tally is None:  # no tally coalesced yet (a new poll): count now
            with self.context.sessions() as db:
                poll = db.get(Interaction, vote.poll_id)
                if poll is None:
                    raise not_found("no such poll")
                tally = poll_tally(db, poll).model_dump_json()
        tallies[vote.poll_id] = tally
        # The same JSON as VoteReceipt(...).model_dump_json(), without re-validating the tally.
        return f'{{"poll_id":{vote.poll_id},"option_ids":{json.dumps(sorted(vote.chosen), separators=(",", ":"))},' \
               f'"tally":{tally}}}'

    def apply_results(self, votes: list[PendingVote], results: list[VoteResult]) -> None:
        """Turn what the committed statement did with each vote into its answer or follow-up."""
        dirty: dict[int, int] = {}
        for vote, result in zip(votes, results, strict=True):
            if not result.authorized:
                vote.outcome = unauthorized("sign-in required, or the access token expired")
            elif result.replay:
                vote.after = "replay"
            elif not result.eligible:
                vote.after = "explain"
            elif result.ballot_id is not None:
                vote.outcome = Response(vote.receipt, status_code=status.HTTP_201_CREATED,
                                        media_type="application/json")
                dirty[vote.poll_id] = self.shapes.get(self.context.sessions, vote.poll_id).episode_id
            elif vote.key is not None:
                vote.after = "refused"  # a concurrent retry of this very vote may have won: look
            else:
                vote.outcome = _already_voted()
        for poll_id, episode_id in dirty.items():
            self.hub.mark_dirty(poll_id, episode_id)

    def _write_stepwise(self, live: list[PendingVote]) -> None:
        """SQLite: the same checks and writes as ``ballots_postgres``, one statement each (the
        database is in-process, so statements cost no round trips)."""
        with self.context.sessions() as db:
            live = self._check_sessions(db, live)
            live = self._check_open(db, live)
            now = utcnow()
            keyed = [vote for vote in live if vote.write.key is not None]
            key_ids: dict[int, int] = {}
            if keyed:
                rows = db.execute(sqlite.insert(KEYS).values([
                    {"user_id": vote.user_id, "key": vote.write.key, "fingerprint": vote.write.fingerprint,
                     "route": vote.write.route, "status_code": 201, "response_body": vote.receipt,
                     "created_at": now} for vote in keyed]).on_conflict_do_nothing()
                    .returning(KEYS.c.id, KEYS.c.user_id)).all()
                key_ids = {int(row[1]): int(row[0]) for row in rows}
                for vote in keyed:
                    if vote.user_id not in key_ids:
                        vote.after = "replay"
                live = [vote for vote in live if vote.after is None]
            ballot_ids: dict[int, int] = {}
            if live:
                rows = db.execute(sqlite.insert(BALLOTS).values([
                    {"poll_id": vote.poll_id, "user_id": vote.user_id, "created_at": now} for vote in live])
                    .on_conflict_do_nothing().returning(BALLOTS.c.id, BALLOTS.c.user_id)).all()
                ballot_ids = {int(row[1]): int(row[0]) for row in rows}
            refused = [vote for vote in live if vote.user_id not in ballot_ids]
            for vote in refused:
                vote.outcome = _already_voted()
            unclaim = [key_ids[vote.user_id] for vote in refused if vote.user_id in key_ids]
            if unclaim:  # the key answers nothing: a refused vote changes nothing
                db.execute(delete(KEYS).where(KEYS.c.id.in_(unclaim)))
            counted = [vote for vote in live if vote.user_id in ballot_ids]
            if counted:
                db.execute(CHOICES.insert(), [
                    {"ballot_id": ballot_ids[vote.user_id], "option_id": option_id, "poll_id": vote.poll_id}
                    for vote in counted for option_id in vote.chosen])
            dirty = {vote.poll_id: self.shapes.get(self.context.sessions, vote.poll_id).episode_id
                     for vote in counted}
            db.commit()
        for vote in counted:
            vote.outcome = Response(vote.receipt, status_code=status.HTTP_201_CREATED, media_type="application/json")
        for poll_id, episode_id in dirty.items():
            self.hub.mark_dirty(poll_id, episode_id)

    def _check_sessions(self, db: Session, votes: list[PendingVote]) -> list[PendingVote]:
        """Votes whose device session is live (``resolve_auth``'s checks); the others get 401."""
        rows = {int(row[0]): row for row in db.execute(
            select(SESSIONS.c.id, SESSIONS.c.user_id, SESSIONS.c.revoked_at, SESSIONS.c.last_used_at)
            .where(SESSIONS.c.id.in_({vote.session_id for vote in votes})))}
        now = utcnow()
        stale: set[int] = set()
        live: list[PendingVote] = []
        for vote in votes:
            row = rows.get(vote.session_id)
            if row is None or row[2] is not None or row[1] != vote.user_id:
                vote.outcome = unauthorized("sign-in required, or the access token expired")
                continue
            last_used = row[3] if row[3].tzinfo else row[3].replace(tzinfo=now.tzinfo)
            if (now - last_used).total_seconds() > SESSION_TOUCH_S:
                stale.add(vote.session_id)
            live.append(vote)
        if stale:
            db.execute(update(SESSIONS).where(SESSIONS.c.id.in_(stale)).values(last_used_at=now))
        return live

    def _check_shapes(self, votes: list[PendingVote]) -> list[PendingVote]:
        """Votes on an existing poll with acceptable options; the others get 404 or 422."""
        live: list[PendingVote] = []
        for vote in votes:
            try:
                shape = self.shapes.get(self.context.sessions, vote.poll_id)
            except HTTPException as error:
                vote.outcome = error
                continue
            chosen = vote.chosen
            if len(set(chosen)) != len(chosen):
                vote.outcome = HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "an option is chosen twice")
            elif not shape.multiple and len(chosen) != 1:
                vote.outcome = HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                             "this poll takes exactly one option")
            elif not set(chosen) <= shape.option_ids:
                vote.outcome = HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "unknown option for this poll")
            else:
                live.append(vote)
        return live

    def _check_open(self, db: Session, votes: list[PendingVote]) -> list[PendingVote]:
        """Votes on open polls by accounts the show has not blocked; the others are explained after
        the batch (SQLite: its one writer at a time already orders votes and closing)."""
        if not votes:
            return votes
        polls = {poll.id: poll for poll in db.scalars(
            select(Interaction).where(Interaction.id.in_({vote.poll_id for vote in votes})))}
        shows = {vote.poll_id: self.shapes.get(self.context.sessions, vote.poll_id).show_id for vote in votes}
        blocked = {(int(row[0]), int(row[1])) for row in db.execute(select(BlockedListener.show_id, BlockedListener.user_id).where(
            BlockedListener.user_id.in_({vote.user_id for vote in votes}),
            BlockedListener.show_id.in_(set(shows.values()))))}
        live: list[PendingVote] = []
        for vote in votes:
            poll = polls.get(vote.poll_id)
            if poll is None or not is_open(poll) or (shows[vote.poll_id], vote.user_id) in blocked:
                vote.after = "explain"
            else:
                live.append(vote)
        return live

    def _follow_up(self, vote: PendingVote, requeued: list[PendingVote]) -> None:
        """After the batch: explain a refusal, or answer a retry with the stored response."""
        try:
            with self.context.sessions() as db:
                if vote.after == "explain":
                    _explain_refusal(db, vote.user_id, vote.poll_id, self.shapes.get(self.context.sessions, vote.poll_id))
                key = vote.write.key
                assert key is not None  # only keyed votes are replayed
                stored = stored_response(db, vote.user_id, key)
                if stored is None and vote.after == "refused":  # no retry: a second ballot
                    raise _already_voted()
                if stored is None:  # the first attempt failed and rolled back: vote now
                    vote.after = None
                    requeued.append(vote)
                    return
                vote.outcome = replay(stored, vote.write)
        except HTTPException as error:
            vote.outcome = error
        except Exception as error:
            log.warning("vote follow-up: %s", type(error).__name__)
            vote.outcome = HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the vote could not be recorded")
        vote.after = None


class _LoopWriter:
    """The PostgreSQL vote writer of one event loop: a task that takes every waiting vote and
    writes the batch over its own connection. No thread: the database's answer arrives as I/O on
    the loop, so a batch costs no thread wake-ups and no hand-over of the interpreter lock."""

    def __init__(self, batcher: VoteBatcher) -> None:
        self.batcher = batcher
        self.queue: deque[PendingVote] = deque()
        self.wake = asyncio.Event()
        self.connection: Any = None
        self.task = asyncio.get_running_loop().create_task(self._run(), name="castwise-vote-writer")

    def submit(self, vote: PendingVote) -> None:
        self.queue.append(vote)
        self.wake.set()

    async def _run(self) -> None:
        try:
            while True:
                await self.wake.wait()
                self.wake.clear()
                if self.batcher.linger_s > 0:
                    await asyncio.sleep(self.batcher.linger_s)  # let concurrent votes join the batch
                while self.queue:  # votes that came during a write make the next batch at once
                    await self._batch(take_batch(self.queue, self.batcher.max_batch))
        finally:
            await self._close()

    async def _batch(self, batch: list[PendingVote]) -> None:
        batcher = self.batcher
        try:
            # A poll not seen yet is read with a blocking session: off the loop.
            live = await asyncio.to_thread(batcher.prepare, batch) if batcher.needs_database(batch) \
                else batcher.prepare(batch)
            if live:
                await self._write(live)
            batcher.batches += 1
        except Exception as error:  # nothing of the batch is counted: say so to every vote
            log.warning("vote batch of %d failed: %s", len(batch), type(error).__name__)
            for vote in batch:
                vote.outcome = HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                                             "the vote could not be recorded; nothing was counted, try again")
                vote.after = None
        requeued: list[PendingVote] = []
        for vote in batch:
            if vote.after is not None:  # rare (retries, refusals): blocking sessions, off the loop
                await asyncio.to_thread(batcher._follow_up, vote, requeued)
        _settle_all([vote for vote in batch if vote.outcome is not None])
        for vote in requeued:
            self.submit(vote)

    async def _write(self, votes: list[PendingVote]) -> None:
        """The batch in one statement that is its own transaction: one round trip. A key clash
        (``KEY_CLASH``) aborts it; then the batch goes again in an explicit transaction."""
        import psycopg

        connection = await self._connect()
        try:
            try:
                results = await write_batch(connection, votes, guard=True)
            except psycopg.errors.InvalidTextRepresentation as error:
                if KEY_CLASH not in str(error):
                    raise
                votes, results = await self._write_checked(connection, votes)
        except BaseException:
            await self._close()
            raise
        self.batcher.apply_results(votes, results)

    async def _write_checked(self, connection: Any,
                             votes: list[PendingVote]) -> tuple[list[PendingVote], list[VoteResult]]:
        """The batch in an explicit transaction, without the votes whose key another request
        stored meanwhile (they are answered from the stored key); what was written, and how."""
        import psycopg

        while True:
            try:
                async with connection.transaction():
                    results = await write_batch(connection, votes, guard=False)
                    clashed = clashes(votes, results)
                    if clashed:
                        for index in clashed:
                            votes[index].after = "replay"
                        raise psycopg.Rollback()
                    return votes, results
            finally:
                votes = [vote for vote in votes if vote.after is None]

    async def _connect(self) -> Any:
        """This writer's own connection (not pooled: the statement stays prepared on it)."""
        if self.connection is None or self.connection.closed:
            import psycopg

            url = self.batcher.context.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            self.connection = await psycopg.AsyncConnection.connect(url, autocommit=True)
        return self.connection

    async def _close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                await connection.close()
            except Exception:  # already broken: nothing more to release
                pass


def vote_batcher(app: FastAPI) -> VoteBatcher:
    """The worker's :class:`VoteBatcher`, created on first use."""
    state = app.state
    batcher: VoteBatcher | None = getattr(state, "interactive_vote_batcher", None)
    if batcher is None:
        batcher = state.interactive_vote_batcher = VoteBatcher(state.context, app_live_hub(app))
        app.router.add_event_handler("shutdown", batcher.stop)
    return batcher


def _already_voted() -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, "this account has already voted in this poll")


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
