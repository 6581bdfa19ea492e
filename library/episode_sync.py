"""Folding a parsed feed into the library: podcast fields and episodes by stable identity.

An episode of the feed is the stored episode with the same guid; failing that, the same enclosure
URL; failing that, the same title on the same day. A match is updated in place (its id, playback
state, downloads and listening history stay); anything else is new. Stored episodes the feed no
longer lists are left alone (feeds drop old items all the time; the listener's history must not
go with them). Two items of one feed that resolve to the same stored episode are merged (the first
wins). New episodes are inserted oldest first, so library ids grow with publication date.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from library.db.models import Episode, Podcast
from library.feeds.model import ParsedEpisode, ParsedPodcast

_OLDEST = datetime.min.replace(tzinfo=UTC)


def _present(value: object) -> bool:
    # A feed that omits a field has not cleared it: only values it states replace ours.
    return value is not None and value != [] and value != ""


def apply_podcast_fields(podcast: Podcast, parsed: ParsedPodcast) -> bool:
    """Copy what the feed states about the show onto ``podcast``; True when anything changed."""
    values: dict[str, Any] = {
        "title": (parsed.title or "").strip(),
        "author": parsed.author,
        "description": parsed.description,
        "image_url": parsed.image,
        "language": parsed.language[:35] if parsed.language else None,
        "categories": list(parsed.categories),
        "link": parsed.link,
        "explicit": parsed.explicit,
        "locked": parsed.locked,
        "medium": parsed.medium[:32] if parsed.medium else None,
        "funding": [asdict(item) for item in parsed.funding],
        "podcast_guid": parsed.guid[:64] if parsed.guid else None,
    }
    changed = False
    for name, value in values.items():
        if _present(value) and getattr(podcast, name) != value:
            setattr(podcast, name, value)
            changed = True
    if not podcast.title:
        podcast.title = podcast.feed_url  # a feed without a title still needs a name in lists
    return changed


def episode_values(parsed: ParsedEpisode) -> dict[str, Any]:
    """The :class:`Episode` column values a parsed item states (durations in milliseconds)."""
    enclosure = parsed.enclosure
    return {
        "guid": parsed.guid,
        "title": (parsed.title or "").strip(),
        "description": parsed.description,
        "published": parsed.published,
        "duration_ms": round(parsed.duration_s * 1000) if parsed.duration_s is not None else None,
        "enclosure_url": enclosure.url if enclosure else None,
        "enclosure_type": enclosure.type[:128] if enclosure and enclosure.type else None,
        "enclosure_length": enclosure.length if enclosure and enclosure.length and enclosure.length < 2**62 else None,
        "alternate_enclosures": [asdict(item) for item in parsed.alternate_enclosures],
        "chapters_url": parsed.chapters_url,
        "chapters_type": parsed.chapters_type[:128] if parsed.chapters_type else None,
        "chapters": [asdict(item) for item in parsed.chapters],
        "transcripts": [asdict(item) for item in parsed.transcripts],
        "persons": [asdict(item) for item in parsed.persons],
        "funding": [asdict(item) for item in parsed.funding],
        "soundbites": list(parsed.soundbites),
        "season": parsed.season,
        "episode_number": parsed.episode,
        "episode_type": parsed.episode_type[:16] if parsed.episode_type else None,
        "explicit": parsed.explicit,
        "link": parsed.link,
        "image_url": parsed.image,
        "live_status": parsed.live_status,
        "live_start": parsed.live_start,
        "live_end": parsed.live_end,
    }


def _title_day(title: str | None, published: datetime | None) -> tuple[str, date | None] | None:
    if not title or not title.strip():
        return None
    return (title.strip().casefold(), published.astimezone(UTC).date() if published else None)


class _Index:
    """The podcast's stored episodes, findable by each identity."""

    def __init__(self, episodes: list[Episode]) -> None:
        self.by_guid: dict[str, Episode] = {}
        self.by_enclosure: dict[str, Episode] = {}
        self.by_title_day: dict[tuple[str, date | None], Episode] = {}
        for episode in episodes:  # oldest id first: on duplicates the first stored one wins
            self.add(episode)

    def add(self, episode: Episode) -> None:
        if episode.guid:
            self.by_guid.setdefault(episode.guid, episode)
        if episode.enclosure_url:
            self.by_enclosure.setdefault(episode.enclosure_url, episode)
        key = _title_day(episode.title, episode.published)
        if key is not None:
            self.by_title_day.setdefault(key, episode)

    def find(self, parsed: ParsedEpisode, feed_guids: set[str]) -> Episode | None:
        if parsed.guid and (found := self.by_guid.get(parsed.guid)) is not None:
            return found
        candidates = []
        if parsed.enclosure and parsed.enclosure.url:
            candidates.append(self.by_enclosure.get(parsed.enclosure.url))
        key = _title_day(parsed.title, parsed.published)
        if key is not None:
            candidates.append(self.by_title_day.get(key))
        for candidate in candidates:
            # A stored episode whose own guid the feed still lists is that other item, not this
            # one (a re-run sharing a file or a title); otherwise the feed changed the guid.
            if candidate is not None and not (candidate.guid and candidate.guid in feed_guids):
                return candidate
        return None


def sync_episodes(
    session: Session, podcast: Podcast, parsed_episodes: list[ParsedEpisode], now: datetime
) -> tuple[int, int]:
    """Insert new and update known episodes of ``podcast``; returns ``(new, updated)`` counts."""
    stored = list(session.scalars(select(Episode).where(Episode.podcast_id == podcast.id).order_by(Episode.id)))
    index = _Index(stored)
    feed_guids = {parsed.guid for parsed in parsed_episodes if parsed.guid}
    claimed: set[int] = set()
    fresh: list[tuple[int, ParsedEpisode]] = []
    updated = 0
    for position, parsed in enumerate(parsed_episodes):
        match = index.find(parsed, feed_guids)
        if match is None:
            fresh.append((position, parsed))
            continue
        if id(match) in claimed:
            continue  # a second item of this feed for an episode already updated: merged
        claimed.add(id(match))
        match.last_seen_at = now
        changed = False
        for name, value in episode_values(parsed).items():
            if _present(value) and getattr(match, name) != value:
                setattr(match, name, value)
                changed = True
        if match.live_status is not None and parsed.live_status is None:
            # The stream's recording was published under the live item's identity: an episode now.
            match.live_status = match.live_start = match.live_end = None
            changed = True
        updated += changed
    # Feeds list newest first; insert oldest first (undated items keep their relative order).
    fresh.sort(key=lambda item: (item[1].published or _OLDEST, -item[0]))
    seen_now: set[str] = set()
    rows: list[dict[str, Any]] = []
    for _position, parsed in fresh:
        values = episode_values(parsed)
        identity = values["guid"] or values["enclosure_url"]
        if identity and identity in seen_now:
            continue  # duplicates the parser let through (no guid, same file): merged
        if identity:
            seen_now.add(identity)
        rows.append({**values, "podcast_id": podcast.id, "first_seen_at": now, "last_seen_at": now})
    session.flush()
    if rows:
        # One executemany without RETURNING: several times faster than ORM objects for the
        # thousands of episodes of a first subscription.
        session.execute(insert(Episode), rows)
    return len(rows), updated
