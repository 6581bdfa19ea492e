"""Download rules: auto-download of new episodes and cleanup of old downloads.

Both are plain functions over the library so the feed refresh, the GUI and ``castwise download
--new`` share them. Cleanup never deletes an episode that is in the queue, in progress (started
and not finished), or named in ``protect`` (the one playing now), whatever the rules say.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from library.db.engine import Library
from library.db.models import Download, Episode, PlaybackState, Podcast, QueueEntry
from library.db.models import DownloadState as RowState
from library.downloads.episodes import EpisodeDownloads, remove_download_files, tombstone
from library.downloads.errors import DownloadError
from library.downloads.manager import DownloadHandle
from library.settings import DELETE_PLAYED_AFTER_DAYS, KEEP_PER_PODCAST, Settings

log = logging.getLogger(__name__)

DEFAULT_NEW_PER_PODCAST = 3
"""How many of a podcast's newest episodes auto-download considers."""


def new_episode_ids(library: Library, *, podcast_ids: Iterable[int] | None = None,
                    since: datetime | None = None, per_podcast: int = DEFAULT_NEW_PER_PODCAST) -> list[int]:
    """The episodes auto-download would fetch, newest first within each podcast.

    For each podcast (those with ``auto_download`` on, or exactly ``podcast_ids`` when given:
    the listener asked for them), look at its ``per_podcast`` newest episodes (by publication
    date, then first sighting) and keep those with an audio file, never downloaded before (a
    deleted or cancelled download counts: the listener removed it), not played, and, when
    ``since`` is given, first seen at or after it (e.g. the start of the refresh that found them).
    """
    with library.session() as session:
        podcasts = select(Podcast.id)
        podcasts = podcasts.where(Podcast.id.in_(list(podcast_ids))) if podcast_ids is not None \
            else podcasts.where(Podcast.auto_download.is_(True))
        chosen: list[int] = []
        for podcast_id in session.scalars(podcasts.order_by(Podcast.id)):
            newest = (
                select(Episode.id)
                # Live items (podcast:liveItem) are streams, not files: never auto-downloaded.
                .where(Episode.podcast_id == podcast_id, Episode.live_status.is_(None))
                .order_by(Episode.published.desc().nulls_last(), Episode.first_seen_at.desc(), Episode.id.desc())
                .limit(per_podcast)
                .subquery()
            )
            query = (
                select(Episode.id)
                .join(newest, newest.c.id == Episode.id)
                .outerjoin(Download, Download.episode_id == Episode.id)
                .outerjoin(PlaybackState, PlaybackState.episode_id == Episode.id)
                .where(
                    Download.id.is_(None),
                    Episode.enclosure_url.is_not(None),
                    Episode.enclosure_url != "",
                    or_(PlaybackState.played.is_(None), PlaybackState.played.is_(False)),
                )
                .order_by(Episode.published.desc().nulls_last(), Episode.first_seen_at.desc(), Episode.id.desc())
            )
            if since is not None:
                query = query.where(Episode.first_seen_at >= since)
            chosen.extend(session.scalars(query))
    return chosen


def auto_download_new(library: Library, downloads: EpisodeDownloads, *,
                      podcast_ids: Iterable[int] | None = None, since: datetime | None = None,
                      per_podcast: int = DEFAULT_NEW_PER_PODCAST) -> list[DownloadHandle]:
    """Queue the downloads :func:`new_episode_ids` selects (call it after a feed refresh);
    returns their handles. An episode that cannot be queued is logged and skipped."""
    handles: list[DownloadHandle] = []
    for episode_id in new_episode_ids(library, podcast_ids=podcast_ids, since=since, per_podcast=per_podcast):
        try:
            handle = downloads.download(episode_id)
        except DownloadError as error:
            log.warning("auto-download of episode %s skipped: %s", episode_id, error)
            continue
        if handle is not None:
            handles.append(handle)
    return handles


@dataclass
class CleanupReport:
    """What :func:`clean_up_downloads` removed."""

    deleted_episode_ids: list[int] = field(default_factory=list)
    freed_bytes: int = 0
    kept_protected_ids: list[int] = field(default_factory=list)
    """Episodes a rule selected but that were kept: queued, in progress or protected."""


def protected_episode_ids(library: Library, protect: Iterable[int] = ()) -> set[int]:
    """Episodes cleanup must never touch: in the queue, in progress (a saved position and not
    played), or listed in ``protect`` (e.g. the one playing now)."""
    with library.session() as session:
        queued = set(session.scalars(select(QueueEntry.episode_id)))
        in_progress = set(session.scalars(
            select(PlaybackState.episode_id).where(PlaybackState.position_ms > 0, PlaybackState.played.is_(False))
        ))
    return queued | in_progress | set(protect)


def clean_up_downloads(library: Library, *, played_older_than_days: float | None = None,
                       keep_per_podcast: int | None = None, protect: Iterable[int] = (),
                       now: datetime | None = None) -> CleanupReport:
    """Delete completed downloads by the listener's rules; ``None`` turns a rule off.

    - ``played_older_than_days``: episodes marked played more than that many days ago (by
      ``completed_at``, else the time the playback state last changed).
    - ``keep_per_podcast``: only the newest N downloaded episodes of each podcast stay
      (protected episodes count towards the N and are never deleted).

    Deleted downloads keep their row as a tombstone, so auto-download does not fetch them again.
    """
    now = now or datetime.now(UTC)
    protected = protected_episode_ids(library, protect)
    selected: set[int] = set()
    with library.session() as session:
        completed = (
            select(Download.episode_id, Episode.podcast_id)
            .join(Episode, Episode.id == Download.episode_id)
            .where(Download.state == RowState.COMPLETED)
        )
        if played_older_than_days is not None:
            cutoff = now - timedelta(days=played_older_than_days)
            played = completed.join(PlaybackState, PlaybackState.episode_id == Download.episode_id).where(
                PlaybackState.played.is_(True),
                or_(
                    PlaybackState.completed_at <= cutoff,
                    and_(PlaybackState.completed_at.is_(None), PlaybackState.updated_at <= cutoff),
                ),
            )
            selected.update(episode_id for episode_id, _podcast_id in session.execute(played))
        if keep_per_podcast is not None:
            newest_first = completed.order_by(
                Episode.podcast_id, Episode.published.desc().nulls_last(), Episode.first_seen_at.desc(),
                Episode.id.desc(),
            )
            seen: dict[int, int] = {}
            for episode_id, podcast_id in session.execute(newest_first):
                seen[podcast_id] = seen.get(podcast_id, 0) + 1
                if seen[podcast_id] > keep_per_podcast:
                    selected.add(episode_id)

    report = CleanupReport()
    report.kept_protected_ids = sorted(selected & protected)
    for episode_id in sorted(selected - protected):
        with library.transaction() as session:
            download = session.scalars(select(Download).where(Download.episode_id == episode_id)).first()
            if download is None or download.state is not RowState.COMPLETED:
                continue
            if _became_protected(session, episode_id):  # queued or started since we looked
                report.kept_protected_ids.append(episode_id)
                continue
            try:
                freed = remove_download_files(download)
            except OSError as error:
                log.warning("could not delete the download of episode %s: %s", episode_id, error)
                continue
            tombstone(download)
        report.deleted_episode_ids.append(episode_id)
        report.freed_bytes += freed
    return report


def clean_up_with_settings(library: Library, *, protect: Iterable[int] = (), now: datetime | None = None,
                           played_older_than_days: float | None = None,
                           keep_per_podcast: int | None = None) -> CleanupReport:
    """:func:`clean_up_downloads` with the listener's rules from the settings
    (``downloads.delete_played_after_days``, ``downloads.keep_per_podcast``); a value given here
    replaces the setting for this run."""
    settings = Settings(library)
    if played_older_than_days is None:
        played_older_than_days = settings.get(DELETE_PLAYED_AFTER_DAYS)
    if keep_per_podcast is None:
        keep_per_podcast = settings.get(KEEP_PER_PODCAST)
    return clean_up_downloads(library, played_older_than_days=played_older_than_days,
                              keep_per_podcast=keep_per_podcast, protect=protect, now=now)


def _became_protected(session: Session, episode_id: int) -> bool:
    queued = session.scalars(select(QueueEntry.id).where(QueueEntry.episode_id == episode_id)).first()
    started = session.scalars(
        select(PlaybackState.episode_id).where(
            PlaybackState.episode_id == episode_id, PlaybackState.position_ms > 0, PlaybackState.played.is_(False)
        )
    ).first()
    return queued is not None or started is not None
