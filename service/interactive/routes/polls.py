"""Polls: the creator schedules them on the episode's timeline; listeners vote once and then see
the results. "Once" is the ``poll_ballots`` unique constraint, so no code path can count twice."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status

from protocol.interactive import POLL_OPENED, POLL_TALLY, PollCreate, PollPublic, VoteCreate, VoteReceipt
from service.db import utcnow
from service.deps import ContextDep, CurrentUser, ObjectId, SessionDep, resolve_auth
from service.interactive.access import (
    episode_or_404,
    interaction_or_404,
    live_hub,
    own_episode,
    poll_public,
    show_owner,
)
from service.interactive.ballots import vote_batcher
from service.interactive.idempotency import Outcome, WriteRequest, run_write, write_request
from service.interactive.live import append_event, poll_tally
from service.interactive.models import Interaction, PollOption

router = APIRouter(prefix="/api/v1", tags=["interactive"])
WriteDep = Annotated[WriteRequest, Depends(write_request)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such poll"}}


@router.post("/interactive-episodes/{interactive_episode_id}/polls", status_code=status.HTTP_201_CREATED,
             response_model=PollPublic, responses={404: {"description": "no such episode"}})
def create_poll(interactive_episode_id: ObjectId, body: PollCreate, user: CurrentUser, db: SessionDep,
                write: WriteDep, request: Request) -> Response:
    episode = own_episode(db, user, interactive_episode_id)
    if episode.duration_ms is not None and body.anchor_ms is not None and body.anchor_ms > episode.duration_ms:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "anchor_ms is past the end of the episode")
    hub = live_hub(request)

    def action() -> Outcome:
        poll = Interaction(episode_id=episode.id, kind="poll", user_id=user.id, text=body.prompt,
                           anchor_ms=body.anchor_ms, opens_at=body.opens_at, closes_at=body.closes_at,
                           multiple=body.kind == "multiple", visibility="visible", by_creator=True)
        db.add(poll)
        db.flush()
        db.add_all(PollOption(poll_id=poll.id, position=index, label=label) for index, label in enumerate(body.options))
        db.flush()
        public = poll_public(db, poll, viewer_id=None, creator_id=user.id, tally=None)
        append_event(db, episode_id=episode.id, name=POLL_OPENED, subject_id=poll.id, payload=public)
        return Outcome(status.HTTP_201_CREATED, public, after_commit=hub.poke)

    return run_write(db, user_id=user.id, write=write, action=action)


@router.get("/polls/{poll_id}", response_model=PollPublic, responses=NOT_FOUND)
def read_poll(poll_id: ObjectId, request: Request, context: ContextDep, db: SessionDep) -> PollPublic:
    """The poll; option counts only for the creator and for listeners who have voted."""
    poll = interaction_or_404(db, poll_id, "poll")
    auth = resolve_auth(request, context, db)
    viewer = auth.user.id if auth else None
    creator = show_owner(db, episode_or_404(db, poll.episode_id))
    return poll_public(db, poll, viewer_id=viewer, creator_id=creator, tally=poll_tally(db, poll))


@router.post("/polls/{poll_id}/votes", status_code=status.HTTP_201_CREATED, response_model=VoteReceipt,
             responses={**NOT_FOUND, 401: {"description": "sign-in required"},
                        403: {"description": "blocked from this show"},
                        409: {"description": "already voted, or the poll is not open"},
                        422: {"description": "unknown or repeated options"}})
async def vote(poll_id: ObjectId, body: VoteCreate, request: Request, write: WriteDep) -> Response:
    """Cast the caller's one ballot (bearer token or the pages' cookie). The receipt carries the
    latest coalesced tally; an ``Idempotency-Key`` makes retries safe."""
    return await vote_batcher(request.app).cast(request, poll_id=poll_id, body=body, write=write)


@router.post("/polls/{poll_id}/close", response_model=PollPublic, responses=NOT_FOUND)
def close_poll(poll_id: ObjectId, user: CurrentUser, db: SessionDep, write: WriteDep, request: Request) -> Response:
    """Stop voting now; listeners get the final tally."""
    poll = interaction_or_404(db, poll_id, "poll")
    own_episode(db, user, poll.episode_id)
    hub = live_hub(request)

    def action() -> Outcome:
        now = utcnow()
        if poll.closes_at is None or poll.closes_at > now:
            poll.closes_at = now
        db.flush()
        tally = poll_tally(db, poll)
        append_event(db, episode_id=poll.episode_id, name=POLL_TALLY, subject_id=poll.id, payload=tally)
        return Outcome(status.HTTP_200_OK, poll_public(db, poll, viewer_id=user.id, creator_id=user.id, tally=tally),
                       after_commit=hub.poke)

    return run_write(db, user_id=user.id, write=write, action=action)
