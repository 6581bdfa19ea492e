"""The library's longer jobs as the window runs them on a worker thread (no Qt here).

* :func:`refresh_and_maintain`: refresh every feed, then download new episodes when the listener
  asked for that, then apply the cleanup rules (never touching the queue or what is playing).
* :func:`import_opml_file`: subscribe to every feed of an OPML file; one bad outline never
  stops the others and is reported like any failed feed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def refresh_and_maintain(
    subscriptions: Any,
    *,
    on_progress: Callable[[int, int, Any], None] | None = None,
    downloads: Callable[[], Any] | None = None,
    auto_download: bool = False,
    protect: Iterable[int] = (),
) -> list[Any]:
    """Returns the :class:`library.subscriptions.FeedReport` of every feed.

    New episodes (first seen during this refresh) are downloaded for every refreshed podcast when
    ``auto_download`` (the listener's global setting) is on, else only for the podcasts whose own
    ``auto_download`` is on, as ``castwise refresh`` does. ``downloads`` returns the
    :class:`library.downloads.episodes.EpisodeDownloads` service; it is called only when some
    podcast has episodes to fetch (the download stack is built on first use)."""
    started = datetime.now(UTC)
    reports = subscriptions.refresh_all(on_progress=on_progress)
    library = subscriptions.library
    if downloads is not None:
        podcast_ids = _auto_download_podcasts(
            library, [report.podcast_id for report in reports if report.podcast_id is not None], auto_download
        )
        if podcast_ids:
            from library.downloads.rules import auto_download_new, new_episode_ids

            if new_episode_ids(library, since=started, podcast_ids=podcast_ids):
                auto_download_new(library, downloads(), since=started, podcast_ids=podcast_ids)
    try:
        from library.downloads.rules import clean_up_with_settings

        clean_up_with_settings(library, protect=list(protect))
    except Exception:  # cleanup is housekeeping: a failure is logged, the refresh still counts
        log.exception("download cleanup failed")
    return reports


def _auto_download_podcasts(library: Any, podcast_ids: list[int], everything: bool) -> list[int]:
    """Of the refreshed ``podcast_ids``: all of them when ``everything`` (the global setting),
    else those the listener turned auto-download on for."""
    if everything or not podcast_ids:
        return podcast_ids
    from sqlalchemy import select

    from library.db.models import Podcast

    with library.session() as session:
        return list(session.scalars(
            select(Podcast.id).where(Podcast.id.in_(podcast_ids), Podcast.auto_download.is_(True))))


def import_opml_file(subscriptions: Any, path: Path) -> list[Any]:
    """Subscribe to each feed in the OPML file at ``path``; one report per outline."""
    from library.db.models import FeedOutcome
    from library.opml import read_opml
    from library.subscriptions import FeedReport

    reports = []
    for entry in read_opml(Path(path).read_bytes()):
        try:
            reports.append(subscriptions.subscribe(entry.feed_url))
        except Exception as error:  # one bad outline must not stop the import
            reports.append(FeedReport(None, entry.title or entry.feed_url, entry.feed_url, FeedOutcome.FAILED,
                                      message=str(error)))
    return reports


def export_opml_file(library: Any, path: Path) -> tuple[int, int]:
    """Write every subscription to ``path`` as OPML 2.0; private feeds are left out (their
    addresses hold the listener's secrets). Returns (podcasts written, private ones left out)."""
    from sqlalchemy import func, select

    from library.db.models import AuthKind, Podcast
    from library.opml import OpmlEntry, write_opml

    with library.session() as session:
        podcasts = list(session.scalars(select(Podcast).order_by(func.lower(Podcast.title), Podcast.id)))
    entries = [
        OpmlEntry(feed_url=podcast.feed_url, title=podcast.title, html_url=podcast.link,
                  private=podcast.auth_kind is not AuthKind.NONE)
        for podcast in podcasts
    ]
    Path(path).write_bytes(write_opml(entries, title="Castwise subscriptions"))
    left_out = sum(entry.private for entry in entries)
    return len(entries) - left_out, left_out
