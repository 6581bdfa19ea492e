"""What the recommender reads from the library: episode texts and facts, and listening events.

Read-only, through the library's models; nothing here writes to the library database.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from library.db.models import Episode, EpisodeTranscript, ListeningEvent, PlaybackState, Podcast

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
# The encoder reads 256 tokens (~1,000 characters of English); more text only costs hashing.
MAX_TEXT_CHARACTERS = 2000


@dataclass(frozen=True)
class EpisodeInfo:
    """One episode as the recommender sees it. Durations in milliseconds."""

    id: int
    podcast_id: int
    podcast_title: str
    title: str
    text: str
    """What gets embedded: podcast title, episode title, plain-text description, then the
    transcript's beginning when there is one."""
    published: datetime | None
    duration_ms: int | None
    played: bool
    position_ms: int


@dataclass(frozen=True)
class EventInfo:
    episode_id: int
    kind: str
    """A :class:`library.db.models.ListeningEventKind` value."""
    position_ms: int | None
    from_ms: int | None
    to_ms: int | None
    at: datetime
    id: int = 0
    """The listening event's row id (0 for events made up outside the library)."""


def plain_text(value: str | None) -> str:
    """Sanitized HTML from a feed as one line of plain text."""
    if not value:
        return ""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", value))).strip()


def episode_text(podcast_title: str, title: str, description: str | None, transcript: str | None = None) -> str:
    """The text embedded for an episode (stable for unchanged data, so its hash is a cache key).

    The transcript follows the description: an episode whose notes say little is still embedded
    by what is said in it (a short description leaves the encoder's tokens to the transcript)."""
    text = f"{podcast_title}: {title}. {plain_text(description)}".strip()
    if transcript and transcript.strip():
        text = f"{text} {_SPACE.sub(' ', transcript[:MAX_TEXT_CHARACTERS]).strip()}"
    return text[:MAX_TEXT_CHARACTERS]


def load_episodes(session: Session) -> list[EpisodeInfo]:
    """Every episode of the library with its podcast title and playback state, by id."""
    query = (
        select(
            Episode.id, Episode.podcast_id, Podcast.title, Episode.title, Episode.description,
            Episode.published, Episode.duration_ms, PlaybackState.played, PlaybackState.position_ms,
            # Only the beginning of a transcript can be embedded: long ones are not read whole.
            func.substr(EpisodeTranscript.text, 1, MAX_TEXT_CHARACTERS),
        )
        .join(Podcast, Podcast.id == Episode.podcast_id)
        .outerjoin(PlaybackState, PlaybackState.episode_id == Episode.id)
        .outerjoin(EpisodeTranscript, EpisodeTranscript.episode_id == Episode.id)
        .order_by(Episode.id)
    )
    return [
        EpisodeInfo(
            id=row[0], podcast_id=row[1], podcast_title=row[2] or "", title=row[3] or "",
            text=episode_text(row[2] or "", row[3] or "", row[4], row[9]), published=row[5], duration_ms=row[6],
            played=bool(row[7]), position_ms=int(row[8] or 0),
        )
        for row in session.execute(query)
    ]


def load_events(session: Session, *, after_id: int | None = None) -> list[EventInfo]:
    """All listening events (or those with a row id above ``after_id``), oldest first."""
    query = select(
        ListeningEvent.episode_id, ListeningEvent.kind, ListeningEvent.position_ms,
        ListeningEvent.from_ms, ListeningEvent.to_ms, ListeningEvent.at, ListeningEvent.id,
    ).order_by(ListeningEvent.at, ListeningEvent.id)
    if after_id is not None:
        query = query.where(ListeningEvent.id > after_id)
    return [
        EventInfo(row[0], str(getattr(row[1], "value", row[1])), row[2], row[3], row[4], row[5], row[6])
        for row in session.execute(query)
    ]
