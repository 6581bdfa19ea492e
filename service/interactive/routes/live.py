"""The live stream of one episode (server-sent events), resumable with ``Last-Event-ID``.

Each stream keeps only a cursor (the last event id it sent). It wakes when its episode has news,
reads the new events from the worker's ring buffer, sends the newest tally of each poll only, and
goes back to sleep; a stream that fell behind the ring (a slow reader, or a reconnect with an old
``Last-Event-ID``) is replayed from the event log. A slow socket therefore holds up nothing but
its own coroutine. Poll counts go only to the creator and to listeners who have voted; everyone
else sees the running total.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from protocol.interactive import POLL_TALLY, RESYNC
from service.deps import ObjectId, not_found, resolve_auth
from service.interactive.access import live_hub, show_owner
from service.interactive.live import LiveHub, StoredEvent, compact
from service.interactive.models import Interaction, InteractiveEpisode, PollBallot

router = APIRouter(tags=["interactive"])
KEEPALIVE_S = 15.0
RECHECK_VOTE_S = 3.0
"""How often a stream re-checks whether its listener has voted in a poll since (seconds)."""


class _Viewer:
    """What one stream's listener may see of poll results (``voted``: the polls of the episode the
    listener had voted in when the stream opened; later votes are found by :meth:`sees_counts`)."""

    def __init__(self, hub: LiveHub, user_id: int | None, is_creator: bool, voted: set[int]) -> None:
        self.hub, self.user_id, self.is_creator = hub, user_id, is_creator
        self.voted = voted
        self.checked_at: dict[int, float] = {}

    def message(self, event: StoredEvent) -> bytes | None:
        """The event's message for this listener, or None when that needs :meth:`sees_counts`."""
        if event.name != POLL_TALLY or event.subject_id is None or self.is_creator or event.subject_id in self.voted:
            return event.wire
        return None

    async def sees_counts(self, poll_id: int) -> bool:
        if self.is_creator or poll_id in self.voted:
            return True
        if self.user_id is None:
            return False
        now = time.monotonic()
        if now - self.checked_at.get(poll_id, -RECHECK_VOTE_S) < RECHECK_VOTE_S:
            return False
        self.checked_at[poll_id] = now
        if await run_in_threadpool(self._has_voted, poll_id):
            self.voted.add(poll_id)
            return True
        return False

    def _has_voted(self, poll_id: int) -> bool:
        with self.hub.sessions() as db:
            return db.scalar(select(PollBallot.id).where(PollBallot.poll_id == poll_id,
                                                         PollBallot.user_id == self.user_id)) is not None


def _who(request: Request, episode_id: int) -> tuple[int | None, bool, set[int]]:
    """The listener (None: anonymous), whether they created the episode, and the episode's polls
    they have voted in."""
    context = request.app.state.context
    with context.sessions() as db:
        episode = db.get(InteractiveEpisode, episode_id)
        if episode is None:
            raise not_found("no such episode")
        # Apps send a bearer token; the creator pages' EventSource sends the session cookie.
        auth = resolve_auth(request, context, db) or resolve_auth(request, context, db, from_cookie=True)
        user_id = auth.user.id if auth else None
        voted: set[int] = set()
        if user_id is not None:
            voted = set(db.scalars(select(PollBallot.poll_id).join(Interaction, Interaction.id == PollBallot.poll_id)
                                   .where(PollBallot.user_id == user_id, Interaction.episode_id == episode_id)))
        return user_id, user_id is not None and user_id == show_owner(db, episode), voted


@router.get("/api/v1/interactive-episodes/{interactive_episode_id}/live", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}, "description": "the episode's live events"},
                       404: {"description": "no such episode"}})
async def live(interactive_episode_id: ObjectId, request: Request,
               last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=20)] = None,
               ) -> StreamingResponse:
    """``poll.tally``, ``comment.approved``, ``answer.pinned``... as they happen (protocol.interactive);
    a comment line every 15 s keeps proxies from closing the connection."""
    user_id, is_creator, voted = await run_in_threadpool(_who, request, interactive_episode_id)
    resume_from = int(last_event_id) if last_event_id and last_event_id.isdigit() else None
    hub = live_hub(request)
    await run_in_threadpool(hub.start)
    viewer = _Viewer(hub, user_id, is_creator, voted)
    waiter = hub.subscribe(interactive_episode_id)
    episode_id = interactive_episode_id

    async def stream() -> AsyncIterator[bytes]:
        try:
            yield b"retry: 2000\n: connected\n\n"
            cursor = hub.high_water if resume_from is None else resume_from
            while True:
                waiter.flag.clear()
                high_water = hub.high_water
                batch = hub.recent(episode_id, cursor)
                if batch is None:
                    batch = await run_in_threadpool(hub.replay, episode_id, cursor, high_water)
                    if batch is None:
                        yield f"id: {high_water}\nevent: {RESYNC}\ndata: {{}}\n\n".encode()
                        cursor = high_water
                        continue
                for event in compact(batch):
                    message = viewer.message(event)
                    if message is None:  # a tally: counts only once this listener has voted
                        assert event.subject_id is not None
                        counts = await viewer.sees_counts(event.subject_id)
                        message = event.wire if counts else event.wire_without_counts
                    yield message
                    cursor = max(cursor, event.id)
                cursor = max(cursor, high_water)
                try:
                    async with asyncio.timeout(KEEPALIVE_S):  # no task per wake-up, unlike wait_for
                        await waiter.flag.wait()
                except TimeoutError:
                    yield b": keepalive\n\n"
        finally:
            hub.unsubscribe(waiter)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
