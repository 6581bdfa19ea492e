"""Questions (Q&A): the creator asks, listeners answer. An answer is private to the creator; the
creator may pin (publish) it only when its author consented."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from sqlalchemy import select

from protocol.interactive import (
    QUESTION_OPENED,
    AnswerCreate,
    InteractionPublic,
    QuestionCreate,
    QuestionPublic,
)
from service.deps import ContextDep, CurrentUser, ObjectId, SessionDep, resolve_auth
from service.interactive.access import (
    episode_or_404,
    interaction_or_404,
    interaction_public,
    live_hub,
    own_episode,
    question_public,
    refuse_blocked,
    require_open,
    show_owner,
)
from service.interactive.idempotency import Outcome, WriteRequest, run_write, write_request
from service.interactive.live import append_event
from service.interactive.models import Interaction
from service.models import User

router = APIRouter(prefix="/api/v1", tags=["interactive"])
WriteDep = Annotated[WriteRequest, Depends(write_request)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such question"}}


@router.post("/interactive-episodes/{interactive_episode_id}/questions", status_code=status.HTTP_201_CREATED,
             response_model=QuestionPublic, responses={404: {"description": "no such episode"}})
def create_question(interactive_episode_id: ObjectId, body: QuestionCreate, user: CurrentUser, db: SessionDep,
                    write: WriteDep, request: Request) -> Response:
    episode = own_episode(db, user, interactive_episode_id)
    hub = live_hub(request)

    def action() -> Outcome:
        question = Interaction(episode_id=episode.id, kind="question", user_id=user.id, text=body.prompt,
                               anchor_ms=body.anchor_ms, opens_at=body.opens_at, closes_at=body.closes_at,
                               visibility="visible", by_creator=True)
        db.add(question)
        db.flush()
        public = question_public(question)
        append_event(db, episode_id=episode.id, name=QUESTION_OPENED, subject_id=question.id, payload=public)
        return Outcome(status.HTTP_201_CREATED, public, after_commit=hub.poke)

    return run_write(db, user_id=user.id, write=write, action=action)


@router.get("/questions/{question_id}", response_model=QuestionPublic, responses=NOT_FOUND)
def read_question(question_id: ObjectId, db: SessionDep) -> QuestionPublic:
    return question_public(interaction_or_404(db, question_id, "question"))


@router.post("/questions/{question_id}/answers", status_code=status.HTTP_201_CREATED,
             response_model=InteractionPublic,
             responses={**NOT_FOUND, 409: {"description": "the question is not open"}})
def answer(question_id: ObjectId, body: AnswerCreate, user: CurrentUser, db: SessionDep,
           write: WriteDep) -> Response:
    """Answer privately; ``share_consent`` lets the creator pin (publish) it."""
    question = interaction_or_404(db, question_id, "question")
    refuse_blocked(db, user, episode_or_404(db, question.episode_id))
    require_open(question, "question")

    def action() -> Outcome:
        item = Interaction(episode_id=question.episode_id, kind="answer", user_id=user.id, parent_id=question.id,
                           text=body.text, anchor_ms=question.anchor_ms, visibility="private",
                           share_consent=body.share_consent, by_creator=False)
        db.add(item)
        db.flush()
        return Outcome(status.HTTP_201_CREATED, interaction_public(item, user.username))

    return run_write(db, user_id=user.id, write=write, action=action)


@router.get("/questions/{question_id}/answers", response_model=list[InteractionPublic], responses=NOT_FOUND)
def list_answers(question_id: ObjectId, request: Request, context: ContextDep, db: SessionDep) -> list[InteractionPublic]:
    """The creator sees every answer; everyone else sees pinned answers and their own."""
    question = interaction_or_404(db, question_id, "question")
    auth = resolve_auth(request, context, db)
    viewer = auth.user.id if auth else None
    is_creator = viewer is not None and viewer == show_owner(db, episode_or_404(db, question.episode_id))
    query = (select(Interaction, User.username).join(User, User.id == Interaction.user_id)
             .where(Interaction.parent_id == question.id, Interaction.kind == "answer").order_by(Interaction.id))
    if not is_creator:
        query = query.where((Interaction.pinned.is_(True)) | (Interaction.user_id == (viewer or -1)))
    return [interaction_public(item, name) for item, name in db.execute(query)]
