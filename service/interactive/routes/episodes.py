"""Interactive episodes: a creator opens an episode of a claimed show to interaction; anyone looks
it up by feed URL and item guid; the creator sets its moderation and blocks listeners."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from sqlalchemy import select

from protocol.interactive import (
    BlockCreate,
    InteractiveEpisodeCreate,
    InteractiveEpisodePublic,
    ModerationSettings,
)
from service.deps import ContextDep, CurrentUser, ObjectId, SessionDep, not_found
from service.interactive.access import episode_or_404, keywords, own_episode
from service.interactive.idempotency import Outcome, WriteRequest, run_write, write_request
from service.interactive.models import BlockedListener, InteractiveEpisode
from service.models import Show, User

router = APIRouter(prefix="/api/v1", tags=["interactive"])
WriteDep = Annotated[WriteRequest, Depends(write_request)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such episode"}}


def episode_public(episode: InteractiveEpisode, public_url: str) -> InteractiveEpisodePublic:
    return InteractiveEpisodePublic(id=episode.id, show_id=episode.show_id, guid=episode.guid, title=episode.title,
                                    duration_ms=episode.duration_ms,
                                    interactions_url=f"{public_url.rstrip('/')}/interactions/{episode.id}.json")


@router.post("/shows/{show_id}/interactive-episodes", status_code=status.HTTP_201_CREATED,
             response_model=InteractiveEpisodePublic, responses={404: {"description": "no such show"}})
def open_episode(show_id: ObjectId, body: InteractiveEpisodeCreate, user: CurrentUser, db: SessionDep,
                 context: ContextDep, write: WriteDep) -> Response:
    """Open the episode with item ``guid`` of a show the caller owns (again: the same episode)."""
    show = db.get(Show, show_id)
    if show is None or show.owner_id != user.id:
        raise not_found("no such show")

    def action() -> Outcome:
        episode = db.scalar(select(InteractiveEpisode).where(InteractiveEpisode.show_id == show_id,
                                                             InteractiveEpisode.guid == body.guid))
        code = status.HTTP_200_OK
        if episode is None:
            episode = InteractiveEpisode(show_id=show_id, guid=body.guid, title=body.title,
                                         duration_ms=body.duration_ms)
            db.add(episode)
            code = status.HTTP_201_CREATED
        else:
            episode.title, episode.duration_ms = body.title, body.duration_ms
        db.flush()
        return Outcome(code, episode_public(episode, context.settings.public_url))

    return run_write(db, user_id=user.id, write=write, action=action)


@router.get("/interactive-episodes", response_model=list[InteractiveEpisodePublic])
def find_episodes(db: SessionDep, context: ContextDep,
                  feed_url: Annotated[str, Query(min_length=1, max_length=2000)],
                  guid: Annotated[str | None, Query(max_length=500)] = None) -> list[InteractiveEpisodePublic]:
    """The interactive episodes of the show at ``feed_url`` (one, when ``guid`` is given)."""
    query = (select(InteractiveEpisode).join(Show, Show.id == InteractiveEpisode.show_id)
             .where(Show.feed_url == feed_url).order_by(InteractiveEpisode.id))
    if guid is not None:
        query = query.where(InteractiveEpisode.guid == guid)
    return [episode_public(row, context.settings.public_url) for row in db.scalars(query)]


@router.get("/interactive-episodes/{interactive_episode_id}", response_model=InteractiveEpisodePublic,
            responses=NOT_FOUND)
def read_episode(interactive_episode_id: ObjectId, db: SessionDep, context: ContextDep) -> InteractiveEpisodePublic:
    return episode_public(episode_or_404(db, interactive_episode_id), context.settings.public_url)


@router.get("/interactive-episodes/{interactive_episode_id}/moderation", response_model=ModerationSettings,
            responses=NOT_FOUND)
def read_moderation(interactive_episode_id: ObjectId, user: CurrentUser, db: SessionDep) -> ModerationSettings:
    episode = own_episode(db, user, interactive_episode_id)
    return ModerationSettings(approval=episode.approval, auto=episode.auto_moderation,  # type: ignore[arg-type]
                              blocked_keywords=keywords(episode))


@router.put("/interactive-episodes/{interactive_episode_id}/moderation", response_model=ModerationSettings,
            responses=NOT_FOUND)
def update_moderation(interactive_episode_id: ObjectId, body: ModerationSettings, user: CurrentUser,
                      db: SessionDep, write: WriteDep) -> Response:
    episode = own_episode(db, user, interactive_episode_id)

    def action() -> Outcome:
        words = sorted({word.casefold() for word in body.blocked_keywords})
        episode.approval, episode.auto_moderation = body.approval, body.auto
        episode.blocked_keywords = json.dumps(words)
        return Outcome(status.HTTP_200_OK, ModerationSettings(approval=body.approval, auto=body.auto,
                                                              blocked_keywords=words))

    return run_write(db, user_id=user.id, write=write, action=action)


@router.post("/interactive-episodes/{interactive_episode_id}/blocks", status_code=status.HTTP_201_CREATED,
             response_model=BlockCreate, responses={**NOT_FOUND, 422: {"description": "no such listener"}})
def block_listener(interactive_episode_id: ObjectId, body: BlockCreate, user: CurrentUser, db: SessionDep,
                   write: WriteDep, request: Request) -> Response:
    """Block a listener from every episode of this show (their existing comments stay as they are;
    hide them one by one)."""
    episode = own_episode(db, user, interactive_episode_id)
    target = db.scalar(select(User.id).where(User.username == body.username))
    if target is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "no listener with this username")
    if target == user.id:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "a creator cannot block themselves")

    def action() -> Outcome:
        exists = db.scalar(select(BlockedListener.id).where(BlockedListener.show_id == episode.show_id,
                                                            BlockedListener.user_id == target))
        if exists is None:
            db.add(BlockedListener(show_id=episode.show_id, user_id=target))
            db.flush()
        return Outcome(status.HTTP_201_CREATED, BlockCreate(username=body.username))

    return run_write(db, user_id=user.id, write=write, action=action)
