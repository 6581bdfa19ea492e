"""Timed comments, replies, reports, and the creator's moderation (approve, reject, hide, pin).

Comments are stored exactly as typed (after trimming) and rendered escaped everywhere; markup is
text. Moderation rules (approval queue, keyword block list, auto-moderation) decide whether a
listener's comment appears at once or waits in the queue.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from protocol.interactive import (
    ANSWER_PINNED,
    ANSWER_UNPINNED,
    COMMENT_APPROVED,
    COMMENT_HIDDEN,
    CommentCreate,
    InteractionPublic,
    ModerationCreate,
    ReportCreate,
)
from service.deps import ContextDep, CurrentUser, ObjectId, SessionDep, resolve_auth
from service.interactive.access import (
    episode_or_404,
    held_for_review,
    interaction_or_404,
    interaction_public,
    live_hub,
    own_episode,
    refuse_blocked,
    show_owner,
    username,
)
from service.interactive.idempotency import Outcome, WriteRequest, run_write, write_request
from service.interactive.live import append_event
from service.interactive.models import Interaction, InteractionReport
from service.models import User

router = APIRouter(prefix="/api/v1", tags=["interactive"])
WriteDep = Annotated[WriteRequest, Depends(write_request)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such comment"}}


@router.post("/interactive-episodes/{interactive_episode_id}/comments", status_code=status.HTTP_201_CREATED,
             response_model=InteractionPublic,
             responses={404: {"description": "no such episode or parent comment"},
                        403: {"description": "blocked from this show"}})
def post_comment(interactive_episode_id: ObjectId, body: CommentCreate, user: CurrentUser, db: SessionDep,
                 write: WriteDep, request: Request) -> Response:
    """A comment at ``at_ms``; ``visibility`` says whether it shows now or waits for approval."""
    episode = episode_or_404(db, interactive_episode_id)
    refuse_blocked(db, user, episode)
    if episode.duration_ms is not None and body.at_ms > episode.duration_ms:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "at_ms is past the end of the episode")
    if body.parent_id is not None:
        parent = db.get(Interaction, body.parent_id)
        if parent is None or parent.episode_id != episode.id or parent.kind != "comment" \
                or parent.visibility != "visible":
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such comment to reply to")
    by_creator = show_owner(db, episode) == user.id
    hub = live_hub(request)

    def action() -> Outcome:
        held = not by_creator and held_for_review(db, episode, user, body.text)
        item = Interaction(episode_id=episode.id, kind="comment", user_id=user.id, parent_id=body.parent_id,
                           text=body.text, anchor_ms=body.at_ms, visibility="pending" if held else "visible",
                           by_creator=by_creator)
        db.add(item)
        db.flush()
        public = interaction_public(item, user.username)
        if not held:
            append_event(db, episode_id=episode.id, name=COMMENT_APPROVED, subject_id=item.id, payload=public)
        return Outcome(status.HTTP_201_CREATED, public, after_commit=None if held else hub.poke)

    return run_write(db, user_id=user.id, write=write, action=action)


@router.get("/interactive-episodes/{interactive_episode_id}/comments", response_model=list[InteractionPublic],
            responses={404: {"description": "no such episode"}})
def list_comments(interactive_episode_id: ObjectId, request: Request, context: ContextDep, db: SessionDep,
                  visibility: Annotated[Literal["visible", "pending", "hidden", "rejected"], Query()] = "visible",
                  from_ms: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
                  to_ms: Annotated[int, Query(ge=0, le=2**31 - 1)] = 2**31 - 1,
                  limit: Annotated[int, Query(ge=1, le=500)] = 200) -> list[InteractionPublic]:
    """Visible comments between ``from_ms`` and ``to_ms``; other visibilities (the approval queue)
    only for the creator, with report counts."""
    episode = episode_or_404(db, interactive_episode_id)
    auth = resolve_auth(request, context, db)
    is_creator = auth is not None and auth.user.id == show_owner(db, episode)
    if visibility != "visible" and not is_creator:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such episode")
    reports = (select(func.count()).where(InteractionReport.interaction_id == Interaction.id)
               .correlate(Interaction).scalar_subquery())
    rows = db.execute(
        select(Interaction, User.username, reports).join(User, User.id == Interaction.user_id)
        .where(Interaction.episode_id == episode.id, Interaction.kind == "comment",
               Interaction.visibility == visibility, Interaction.anchor_ms >= from_ms, Interaction.anchor_ms <= to_ms)
        .order_by(Interaction.anchor_ms, Interaction.id).limit(limit))
    return [interaction_public(item, name, report_count=count if is_creator else None) for item, name, count in rows]


@router.post("/interactions/{interaction_id}/reports", status_code=status.HTTP_201_CREATED,
             response_model=InteractionPublic,
             responses={**NOT_FOUND, 409: {"description": "already reported by this account"}})
def report(interaction_id: ObjectId, body: ReportCreate, user: CurrentUser, db: SessionDep,
           write: WriteDep) -> Response:
    """Report a visible comment (or pinned answer) to the creator; once per account."""
    item = interaction_or_404(db, interaction_id, "comment", "answer")
    if item.visibility != "visible" and not item.pinned:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such comment")

    def action() -> Outcome:
        db.add(InteractionReport(interaction_id=item.id, user_id=user.id, reason=body.reason))
        try:
            db.flush()
        except IntegrityError:
            db.rollback()
            raise HTTPException(status.HTTP_409_CONFLICT, "already reported by this account") from None
        return Outcome(status.HTTP_201_CREATED, interaction_public(item, username(db, item.user_id)))

    return run_write(db, user_id=user.id, write=write, action=action)


@router.post("/interactions/{interaction_id}/moderation", response_model=InteractionPublic,
             responses={**NOT_FOUND, 409: {"description": "the action does not apply (e.g. pin without consent)"}})
def moderate(interaction_id: ObjectId, body: ModerationCreate, user: CurrentUser, db: SessionDep,
             write: WriteDep, request: Request) -> Response:
    """The creator approves, rejects, hides or unhides a comment, or pins/unpins a comment or answer."""
    item = interaction_or_404(db, interaction_id, "comment", "answer")
    own_episode(db, user, item.episode_id)
    hub = live_hub(request)

    def action() -> Outcome:
        name = _apply(item, body.action)
        public = interaction_public(item, username(db, item.user_id))
        if name is not None:
            append_event(db, episode_id=item.episode_id, name=name, subject_id=item.id, payload=public)
        db.flush()
        return Outcome(status.HTTP_200_OK, public, after_commit=hub.poke if name else None)

    return run_write(db, user_id=user.id, write=write, action=action)


def _apply(item: Interaction, action: str) -> str | None:
    """Change ``item`` for ``action``; the live event to send, if listeners must learn of it."""
    was_visible = item.visibility == "visible"
    if item.kind == "answer" and action not in ("pin", "unpin"):
        raise HTTPException(status.HTTP_409_CONFLICT, "answers are private; they can only be pinned or unpinned")
    if action == "approve" or action == "unhide":
        item.visibility = "visible"
        return COMMENT_APPROVED if not was_visible else None
    if action in ("reject", "hide"):
        item.visibility = "rejected" if action == "reject" else "hidden"
        item.pinned = False
        return COMMENT_HIDDEN if was_visible else None
    if action == "pin":
        if item.kind == "answer":
            if not item.share_consent:
                raise HTTPException(status.HTTP_409_CONFLICT, "the listener did not consent to publishing this answer")
            item.pinned = True
            return ANSWER_PINNED
        if not was_visible:
            raise HTTPException(status.HTTP_409_CONFLICT, "approve the comment before pinning it")
        item.pinned = True
        return COMMENT_APPROVED
    item.pinned = False  # unpin
    return ANSWER_UNPINNED if item.kind == "answer" else COMMENT_APPROVED
