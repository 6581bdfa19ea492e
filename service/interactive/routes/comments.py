"""Timed comments, replies, reports, the author's edits and deletions, and the creator's
moderation (approve, reject, hide, pin).

Comments are stored exactly as typed (after trimming) and rendered escaped everywhere; markup is
text. Moderation rules (approval queue, keyword block list, auto-moderation) decide whether a
listener's comment appears at once or waits in the queue; an edited comment passes them again and
says when it was last edited (``edited_at``).
Only a comment's author edits or deletes it: another account gets 403 for a visible comment and
404 for anything it cannot see. Deleting removes the comment and its replies for good (their text
leaves the live event log too) and tells every listener with ``comment.deleted``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from protocol.interactive import (
    ANSWER_PINNED,
    ANSWER_UNPINNED,
    COMMENT_APPROVED,
    COMMENT_DELETED,
    COMMENT_EDITED,
    COMMENT_HIDDEN,
    CommentCreate,
    CommentDeleted,
    CommentUpdate,
    InteractionPublic,
    ModerationCreate,
    ReportCreate,
)
from service.db import utcnow
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
from service.interactive.idempotency import (
    Outcome,
    WriteRequest,
    replay,
    run_write,
    stored_response,
    write_request,
)
from service.interactive.live import append_event
from service.interactive.models import Interaction, InteractionEvent, InteractionReport
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


def _own_comment(db: SessionDep, user: User, interaction_id: int, write: WriteRequest) -> Interaction | Response:
    """Comment ``interaction_id`` when ``user`` wrote it; 403 for someone else's visible comment,
    404 when there is no such comment or the caller may not see it (the approval queue).

    A request whose ``Idempotency-Key`` was already applied gets the stored answer instead
    (checked first, and again when the comment is missing: a concurrent first attempt may have
    just deleted it)."""
    replayed = _replayed(db, user, write)
    if replayed is not None:
        return replayed
    try:
        item = interaction_or_404(db, interaction_id, "comment")
    except HTTPException:
        replayed = _replayed(db, user, write)
        if replayed is not None:
            return replayed
        raise
    if item.user_id != user.id:
        if item.visibility != "visible":
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such comment")
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only its author can change or delete a comment")
    return item


@router.patch("/interactions/{interaction_id}", response_model=InteractionPublic,
              responses={**NOT_FOUND, 403: {"description": "not the author, or blocked from this show"},
                         409: {"description": "the creator hid or rejected this comment"}})
def edit_comment(interaction_id: ObjectId, body: CommentUpdate, user: CurrentUser, db: SessionDep,
                 write: WriteDep, request: Request) -> Response:
    """The author's new text for their comment; ``edited_at`` says when the text last changed
    (unchanged when the same text is sent again). It passes moderation again: an edit the rules
    would hold waits for the creator's approval (and leaves listeners' lists until then)."""
    item = _own_comment(db, user, interaction_id, write)
    if isinstance(item, Response):
        return item
    episode = episode_or_404(db, item.episode_id)
    refuse_blocked(db, user, episode)
    if item.visibility in ("hidden", "rejected"):
        raise HTTPException(status.HTTP_409_CONFLICT, "the creator removed this comment; it cannot be edited")
    hub = live_hub(request)

    def action() -> Outcome:
        was_visible = item.visibility == "visible"
        if body.text != item.text:  # the same words sent again are not an edit listeners need to see
            item.text, item.edited_at = body.text, utcnow()
        if was_visible and not item.by_creator and held_for_review(db, episode, user, body.text):
            item.visibility, item.pinned = "pending", False
        db.flush()
        public = interaction_public(item, user.username)
        name = None if not was_visible else COMMENT_EDITED if item.visibility == "visible" else COMMENT_HIDDEN
        if name is not None:
            append_event(db, episode_id=item.episode_id, name=name, subject_id=item.id, payload=public)
        return Outcome(status.HTTP_200_OK, public, after_commit=hub.poke if name else None)

    return run_write(db, user_id=user.id, write=write, action=action)


@router.delete("/interactions/{interaction_id}", response_model=CommentDeleted,
               responses={**NOT_FOUND, 403: {"description": "not the author"}})
def delete_comment(interaction_id: ObjectId, user: CurrentUser, db: SessionDep, write: WriteDep,
                   request: Request) -> Response:
    """Delete one's own comment (whatever its visibility) with its replies; listeners who saw it
    get ``comment.deleted``. A retry with the same ``Idempotency-Key`` gets the same answer."""
    item = _own_comment(db, user, interaction_id, write)
    if isinstance(item, Response):
        return item  # deleted by the first attempt: the retry gets that answer, not a 404
    hub = live_hub(request)

    def action() -> Outcome:
        thread = _thread_ids(db, item.id)
        replies = [reply for reply in thread if reply != item.id]
        seen = db.scalar(select(func.count()).select_from(Interaction).where(
            Interaction.id.in_(thread), Interaction.visibility == "visible")) or 0
        gone = CommentDeleted(id=item.id, episode_id=item.episode_id, at_ms=item.anchor_ms,
                              parent_id=item.parent_id, reply_ids=replies)
        # The words are gone for good: earlier events carrying them are rewritten into this
        # deletion (rewritten, not removed: SQLite would hand a removed newest id out again, and
        # streams already past it would never see the event that reused it).
        db.execute(update(InteractionEvent).where(InteractionEvent.episode_id == item.episode_id,
                                                  InteractionEvent.subject_id.in_(thread),
                                                  InteractionEvent.name.in_((COMMENT_APPROVED, COMMENT_EDITED,
                                                                             COMMENT_HIDDEN)))
                   .values(name=COMMENT_DELETED, payload=gone.model_dump_json()))
        # Reports (and ballots, events...) that point at these rows go by ON DELETE CASCADE.
        db.execute(delete(Interaction).where(Interaction.id.in_(thread)))
        db.expunge(item)
        if seen:
            append_event(db, episode_id=gone.episode_id, name=COMMENT_DELETED, subject_id=gone.id, payload=gone)
        return Outcome(status.HTTP_200_OK, gone, after_commit=hub.poke if seen else None)

    return run_write(db, user_id=user.id, write=write, action=action)


def _replayed(db: SessionDep, user: User, write: WriteRequest) -> Response | None:
    """The stored answer when this ``Idempotency-Key`` was applied already (checked before the
    comment is looked up: a retried deletion finds no comment any more)."""
    stored = stored_response(db, user.id, write.key) if write.key is not None else None
    return replay(stored, write) if stored is not None else None


def _thread_ids(db: SessionDep, comment_id: int) -> list[int]:
    """``comment_id`` and the ids of its replies at every level, parents before their replies."""
    found, frontier = [comment_id], [comment_id]
    while frontier:
        frontier = list(db.scalars(select(Interaction.id).where(Interaction.parent_id.in_(frontier),
                                                                Interaction.kind == "comment")
                                   .order_by(Interaction.id)))
        found.extend(frontier)
    return found


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
