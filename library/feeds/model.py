"""The parsed form of a feed: what every parser path produces and ``feed parse --json`` prints.

The JSON shape is published as a JSON Schema in ``docs/schemas/feed-parse.schema.json``. Times are
ISO 8601 UTC strings in JSON and aware ``datetime`` objects here; durations are seconds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass
class Enclosure:
    url: str
    type: str | None = None
    length: int | None = None
    """Bytes, as the feed declares it (often wrong or 0; never trusted for downloads)."""


@dataclass
class AlternateEnclosure:
    """A ``podcast:alternateEnclosure``: another encoding, bitrate or medium of the same episode."""

    type: str | None
    sources: list[str] = field(default_factory=list)
    length: int | None = None
    bitrate: float | None = None
    title: str | None = None
    default: bool = False


@dataclass
class Transcript:
    url: str
    type: str | None = None
    language: str | None = None
    rel: str | None = None


@dataclass
class Person:
    name: str
    role: str | None = None
    group: str | None = None
    href: str | None = None
    img: str | None = None


@dataclass
class Funding:
    url: str
    title: str | None = None


@dataclass
class Chapter:
    """A chapter given inline in the feed (Podlove Simple Chapters, ``psc:chapters``)."""

    start_ms: int
    title: str
    href: str | None = None
    image: str | None = None


@dataclass
class ParsedEpisode:
    guid: str | None
    title: str | None
    published: datetime | None = None
    duration_s: float | None = None
    description: str | None = None
    """Sanitized HTML (nh3): safe to render, with no scripts, styles or event handlers."""
    link: str | None = None
    enclosure: Enclosure | None = None
    season: int | None = None
    episode: int | None = None
    explicit: bool | None = None
    chapters_url: str | None = None
    chapters_type: str | None = None
    chapters: list[Chapter] = field(default_factory=list)
    """Inline chapters (Podlove); ``chapters_url`` points to a separate document instead."""
    transcripts: list[Transcript] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    alternate_enclosures: list[AlternateEnclosure] = field(default_factory=list)
    image: str | None = None
    episode_type: str | None = None
    """iTunes episode type: ``full``, ``trailer`` or ``bonus``."""
    soundbites: list[dict[str, Any]] = field(default_factory=list)
    funding: list[Funding] = field(default_factory=list)
    social_interact: list[dict[str, Any]] = field(default_factory=list)
    """``podcast:socialInteract``: where the episode's public comment thread lives (``uri``,
    ``protocol`` such as ``activitypub``, ``accountId``...)."""
    value: list[dict[str, Any]] = field(default_factory=list)
    """``podcast:value`` blocks of this episode (they override the podcast's)."""
    live_status: str | None = None
    """``podcast:liveItem`` status: ``pending``, ``live`` or ``ended``; ``None`` for an ordinary
    episode. A live item's enclosure is a stream, not a file: Castwise lists it but does not
    play or download it."""
    live_start: datetime | None = None
    """When the live stream starts (aware UTC), as announced; ``None`` if absent or unreadable."""
    live_end: datetime | None = None
    """When the live stream ends (aware UTC), as announced."""


@dataclass
class ParsedPodcast:
    title: str | None
    link: str | None = None
    description: str | None = None
    image: str | None = None
    language: str | None = None
    author: str | None = None
    categories: list[str] = field(default_factory=list)
    funding: list[Funding] = field(default_factory=list)
    locked: bool | None = None
    """``podcast:locked``: the owner asks other platforms not to import the feed."""
    guid: str | None = None
    """``podcast:guid``: the podcast's stable identity across URL moves."""
    explicit: bool | None = None
    medium: str | None = None
    new_feed_url: str | None = None
    """``itunes:new-feed-url``: the publisher moved the feed."""
    persons: list[Person] = field(default_factory=list)
    txt: list[dict[str, str | None]] = field(default_factory=list)
    """``podcast:txt`` records (``purpose`` and ``text``); creators prove feed ownership with one."""
    value: list[dict[str, Any]] = field(default_factory=list)
    social_interact: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ParsedFeed:
    podcast: ParsedPodcast
    episodes: list[ParsedEpisode]

    def to_json(self) -> dict[str, Any]:
        """The ``feed parse --json`` object: ``{"podcast": {...}, "episodes": [...]}``."""
        return {
            "podcast": _jsonable(asdict(self.podcast)),
            "episodes": [_jsonable(asdict(episode)) for episode in self.episodes],
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value
