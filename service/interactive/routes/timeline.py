"""Read-only views of an episode's interactions: the timeline lane under the seek bar, the
creator's engagement figures, and the open interactions document (``/interactions/{id}.json``)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from protocol.interactions_document import (
    MEDIA_TYPE,
    DocumentEpisode,
    DocumentOption,
    DocumentPoll,
    DocumentQuestion,
    InteractionsDocument,
)
from protocol.interactive import (
    EngagementPoint,
    EngagementPublic,
    TimelineBucket,
    TimelineMark,
    TimelinePublic,
)
from service.deps import ContextDep, CurrentUser, ObjectId, SessionDep
from service.interactive.access import episode_or_404, own_episode
from service.interactive.models import Interaction, InteractionReport, PollBallot, PollOption
from service.models import Show

router = APIRouter(tags=["interactive"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such episode"}}
MAX_BUCKETS = 2000


@router.get("/api/v1/interactive-episodes/{interactive_episode_id}/timeline", response_model=TimelinePublic,
            responses=NOT_FOUND)
def timeline(interactive_episode_id: ObjectId, db: SessionDep,
             bucket_ms: Annotated[int, Query(ge=1000, le=3_600_000, description="bucket width, ms")] = 30_000,
             ) -> TimelinePublic:
    """Poll and question marks, and visible comments counted per ``bucket_ms`` slice of the episode
    (every slice up to the duration, empty ones included; without a duration up to the last comment)."""
    episode = episode_or_404(db, interactive_episode_id)
    marks = [TimelineMark(id=item.id, kind=item.kind, at_ms=item.anchor_ms, label=item.text)  # type: ignore[arg-type]
             for item in db.scalars(select(Interaction).where(
                 Interaction.episode_id == episode.id, Interaction.kind.in_(("poll", "question")),
                 Interaction.anchor_ms.is_not(None)).order_by(Interaction.anchor_ms, Interaction.id))
             if item.anchor_ms is not None]
    bucket = Interaction.anchor_ms // bucket_ms
    counts = {int(index or 0): int(count) for index, count in db.execute(
        select(bucket, func.count()).where(Interaction.episode_id == episode.id, Interaction.kind == "comment",
                                           Interaction.visibility == "visible").group_by(bucket))}
    end = episode.duration_ms if episode.duration_ms is not None else (max(counts) + 1) * bucket_ms if counts else 0
    slices = min(-(-end // bucket_ms), MAX_BUCKETS)
    return TimelinePublic(episode_id=episode.id, duration_ms=episode.duration_ms, bucket_ms=bucket_ms, marks=marks,
                          buckets=[TimelineBucket(start_ms=index * bucket_ms, comments=counts.get(index, 0))
                                   for index in range(slices)])


@router.get("/api/v1/interactive-episodes/{interactive_episode_id}/engagement", response_model=EngagementPublic,
            responses=NOT_FOUND)
def engagement(interactive_episode_id: ObjectId, user: CurrentUser, db: SessionDep) -> EngagementPublic:
    """The creator's figures: votes, answers and comments in total and per hour (UTC)."""
    episode = own_episode(db, user, interactive_episode_id)
    polls = select(Interaction.id).where(Interaction.episode_id == episode.id, Interaction.kind == "poll")
    votes = _votes_per_hour(db, polls)
    items = db.execute(select(Interaction.kind, Interaction.visibility, Interaction.created_at)
                       .where(Interaction.episode_id == episode.id,
                              Interaction.kind.in_(("answer", "comment")))).all()
    reports = db.scalar(select(func.count()).select_from(InteractionReport).join(
        Interaction, Interaction.id == InteractionReport.interaction_id).where(
        Interaction.episode_id == episode.id)) or 0
    per_hour: dict[datetime, Counter[str]] = {}
    for hour, count in votes:
        per_hour.setdefault(hour, Counter())["votes"] += count
    for kind, _visibility, at in items:
        per_hour.setdefault(_hour(at), Counter())[kind + "s"] += 1
    return EngagementPublic(
        episode_id=episode.id, votes=sum(count for _hour, count in votes), answers=sum(1 for kind, _, _ in items if kind == "answer"),
        comments=sum(1 for kind, _, _ in items if kind == "comment"),
        pending=sum(1 for kind, visibility, _ in items if kind == "comment" and visibility == "pending"),
        reports=reports,
        per_hour=[EngagementPoint(hour=hour, votes=count["votes"], answers=count["answers"],
                                  comments=count["comments"]) for hour, count in sorted(per_hour.items())])


def _votes_per_hour(db: Session, polls: Select[Any]) -> list[tuple[datetime, int]]:
    """Ballots on ``polls`` per hour (UTC), counted by the database: a poll may have millions."""
    if db.get_bind().dialect.name == "postgresql":
        hour: Any = func.date_trunc("hour", func.timezone("UTC", PollBallot.created_at))
    else:  # SQLite keeps UTC times as text
        hour = func.strftime("%Y-%m-%d %H:00:00", PollBallot.created_at)
    rows = db.execute(select(hour, func.count()).where(PollBallot.poll_id.in_(polls)).group_by(hour)).all()
    return [((datetime.fromisoformat(at) if isinstance(at, str) else at).replace(tzinfo=UTC), count)
            for at, count in rows]


def _hour(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


@router.get("/interactions/{interactive_episode_id}.json", response_model=InteractionsDocument,
            responses={**NOT_FOUND, 200: {"content": {MEDIA_TYPE: {}}}})
def interactions_document(interactive_episode_id: ObjectId, db: SessionDep, context: ContextDep) -> JSONResponse:
    """The episode's open interactions document (public; link it from the feed item)."""
    episode = episode_or_404(db, interactive_episode_id)
    base = context.settings.public_url.rstrip("/")
    feed_url = db.scalar(select(Show.feed_url).where(Show.id == episode.show_id))
    entries: list[DocumentPoll | DocumentQuestion] = []
    items = db.scalars(select(Interaction).where(Interaction.episode_id == episode.id,
                                                 Interaction.kind.in_(("poll", "question"))).order_by(Interaction.id))
    for item in items:
        if item.kind == "poll":
            options = db.scalars(select(PollOption).where(PollOption.poll_id == item.id).order_by(PollOption.position))
            entries.append(DocumentPoll(
                id=str(item.id), prompt=item.text, kind="multiple" if item.multiple else "single",
                anchor_ms=item.anchor_ms, opens_at=item.opens_at, closes_at=item.closes_at,
                options=[DocumentOption(id=str(option.id), label=option.label) for option in options],
                vote_url=f"{base}/api/v1/polls/{item.id}/votes", results_url=f"{base}/api/v1/polls/{item.id}"))
        else:
            entries.append(DocumentQuestion(id=str(item.id), prompt=item.text, anchor_ms=item.anchor_ms,
                                            opens_at=item.opens_at, closes_at=item.closes_at,
                                            answer_url=f"{base}/api/v1/questions/{item.id}/answers"))
    entries.sort(key=lambda entry: (entry.anchor_ms is None, entry.anchor_ms or 0, int(entry.id)))
    prefix = f"{base}/api/v1/interactive-episodes/{episode.id}"
    document = InteractionsDocument(
        episode=DocumentEpisode(guid=episode.guid, title=episode.title, duration_ms=episode.duration_ms,
                                feed_url=feed_url),
        interactions=entries, comments_url=f"{prefix}/comments", timeline_url=f"{prefix}/timeline",
        live_url=f"{prefix}/live")
    return JSONResponse(document.model_dump(mode="json"), media_type=MEDIA_TYPE,
                        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=60"})
