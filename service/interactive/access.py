"""Who may do what with an episode's interactions, and how rows become wire types.

The creator of an episode is the owner of its show. Creator-only objects of another creator
answer 404, exactly like missing ones. A listener blocked from a show gets 403 on every write.
"""

from __future__ import annotations

import json
import re

from fastapi import FastAPI, HTTPException, Request, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from protocol.interactive import InteractionPublic, PollOptionPublic, PollPublic, PollTally, QuestionPublic
from service.deps import not_found
from service.interactive.live import LiveHub, is_open
from service.interactive.models import (
    BallotChoice,
    BlockedListener,
    Interaction,
    InteractiveEpisode,
    PollBallot,
    PollOption,
)
from service.models import Show, User

_LINK = re.compile(r"(https?://|www\.)\S", re.IGNORECASE)


def live_hub(request: Request) -> LiveHub:
    """The worker's :class:`LiveHub`, created on first use (threads start lazily)."""
    return app_live_hub(request.app)


def app_live_hub(app: FastAPI) -> LiveHub:
    """:func:`live_hub` for code that holds the application rather than a request."""
    state = app.state
    hub: LiveHub | None = getattr(state, "interactive_hub", None)
    if hub is None:
        context = state.context
        hub = LiveHub(context.engine, context.sessions, retention=context.settings.retention)
        state.interactive_hub = hub
        app.router.add_event_handler("shutdown", hub.stop)
    return hub


def episode_or_404(db: Session, episode_id: int) -> InteractiveEpisode:
    episode = db.get(InteractiveEpisode, episode_id)
    if episode is None:
        raise not_found("no such episode")
    return episode


def show_owner(db: Session, episode: InteractiveEpisode) -> int:
    owner = db.scalar(select(Show.owner_id).where(Show.id == episode.show_id))
    return int(owner) if owner is not None else -1


def own_episode(db: Session, user: User, episode_id: int) -> InteractiveEpisode:
    """The episode if ``user`` created it, else 404."""
    episode = episode_or_404(db, episode_id)
    if show_owner(db, episode) != user.id:
        raise not_found("no such episode")
    return episode


def interaction_or_404(db: Session, interaction_id: int, *kinds: str) -> Interaction:
    item = db.get(Interaction, interaction_id)
    if item is None or (kinds and item.kind not in kinds):
        raise not_found(f"no such {' or '.join(kinds) or 'interaction'}")
    return item


def refuse_blocked(db: Session, user: User, episode: InteractiveEpisode) -> None:
    blocked = db.scalar(select(BlockedListener.id).where(BlockedListener.show_id == episode.show_id,
                                                         BlockedListener.user_id == user.id))
    if blocked is not None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the creator blocked this account from the show")


def require_open(item: Interaction, what: str) -> None:
    if not is_open(item):
        raise HTTPException(status.HTTP_409_CONFLICT, f"this {what} is not open")


def keywords(episode: InteractiveEpisode) -> list[str]:
    return list(json.loads(episode.blocked_keywords or "[]"))


def held_for_review(db: Session, episode: InteractiveEpisode, user: User, text: str) -> bool:
    """Whether a listener's comment waits in the approval queue instead of appearing."""
    if episode.approval == "all":
        return True
    lowered = text.casefold()
    # Whole words or phrases only: blocking "ass" must not hold "class".
    if any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered) for word in keywords(episode)):
        return True
    if episode.auto_moderation in ("standard", "strict") and _LINK.search(text):
        return True
    if episode.auto_moderation == "strict":
        approved_before = db.scalar(
            select(Interaction.id).join(InteractiveEpisode, InteractiveEpisode.id == Interaction.episode_id)
            .where(InteractiveEpisode.show_id == episode.show_id, Interaction.user_id == user.id,
                   Interaction.kind == "comment", Interaction.visibility == "visible").limit(1))
        return approved_before is None
    return False


def question_public(item: Interaction) -> QuestionPublic:
    return QuestionPublic(id=item.id, episode_id=item.episode_id, prompt=item.text, anchor_ms=item.anchor_ms,
                          opens_at=item.opens_at, closes_at=item.closes_at, is_open=is_open(item))


def poll_public(db: Session, poll: Interaction, *, viewer_id: int | None, creator_id: int,
                tally: PollTally | None) -> PollPublic:
    """The poll as ``viewer_id`` may see it: counts only for the creator and for voters."""
    options = list(db.scalars(select(PollOption).where(PollOption.poll_id == poll.id).order_by(PollOption.position)))
    mine: list[int] | None = None
    if viewer_id is not None:
        ballot = db.scalar(select(PollBallot.id).where(PollBallot.poll_id == poll.id, PollBallot.user_id == viewer_id))
        if ballot is not None:
            mine = sorted(db.scalars(select(BallotChoice.option_id).where(BallotChoice.ballot_id == ballot)))
    sees_results = tally is not None and (mine is not None or viewer_id == creator_id)
    counts = tally.counts if sees_results and tally is not None and tally.counts is not None else None
    return PollPublic(
        id=poll.id, episode_id=poll.episode_id, prompt=poll.text, kind="multiple" if poll.multiple else "single",
        anchor_ms=poll.anchor_ms, opens_at=poll.opens_at, closes_at=poll.closes_at, is_open=is_open(poll),
        options=[PollOptionPublic(id=option.id, label=option.label,
                                  votes=(counts or {}).get(str(option.id), 0) if counts is not None else None)
                 for option in options],
        total_votes=tally.total if sees_results and tally is not None else None,
        my_option_ids=mine)


def interaction_public(item: Interaction, author: str, *, report_count: int | None = None) -> InteractionPublic:
    return InteractionPublic(
        id=item.id, episode_id=item.episode_id, kind=item.kind,  # type: ignore[arg-type]
        text=item.text, at_ms=item.anchor_ms, parent_id=item.parent_id, author=author, by_creator=item.by_creator,
        pinned=item.pinned, visibility=item.visibility,  # type: ignore[arg-type]
        share_consent=item.share_consent, report_count=report_count, created_at=item.created_at,
        edited_at=item.edited_at)


def username(db: Session, user_id: int) -> str:
    return db.scalar(select(User.username).where(User.id == user_id)) or "(deleted)"
