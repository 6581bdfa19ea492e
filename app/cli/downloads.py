"""``castwise download EPISODE... | --new | --clean-up``: download episodes into the library's folder.

EPISODE is what ``castwise episodes`` prints (id, guid or enclosure URL; see
:mod:`library.db.lookup`). ``--new`` fetches the newest unplayed episodes of the podcasts with
auto-download on (or of the podcasts named with ``--podcast``), the same rule the feed refresh
uses, and resumes downloads an earlier run left unfinished. ``--clean-up`` first deletes
downloads by the cleanup rules (the settings, or ``--played-days``/``--keep``); it never deletes
an episode in the queue or one started and not finished.

A progress line on stderr is redrawn in place on a terminal (a line per finished download
otherwise); stdout gets one line per episode: ``downloaded``, ``already``, or ``failed``. Ctrl-C
pauses: the partial files stay and the next run continues them. Exit status: 0 when everything
is on disk, 1 when something failed, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    download = subparsers.add_parser(
        "download",
        help="download episodes for offline listening",
        description="Download episodes (by id, guid or URL), or the new ones with --new.",
    )
    download.add_argument("episodes", nargs="*", metavar="EPISODE", help="episode id, guid or enclosure URL")
    download.add_argument(
        "--new", action="store_true",
        help="download new episodes of podcasts with auto-download on (or of --podcast) and resume unfinished ones",
    )
    download.add_argument(
        "--podcast", action="append", default=[], metavar="PODCAST",
        help="with --new: this podcast (repeatable); with EPISODE: look the episodes up in this podcast",
    )
    download.add_argument("--per-podcast", type=int, default=3, metavar="N",
                          help="with --new: how many of each podcast's newest episodes to consider (default 3)")
    download.add_argument("--parallel", type=int, metavar="N",
                          help="downloads at the same time (default: the downloads.concurrency setting)")
    download.add_argument(
        "--clean-up", action="store_true",
        help="first delete downloads by the cleanup rules (never queued or half-played episodes)",
    )
    download.add_argument("--played-days", type=float, metavar="DAYS",
                          help="with --clean-up: delete played episodes after DAYS (default: the setting)")
    download.add_argument("--keep", type=int, metavar="N",
                          help="with --clean-up: keep at most N downloads per podcast (default: the setting)")
    download.set_defaults(handler=_download)


def _download(args: argparse.Namespace) -> int:
    if args.episodes and args.new:
        print("castwise download: give EPISODE ids or --new, not both", file=sys.stderr)
        return 2
    if not (args.episodes or args.new or args.clean_up):
        print("castwise download: give EPISODE ids, --new or --clean-up", file=sys.stderr)
        return 2
    if (args.parallel is not None and args.parallel < 1) or args.per_podcast < 1 or (
        args.keep is not None and args.keep < 1
    ) or (args.played_days is not None and args.played_days < 0):
        print("castwise download: --parallel, --per-podcast and --keep must be at least 1, --played-days "
              "at least 0", file=sys.stderr)
        return 2
    from app.cli.library import run_with_library

    return run_with_library(lambda library: _run(library, args))


def _run(library: Any, args: argparse.Namespace) -> int:
    from library.db.lookup import resolve_episode, resolve_podcast
    from library.db.models import Episode
    from library.downloads.episodes import local_path_for
    from library.downloads.rules import auto_download_new
    from library.settings import DOWNLOAD_CONCURRENCY, Settings

    if args.clean_up:
        _clean_up(library, args)
        if not (args.episodes or args.new):
            return 0
    parallel = args.parallel or Settings(library).get(DOWNLOAD_CONCURRENCY)
    with library.session() as session:
        podcast_ids = [resolve_podcast(session, reference).id for reference in args.podcast]
        episode_ids: list[int] = []
        for reference in args.episodes:
            if podcast_ids:
                episode_ids.append(resolve_episode(session, reference, podcast_id=podcast_ids[0]).id)
            else:
                episode_ids.append(resolve_episode(session, reference).id)

    manager, downloads, progress = _downloader(library, parallel)
    failed = 0
    try:
        handles = []
        if args.new:
            handles = downloads.resume_unfinished(include_paused=True)
            handles += auto_download_new(library, downloads, podcast_ids=podcast_ids or None,
                                         per_podcast=args.per_podcast)
            if not handles:
                print("nothing new to download")
        for episode_id in episode_ids:
            handle = downloads.download(episode_id)
            if handle is None:
                with library.session() as session:
                    episode = session.get(Episode, episode_id)
                    print(f"already     {episode_id}  {episode.title}  {local_path_for(episode, session)}")
            else:
                handles.append(handle)
        failed = sum(not result["ok"] for result in _wait_and_report(library, downloads, handles, progress))
    except KeyboardInterrupt:
        interrupted = True
    else:
        interrupted = False
    finally:
        manager.close()  # pauses whatever still runs: the partial files stay for the next run
        downloads.close()
        progress.clear()
    if interrupted:
        print("castwise download: paused; run the same command again to continue", file=sys.stderr)
        return 130
    return 1 if failed else 0


def download_after_refresh(library: Any, podcast_ids: list[int], since: datetime, *,
                           quiet: bool = False) -> list[dict[str, Any]]:
    """Auto-download after ``castwise refresh``: the new episodes (first seen at or after ``since``)
    of the refreshed ``podcast_ids`` that have auto-download on, or of all of them when the
    ``downloads.auto_download_new`` setting asks for every podcast (as the window does).

    Waits for the downloads and returns one result per download (``episode_id``, ``title``,
    ``ok``, and ``path`` or ``error``); unless ``quiet``, prints the same lines as
    ``castwise download`` with the progress line on stderr. Ctrl-C pauses them (the partial
    files stay for ``castwise download --new``) and is raised again.
    """
    from sqlalchemy import select

    from app.preferences import AUTO_DOWNLOAD
    from library.db.models import Podcast
    from library.downloads.rules import auto_download_new
    from library.settings import DOWNLOAD_CONCURRENCY, Settings

    settings = Settings(library)
    if not settings.get(AUTO_DOWNLOAD):
        with library.session() as session:
            podcast_ids = list(session.scalars(
                select(Podcast.id).where(Podcast.id.in_(podcast_ids), Podcast.auto_download.is_(True))))
    if not podcast_ids:
        return []
    manager, downloads, progress = _downloader(library, settings.get(DOWNLOAD_CONCURRENCY), quiet=quiet)
    try:
        handles = auto_download_new(library, downloads, since=since, podcast_ids=podcast_ids)
        return _wait_and_report(library, downloads, handles, progress, quiet=quiet)
    finally:
        manager.close()
        downloads.close()
        progress.clear()


def _downloader(library: Any, parallel: int, *, quiet: bool = False) -> tuple[Any, Any, _ProgressLine]:
    """A download manager, the library's episode downloads over it, and the progress line."""
    from app.cli.library import episode_documents, subscriptions_service
    from library.downloads import DownloadManager
    from library.downloads.episodes import EpisodeDownloads
    from library.settings import DOWNLOAD_FOLDER, Settings

    folder = Settings(library).get(DOWNLOAD_FOLDER)
    manager = DownloadManager(max_concurrent=parallel)
    # A basic-auth private feed's audio needs the feed's credentials (from the keyring).
    # Chapters and transcripts are fetched with each download, so they work offline.
    downloads = EpisodeDownloads(library, manager, folder=Path(folder) if folder else None,
                                 headers_for=subscriptions_service(library).enclosure_headers,
                                 documents=episode_documents(library))
    progress = _ProgressLine(quiet=quiet)
    manager.progressed.connect(progress.on_progress)
    manager.state_changed.connect(progress.on_state_changed)
    return manager, downloads, progress


def _wait_and_report(library: Any, downloads: Any, handles: list[Any], progress: _ProgressLine, *,
                     quiet: bool = False) -> list[dict[str, Any]]:
    """Wait for each download; print ``downloaded``/``failed`` lines (unless ``quiet``)."""
    from library.downloads import DownloadState

    titles = _titles(library, downloads, handles)
    results: list[dict[str, Any]] = []
    for handle in handles:
        handle.wait()
        progress.clear()
        title = titles.get(handle.id, handle.target.name)
        episode_id = downloads.episode_id_for(handle)
        if handle.state is DownloadState.COMPLETED:
            results.append({"episode_id": episode_id, "title": title, "ok": True, "path": str(handle.target)})
            line = f"downloaded  {title}  {handle.target}"
        else:
            message = handle.error.message if handle.error else str(handle.state)
            results.append({"episode_id": episode_id, "title": title, "ok": False, "error": message})
            line = f"failed      {title}: {message}"
        if not quiet:
            print(line, flush=True)
    downloads.wait_for_documents(timeout_s=60.0)
    return results


def _clean_up(library: Any, args: argparse.Namespace) -> None:
    from library.db.models import Episode
    from library.downloads.rules import clean_up_with_settings

    report = clean_up_with_settings(library, played_older_than_days=args.played_days, keep_per_podcast=args.keep)
    with library.session() as session:
        for episode_id in report.deleted_episode_ids:
            episode = session.get(Episode, episode_id)
            print(f"deleted     {episode_id}  {episode.title if episode else ''}")
        for episode_id in report.kept_protected_ids:
            episode = session.get(Episode, episode_id)
            print(f"kept        {episode_id}  {episode.title if episode else ''} (queued or in progress)")
    print(f"cleanup: {len(report.deleted_episode_ids)} downloads deleted, {_size(report.freed_bytes)} freed",
          flush=True)


def _titles(library: Any, downloads: Any, handles: list[Any]) -> dict[int, str]:
    """Episode titles by handle id, for the result lines."""
    from library.db.models import Episode

    titles: dict[int, str] = {}
    with library.session() as session:
        for handle in handles:
            episode_id = downloads.episode_id_for(handle)
            episode = session.get(Episode, episode_id) if episode_id is not None else None
            if episode is not None:
                titles[handle.id] = f"{episode.id}  {episode.title}"
    return titles


class _ProgressLine:
    """All downloads' progress summed into one line on stderr: redrawn in place at most 5 times
    a second on a terminal; otherwise (a log, a pipe) printed as a new line every few seconds and
    whenever a download finishes."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet
        self.interactive = sys.stderr.isatty()
        self.interval_s = 0.2 if self.interactive else 5.0
        self._lock = threading.Lock()
        self._latest: dict[int, Any] = {}
        self._drawn = 0.0
        self._visible = False

    def on_progress(self, progress: Any) -> None:
        with self._lock:
            self._latest[progress.download_id] = progress
            now = time.monotonic()
            if now - self._drawn < self.interval_s:
                return
            self._drawn = now
            self._draw()

    def on_state_changed(self, progress: Any) -> None:
        with self._lock:
            self._latest[progress.download_id] = progress
            if str(progress.state) in ("completed", "failed", "cancelled"):
                self._draw()

    def clear(self) -> None:
        with self._lock:
            if self._visible:
                sys.stderr.write("\r\x1b[2K")
                sys.stderr.flush()
                self._visible = False

    def _draw(self) -> None:
        if self.quiet:
            return
        items = list(self._latest.values())
        running = [item for item in items if str(item.state) == "running"]
        finished = sum(1 for item in items if str(item.state) in ("completed", "failed", "cancelled"))
        done = sum(item.bytes_done for item in items)
        totals = [item.total_bytes for item in items]
        total = sum(totals) if all(size is not None for size in totals) else None  # type: ignore[misc]
        rate = sum(item.rate_bytes_per_s for item in running)
        line = f"downloading {len(running)} · {finished}/{len(items)} done · {_size(done)}"
        if total:
            line += f" of {_size(total)} ({done * 100 // total}%)"
        line += f" · {_size(int(rate))}/s"
        if total and rate > 0:
            line += f" · {_clock((total - done) / rate)} left"
        if self.interactive:
            sys.stderr.write("\r\x1b[2K" + line)
            self._visible = True
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _size(size: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def _clock(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, seconds_left = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds_left:02}" if hours else f"{minutes}:{seconds_left:02}"
