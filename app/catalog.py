"""What the window shows, read from the library database as plain rows.

The lists read straight SQL (one statement each, no ORM objects): 100k episode rows come back in
a few hundred milliseconds this way, several times faster than through mapped objects. Every
method blocks on the database, so the GUI calls them through :class:`app.tasks.TaskRunner`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.rows import DownloadRow, EpisodeRow, MediaKind, PodcastRow
from library.db import Library
from library.db.models import Episode, ListeningEvent, ListeningEventKind, QueueEntry

_EPISODE_COLUMNS = """
    e.id, e.podcast_id, p.title, e.title, CAST(strftime('%s', e.published) AS INTEGER),
    e.duration_ms, COALESCE(s.position_ms, 0), COALESCE(s.played, 0),
    CASE WHEN d.state = 'completed' THEN 1 ELSE 0 END, e.enclosure_url, e.enclosure_type, e.live_status
"""
_EPISODE_FROM = """
    FROM episodes e
    JOIN podcasts p ON p.id = e.podcast_id
    LEFT JOIN playback_states s ON s.episode_id = e.id
    LEFT JOIN downloads d ON d.episode_id = e.id
"""


@dataclass(frozen=True)
class EpisodeDetails:
    """Everything the details pane shows for one episode."""

    episode_id: int
    podcast_id: int
    podcast_title: str
    title: str
    description_html: str
    """Sanitized by the feed parser (nh3); still rendered with remote loading off."""
    media_url: str | None
    media_type: str | None
    duration_ms: int | None
    position_ms: int
    link: str | None
    chapters: list[tuple[int, str]] = field(default_factory=list)
    """Inline chapters as (start ms, title)."""
    chapters_url: str | None = None
    transcripts: list[dict[str, Any]] = field(default_factory=list)
    persons: list[dict[str, Any]] = field(default_factory=list)
    funding: list[dict[str, Any]] = field(default_factory=list)
    rating: int = 0
    live_status: str | None = None
    """``pending``, ``live`` or ``ended`` for a ``podcast:liveItem`` stream (not playable yet)."""
    live_start: datetime | None = None
    """When the stream starts, as the feed announces it (UTC)."""


def media_kind(url: str | None, mime_type: str | None, live_status: str | None = None) -> MediaKind:
    """How an enclosure plays: audio, video (as audio), a live stream (not yet), or nothing."""
    if live_status is not None:
        return MediaKind.LIVE
    if not url:
        return MediaKind.NONE
    if mime_type and mime_type.startswith("video/"):
        return MediaKind.VIDEO
    return MediaKind.AUDIO


def _episode_row(values: tuple[Any, ...]) -> EpisodeRow:
    (episode_id, podcast_id, podcast_title, title, published_s, duration_ms, position_ms, played, downloaded,
     url, mime_type, live_status) = values
    return EpisodeRow(
        episode_id=episode_id,
        podcast_id=podcast_id,
        podcast_title=podcast_title or "",
        title=title or "",
        published_s=float(published_s) if published_s is not None else None,
        duration_s=duration_ms / 1000 if duration_ms else None,
        position_ms=position_ms or 0,
        played=bool(played),
        downloaded=bool(downloaded),
        media_kind=media_kind(url, mime_type, live_status),
    )


class LibraryCatalog:
    """Read-only views of the library for the window (plus the listener's rating)."""

    def __init__(self, library: Library) -> None:
        self._library = library

    @property
    def library(self) -> Library:
        return self._library

    def session(self) -> Session:
        """A database session for library queries such as :func:`library.search.search`."""
        return self._library.session()

    def podcasts(self) -> list[PodcastRow]:
        sql = """
            SELECT p.id, p.title, p.author, p.feed_url, p.image_url, p.last_error, p.default_speed, p.auto_download,
                   (SELECT COUNT(*) FROM episodes e WHERE e.podcast_id = p.id),
                   (SELECT COUNT(*) FROM episodes e LEFT JOIN playback_states s ON s.episode_id = e.id
                     WHERE e.podcast_id = p.id AND COALESCE(s.played, 0) = 0
                       AND COALESCE(s.position_ms, 0) = 0
                       AND e.published >= datetime('now', '-14 days'))
            FROM podcasts p ORDER BY p.title COLLATE NOCASE
        """
        with self._library.engine.connect() as connection:
            return [
                PodcastRow(
                    podcast_id=row[0], title=row[1] or row[3], author=row[2] or "", feed_url=row[3],
                    image_url=row[4], last_error=row[5], episode_count=row[8], new_count=row[9],
                    default_speed=row[6], auto_download=bool(row[7]),
                )
                for row in connection.exec_driver_sql(sql)
            ]

    def episodes(
        self, podcast_id: int | None = None, *, unplayed_only: bool = False, limit: int | None = None,
        offset: int = 0,
    ) -> list[EpisodeRow]:
        """One podcast's episodes, or every podcast's (``None``); newest first, at most ``limit``,
        skipping the first ``offset`` (the window reads a first screenful, then the rest)."""
        clauses, parameters = [], []
        if podcast_id is not None:
            clauses.append("e.podcast_id = ?")
            parameters.append(podcast_id)
        if unplayed_only:
            clauses.append("COALESCE(s.played, 0) = 0")
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = f"SELECT {_EPISODE_COLUMNS} {_EPISODE_FROM} {where} ORDER BY e.published DESC"
        # e.id breaks ties in the date, so a list read in two parts has no row twice or missing.
        sql += ", e.id DESC"
        if limit is not None or offset:
            sql += f" LIMIT {int(limit) if limit is not None else -1} OFFSET {max(0, int(offset))}"
        with self._library.engine.connect() as connection:
            return [_episode_row(tuple(row)) for row in connection.exec_driver_sql(sql, tuple(parameters))]

    def episodes_by_id(self, episode_ids: list[int]) -> list[EpisodeRow]:
        """The rows for ``episode_ids``, in that order (missing ids are skipped)."""
        if not episode_ids:
            return []
        marks = ", ".join("?" * len(episode_ids))
        sql = f"SELECT {_EPISODE_COLUMNS} {_EPISODE_FROM} WHERE e.id IN ({marks})"
        with self._library.engine.connect() as connection:
            found = {row[0]: _episode_row(tuple(row)) for row in connection.exec_driver_sql(sql, tuple(episode_ids))}
        return [found[episode_id] for episode_id in episode_ids if episode_id in found]

    def queue(self) -> list[EpisodeRow]:
        sql = f"SELECT {_EPISODE_COLUMNS} {_EPISODE_FROM} JOIN queue_entries q ON q.episode_id = e.id ORDER BY q.position"
        with self._library.engine.connect() as connection:
            return [_episode_row(tuple(row)) for row in connection.exec_driver_sql(sql)]

    def downloads(self) -> list[DownloadRow]:
        sql = """
            SELECT d.episode_id, e.title, p.title, d.state, d.bytes_done, d.bytes_total, d.error
            FROM downloads d JOIN episodes e ON e.id = d.episode_id JOIN podcasts p ON p.id = e.podcast_id
            ORDER BY d.created_at DESC
        """
        with self._library.engine.connect() as connection:
            return [
                DownloadRow(row[0], row[1] or "", row[2] or "", str(row[3]), row[4] or 0, row[5], 0.0, row[6])
                for row in connection.exec_driver_sql(sql)
            ]

    def details(self, episode_id: int) -> EpisodeDetails | None:
        with self._library.session() as session:
            episode = session.get(Episode, episode_id)
            if episode is None:
                return None
            chapters = [
                (int(chapter.get("start_ms", 0)), str(chapter.get("title", "")))
                for chapter in episode.chapters or []
                if isinstance(chapter, dict)
            ]
            playback = episode.playback
            return EpisodeDetails(
                episode_id=episode.id,
                podcast_id=episode.podcast_id,
                podcast_title=episode.podcast.title,
                title=episode.title,
                description_html=episode.description or "",
                media_url=episode.enclosure_url,
                media_type=episode.enclosure_type,
                duration_ms=episode.duration_ms,
                position_ms=playback.position_ms if playback else 0,
                link=episode.link,
                chapters=chapters,
                chapters_url=episode.chapters_url,
                transcripts=list(episode.transcripts or []),
                persons=list(episode.persons or []),
                funding=list(episode.funding or []),
                rating=self._rating(session, episode_id),
                live_status=episode.live_status,
                live_start=episode.live_start,
            )

    @staticmethod
    def _rating(session: Any, episode_id: int) -> int:
        kinds = (ListeningEventKind.LIKE, ListeningEventKind.NOT_INTERESTED, ListeningEventKind.CLEAR_RATING)
        latest = session.scalar(
            select(ListeningEvent.kind)
            .where(ListeningEvent.episode_id == episode_id, ListeningEvent.kind.in_(kinds))
            .order_by(ListeningEvent.id.desc())
            .limit(1)
        )
        return {ListeningEventKind.LIKE: 1, ListeningEventKind.NOT_INTERESTED: -1}.get(latest, 0)

    def set_played(self, episode_ids: list[int], played: bool) -> None:
        """Mark episodes played (finished) or unplayed (from the start), as the listener asks."""
        from datetime import UTC, datetime

        from library.db.models import PlaybackState

        with self._library.transaction() as session:
            for episode_id in episode_ids:
                state = session.get(PlaybackState, episode_id)
                if state is None:
                    state = PlaybackState(episode_id=episode_id)
                    session.add(state)
                state.played = played
                state.position_ms = 0
                state.completed_at = datetime.now(UTC) if played else None

    def set_auto_download(self, podcast_id: int, enabled: bool) -> None:
        """Turn the automatic download of a show's new episodes on or off."""
        from library.db.models import Podcast

        with self._library.transaction() as session:
            podcast = session.get(Podcast, podcast_id)
            if podcast is not None:
                podcast.auto_download = enabled

    def queue_ids(self) -> list[int]:
        """Up Next as stored, in order (the player's queue writes it)."""
        with self._library.session() as session:
            return list(session.scalars(select(QueueEntry.episode_id).order_by(QueueEntry.position)))
