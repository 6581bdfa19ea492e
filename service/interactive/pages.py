"""Creator pages of the interactive layer (server-rendered, same look as the store's pages):
open an episode, schedule polls and questions on its timeline, watch live results, moderate
comments, answer and pin, and see engagement. Forms post back here with the page's CSRF token;
the changes go through the same rules as the API."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from pydantic import ValidationError
from sqlalchemy import func, select

from protocol.interactive import ModerationCreate, ModerationSettings, PollCreate, QuestionCreate
from service.deps import Auth, ContextDep, ObjectId, SessionDep, not_found
from service.interactive.access import interaction_or_404, interaction_public, own_episode, poll_public
from service.interactive.live import is_open, poll_tally
from service.interactive.models import Interaction, InteractionReport, InteractiveEpisode
from service.interactive.routes.timeline import engagement
from service.models import Show, User
from service.routes.pages import csrf_token, redirect, require

router = APIRouter(prefix="/creator", include_in_schema=False)
Csrf = Annotated[str, Form(max_length=100)]
_HERE = Path(__file__).resolve().parent
TEMPLATES = Environment(loader=ChoiceLoader([FileSystemLoader(_HERE / "templates"),
                                            FileSystemLoader(_HERE.parent / "templates")]),
                        autoescape=select_autoescape(["html"]))


def _render(request: Request, auth: Auth, template: str, *, status_code: int = 200, **values: Any) -> HTMLResponse:
    context = request.app.state.context
    page = TEMPLATES.get_template(template).render(user=auth.user, csrf=csrf_token(context, auth), **values)
    return HTMLResponse(page, status_code=status_code, headers={"Cache-Control": "no-store"})


def _moment(text: str) -> int | None:
    """``m:ss`` or ``h:mm:ss`` (or plain seconds) into milliseconds; empty means no moment."""
    text = text.strip()
    if not text:
        return None
    try:
        seconds = 0.0
        for part in text.split(":"):
            seconds = seconds * 60 + float(part)
    except ValueError:
        raise ValueError("moments are written m:ss, h:mm:ss or as seconds") from None
    return round(seconds * 1000)


def _when(text: str) -> datetime | None:
    """A ``datetime-local`` field, read as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC) if text.strip() else None


@router.get("/interactive", response_class=HTMLResponse)
def overview_page(request: Request, context: ContextDep, db: SessionDep) -> HTMLResponse:
    return overview(request, context, db)


def overview(request: Request, context: ContextDep, db: SessionDep, error: str | None = None) -> HTMLResponse:
    auth = require(request, context, db)
    shows = db.scalars(select(Show).where(Show.owner_id == auth.user.id).order_by(Show.title)).all()
    episodes = db.execute(select(InteractiveEpisode, Show.title).join(Show, Show.id == InteractiveEpisode.show_id)
                          .where(Show.owner_id == auth.user.id).order_by(InteractiveEpisode.id.desc())).all()
    return _render(request, auth, "interactive_overview.html", title="Interactive episodes", shows=shows,
                   episodes=episodes, error=error)


@router.post("/interactive")
def open_episode(request: Request, context: ContextDep, db: SessionDep, csrf: Csrf,
                 show_id: Annotated[int, Form(ge=1, le=2**31 - 1)], guid: Annotated[str, Form(max_length=500)],
                 title: Annotated[str, Form(max_length=500)],
                 duration: Annotated[str, Form(max_length=20)] = "") -> Response:
    auth = require(request, context, db, csrf=csrf)
    show = db.get(Show, show_id)
    if show is None or show.owner_id != auth.user.id:
        raise not_found("no such show")
    try:
        duration_ms = _moment(duration)
    except ValueError as error:
        return overview(request, context, db, error=str(error))
    if not guid.strip() or not title.strip():
        return overview(request, context, db, error="The episode needs its guid and a title")
    episode = db.scalar(select(InteractiveEpisode).where(InteractiveEpisode.show_id == show.id,
                                                         InteractiveEpisode.guid == guid.strip()))
    if episode is None:
        episode = InteractiveEpisode(show_id=show.id, guid=guid.strip(), title=title.strip(), duration_ms=duration_ms)
        db.add(episode)
        db.commit()
    return redirect(f"/creator/interactive/{episode.id}")


@router.get("/interactive/{interactive_episode_id}", response_class=HTMLResponse)
def read_episode_page(interactive_episode_id: ObjectId, request: Request, context: ContextDep,
                      db: SessionDep) -> HTMLResponse:
    return episode_page(interactive_episode_id, request, context, db)


def episode_page(interactive_episode_id: int, request: Request, context: ContextDep, db: SessionDep,
                 error: str | None = None, status_code: int = 200) -> HTMLResponse:
    auth = require(request, context, db)
    episode = own_episode(db, auth.user, interactive_episode_id)
    items = db.scalars(select(Interaction).where(Interaction.episode_id == episode.id).order_by(Interaction.id)).all()
    polls = [poll_public(db, item, viewer_id=auth.user.id, creator_id=auth.user.id, tally=poll_tally(db, item))
             for item in items if item.kind == "poll"]
    questions = [item for item in items if item.kind == "question"]
    names = dict(db.execute(select(User.id, User.username).where(
        User.id.in_({item.user_id for item in items}))).all()) if items else {}
    reports = dict(db.execute(select(InteractionReport.interaction_id, func.count()).join(
        Interaction, Interaction.id == InteractionReport.interaction_id).where(Interaction.episode_id == episode.id)
        .group_by(InteractionReport.interaction_id)).all())

    def public(item: Interaction) -> Any:
        return interaction_public(item, names.get(item.user_id, "(deleted)"), report_count=reports.get(item.id, 0))

    comments = [public(item) for item in items if item.kind == "comment"]
    answers = {question.id: [public(item) for item in items if item.kind == "answer" and item.parent_id == question.id]
               for question in questions}
    end = episode.duration_ms or max([item.anchor_ms or 0 for item in items] + [1])
    settings = ModerationSettings(approval=episode.approval, auto=episode.auto_moderation,  # type: ignore[arg-type]
                                  blocked_keywords=json.loads(episode.blocked_keywords or "[]"))
    return _render(request, auth, "interactive_episode.html", status_code=status_code, title=episode.title,
                   episode=episode, polls=polls, questions=questions, answers=answers,
                   queue=[comment for comment in comments if comment.visibility == "pending"],
                   visible=[comment for comment in comments if comment.visibility == "visible"],
                   end_ms=end, open_question={question.id: is_open(question) for question in questions},
                   settings=settings, engagement=engagement(episode.id, auth.user, db), error=error)


def _invalid(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(part) for part in item['loc']) or 'form'}: {item['msg']}"
                     for item in error.errors())


@router.post("/interactive/{interactive_episode_id}/polls")
def create_poll(interactive_episode_id: ObjectId, request: Request, context: ContextDep, db: SessionDep, csrf: Csrf,
                prompt: Annotated[str, Form(max_length=1000)], options: Annotated[str, Form(max_length=5000)],
                kind: Annotated[str, Form(max_length=10)] = "single", at: Annotated[str, Form(max_length=20)] = "",
                opens: Annotated[str, Form(max_length=40)] = "",
                closes: Annotated[str, Form(max_length=40)] = "") -> Response:
    auth = require(request, context, db, csrf=csrf)
    episode = own_episode(db, auth.user, interactive_episode_id)
    try:
        body = PollCreate(prompt=prompt, kind=kind, anchor_ms=_moment(at),  # type: ignore[arg-type]
                          options=[line for line in options.splitlines() if line.strip()],
                          opens_at=_when(opens), closes_at=_when(closes))
    except (ValidationError, ValueError) as error:
        message = _invalid(error) if isinstance(error, ValidationError) else str(error)
        return episode_page(episode.id, request, context, db, error=f"Poll not created: {message}", status_code=422)
    from service.interactive.routes.polls import create_poll as create_poll_api

    response = _call_api(create_poll_api, episode.id, body, auth.user, db, request)
    if response.status_code >= 400:
        return episode_page(episode.id, request, context, db, error="Poll not created: " + _detail(response),
                            status_code=response.status_code)
    return redirect(f"/creator/interactive/{episode.id}")


@router.post("/interactive/{interactive_episode_id}/questions")
def create_question(interactive_episode_id: ObjectId, request: Request, context: ContextDep, db: SessionDep,
                    csrf: Csrf, prompt: Annotated[str, Form(max_length=1000)],
                    at: Annotated[str, Form(max_length=20)] = "") -> Response:
    auth = require(request, context, db, csrf=csrf)
    episode = own_episode(db, auth.user, interactive_episode_id)
    try:
        body = QuestionCreate(prompt=prompt, anchor_ms=_moment(at))
    except (ValidationError, ValueError) as error:
        message = _invalid(error) if isinstance(error, ValidationError) else str(error)
        return episode_page(episode.id, request, context, db, error=f"Question not created: {message}",
                            status_code=422)
    from service.interactive.routes.questions import create_question as create_question_api

    _call_api(create_question_api, episode.id, body, auth.user, db, request)
    return redirect(f"/creator/interactive/{episode.id}")


@router.post("/interactive/{interactive_episode_id}/moderation")
def update_moderation(interactive_episode_id: ObjectId, request: Request, context: ContextDep, db: SessionDep,
                      csrf: Csrf, approval: Annotated[str, Form(max_length=10)] = "none",
                      auto: Annotated[str, Form(max_length=10)] = "standard",
                      keywords: Annotated[str, Form(max_length=20000)] = "") -> Response:
    auth = require(request, context, db, csrf=csrf)
    episode = own_episode(db, auth.user, interactive_episode_id)
    try:
        settings = ModerationSettings(approval=approval, auto=auto,  # type: ignore[arg-type]
                                      blocked_keywords=[word for word in keywords.splitlines() if word.strip()])
    except ValidationError as error:
        return episode_page(episode.id, request, context, db, error=f"Not saved: {_invalid(error)}", status_code=422)
    episode.approval, episode.auto_moderation = settings.approval, settings.auto
    episode.blocked_keywords = json.dumps(sorted({word.casefold() for word in settings.blocked_keywords}))
    db.commit()
    return redirect(f"/creator/interactive/{episode.id}")


@router.post("/interactions/{interaction_id}/moderation")
def moderate(interaction_id: ObjectId, request: Request, context: ContextDep, db: SessionDep, csrf: Csrf,
             action: Annotated[str, Form(max_length=10)],
             episode: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None) -> Response:
    auth = require(request, context, db, csrf=csrf)
    if episode is not None and db.get(Interaction, interaction_id) is None:
        # Its author deleted it while the page was open: say so on the page the creator was on.
        return episode_page(own_episode(db, auth.user, episode).id, request, context, db,
                            error="That comment is no longer there: its author deleted it.",
                            status_code=status.HTTP_404_NOT_FOUND)
    item = interaction_or_404(db, interaction_id, "comment", "answer")
    owned = own_episode(db, auth.user, item.episode_id)
    if action not in ("approve", "reject", "hide", "unhide", "pin", "unpin"):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "unknown moderation action")
    from service.interactive.routes.comments import moderate as moderate_api

    response = _call_api(moderate_api, item.id, ModerationCreate(action=action), auth.user, db,  # type: ignore[arg-type]
                         request)
    if response.status_code >= 400:
        return episode_page(owned.id, request, context, db, error=_detail(response), status_code=response.status_code)
    return redirect(f"/creator/interactive/{owned.id}")


@router.post("/polls/{poll_id}/close")
def close_poll(poll_id: ObjectId, request: Request, context: ContextDep, db: SessionDep, csrf: Csrf) -> Response:
    auth = require(request, context, db, csrf=csrf)
    poll = interaction_or_404(db, poll_id, "poll")
    episode = own_episode(db, auth.user, poll.episode_id)
    from service.interactive.routes.polls import close_poll as close_poll_api

    close_poll_api(poll.id, auth.user, db, _NO_KEY, request)
    return redirect(f"/creator/interactive/{episode.id}")


class _NoKey:
    key = None
    route = "page"
    fingerprint = ""


_NO_KEY: Any = _NoKey()


def _call_api(function: Any, object_id: int, body: Any, user: User, db: Any, request: Request) -> Response:
    """Run an API write with the page's form data (the same rules; no idempotency key)."""
    try:
        response: Response = function(object_id, body, user, db, _NO_KEY, request)
    except HTTPException as error:
        db.rollback()
        return Response(json.dumps({"detail": error.detail}), status_code=error.status_code)
    return response


def _detail(response: Response) -> str:
    try:
        return str(json.loads(bytes(response.body))["detail"])
    except (ValueError, KeyError):
        return "refused"

