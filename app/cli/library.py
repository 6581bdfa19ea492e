"""Library commands: ``subscribe``, ``unsubscribe``, ``refresh``, ``list``, ``episodes``, ``search``,
``transcript``.

PODCAST arguments take the id ``castwise list`` prints, a feed URL or a ``podcast:guid``
(see :mod:`library.db.lookup`). Errors print one line on stderr and exit with status 1; nothing
here shows a traceback. ``refresh`` draws its progress bar on stderr and prints one outcome line
per feed on stdout; its exit status is 0 even when some feeds failed (their lines say so; use
``--json`` to script on outcomes). Only argparse is imported at module level.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from library.db.engine import Library
    from library.subscriptions import FeedReport

PROGRESS_WIDTH = 28


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    subscribe = subparsers.add_parser("subscribe", help="subscribe to a podcast feed")
    subscribe.add_argument("url", metavar="URL", help="the feed's address (private feed URLs with tokens work)")
    subscribe.add_argument("--username", help="user name for a password-protected feed")
    subscribe.add_argument(
        "--password-stdin", action="store_true", help="read the feed's password from standard input"
    )
    subscribe.add_argument("--json", action="store_true", help="print the outcome as JSON")
    subscribe.set_defaults(handler=_subscribe)

    unsubscribe = subparsers.add_parser("unsubscribe", help="remove a podcast and its episodes from the library")
    unsubscribe.add_argument("podcast", metavar="PODCAST", help="library id, feed URL or podcast:guid")
    unsubscribe.set_defaults(handler=_unsubscribe)

    transcript = subparsers.add_parser(
        "transcript", help="print an episode's transcript (fetched once, then searchable)",
        description="Print the episode's podcast:transcript as text; `castwise search` then finds the "
                    "episode by the words said in it.")
    transcript.add_argument("episode", metavar="EPISODE", help="episode id, guid or enclosure URL")
    transcript.add_argument("--refresh", action="store_true", help="fetch the document again")
    transcript.set_defaults(handler=_transcript)

    refresh = subparsers.add_parser("refresh", help="check feeds for new episodes")
    refresh.add_argument("podcasts", metavar="PODCAST", nargs="*", help="podcasts to refresh (default: all)")
    refresh.add_argument("--all", action="store_true", help="refresh every podcast (the default)")
    refresh.add_argument("--json", action="store_true", help="print one JSON object with every outcome")
    refresh.add_argument("--no-download", action="store_true",
                         help="do not download new episodes of podcasts with auto-download on")
    refresh.set_defaults(handler=_refresh)

    listing = subparsers.add_parser("list", help="list subscribed podcasts with their ids")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)

    episodes = subparsers.add_parser("episodes", help="list a podcast's episodes, newest first")
    episodes.add_argument("podcast", metavar="PODCAST", help="library id, feed URL or podcast:guid")
    episodes.add_argument("--limit", type=int, default=50, metavar="N", help="how many (default 50; 0 for all)")
    episodes.add_argument("--json", action="store_true")
    episodes.set_defaults(handler=_episodes)

    search = subparsers.add_parser("search", help="search podcasts and episodes in the library")
    search.add_argument("query", metavar="QUERY", nargs="+", help="words to look for")
    search.add_argument("--limit", type=int, default=20, metavar="N")
    search.add_argument("--json", action="store_true", help="print a JSON list of results")
    search.add_argument(
        "--semantic",
        action="store_true",
        help="also match by meaning with the on-device model (finds episodes that never use your words)",
    )
    search.set_defaults(handler=_search)


# -- shared ------------------------------------------------------------------------------------


def _error(message: str) -> int:
    print(f"castwise: {message}", file=sys.stderr)
    return 1


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def run_with_library(body: Callable[[Library], int]) -> int:
    """Open the library, run ``body``, and turn any error into one line on stderr."""
    from library.db import open_library
    from library.errors import CastwiseError
    from library.redact import redact_text

    try:
        with open_library() as library:
            return body(library)
    except CastwiseError as error:
        return _error(redact_text(error.message))
    except Exception as error:  # a bug of ours must still not show a listener a traceback
        return _error(redact_text(f"unexpected error ({type(error).__name__}: {error})"))


def _confirm_plaintext(message: str) -> bool:
    if not sys.stdin.isatty():
        return False
    answer = input(f"{message} [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def secret_store() -> Any:
    from library.paths import resolve_paths
    from library.secrets import SecretStore

    return SecretStore(resolve_paths().config, confirm_plaintext=_confirm_plaintext)


def subscriptions_service(library: Library) -> Any:
    """The subscriptions service as the listener configured it (keyring, refresh concurrency)."""
    from library.settings import REFRESH_CONCURRENCY, Settings
    from library.subscriptions import Subscriptions

    concurrency = Settings(library).get(REFRESH_CONCURRENCY)
    return Subscriptions(library, secrets=secret_store(), concurrency=concurrency)


def episode_documents(library: Library) -> Any:
    """Chapters and transcripts of the library's episodes, with private feeds' credentials."""
    from library.episode_documents import EpisodeDocuments

    return EpisodeDocuments(library, auth_for=subscriptions_service(library).enclosure_auth)


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "----------"


def _duration(milliseconds: int | None) -> str:
    if not milliseconds:
        return "--:--"
    seconds = milliseconds // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


# -- subscribe / unsubscribe ---------------------------------------------------------------------


def _subscribe(args: argparse.Namespace) -> int:
    password: str | None = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif args.username is not None:
        if not sys.stdin.isatty():
            return _error("--username needs --password-stdin when not run in a terminal")
        import getpass

        password = getpass.getpass(f"Password for {args.username}: ")

    def body(library: Library) -> int:
        from library.subscriptions import AlreadySubscribedError

        service = subscriptions_service(library)
        try:
            report = service.subscribe(args.url, username=args.username, password=password)
        except AlreadySubscribedError as error:
            if args.json:
                _print_json({"podcast_id": error.podcast_id, "outcome": "already-subscribed"})
                return 0
            print(error.message)
            return 0
        if args.json:
            _print_json(report.to_json())
        else:
            print(f"Subscribed to {report.title} (id {report.podcast_id}): {report.new_episodes} episodes")
        return 0

    return run_with_library(body)


def _unsubscribe(args: argparse.Namespace) -> int:
    def body(library: Library) -> int:
        from library.db.lookup import resolve_podcast

        with library.session() as session:
            podcast_id = resolve_podcast(session, args.podcast).id
        title = subscriptions_service(library).unsubscribe(podcast_id)
        print(f"Unsubscribed from {title} (id {podcast_id})")
        return 0

    return run_with_library(body)


# -- refresh ---------------------------------------------------------------------------------------


class ProgressBar:
    """A one-line bar on stderr (redrawn in place on a terminal, a line per feed otherwise)."""

    def __init__(self) -> None:
        self.interactive = sys.stderr.isatty()

    def __call__(self, done: int, total: int, report: FeedReport) -> None:
        filled = PROGRESS_WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (PROGRESS_WIDTH - filled)
        title = (report.title or report.url)[:40]
        line = f"[{bar}] {done}/{total} {title}"
        if self.interactive:
            sys.stderr.write("\r\x1b[2K" + line)
            if done == total:
                sys.stderr.write("\n")
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()


def outcome_line(report: FeedReport) -> str:
    from library.db.models import FeedOutcome

    name = f"{report.title or report.url} (id {report.podcast_id})"
    if report.outcome is FeedOutcome.FAILED:
        return f"failed        {name}: {report.message} [{report.reason}]"
    if report.outcome is FeedOutcome.NOT_MODIFIED:
        return f"not modified  {name}"
    detail = f"{report.new_episodes} new, {report.updated_episodes} changed"
    if report.outcome is FeedOutcome.MOVED:
        return f"moved         {name}: now {report.moved_to}; {detail}"
    note = f" ({report.message})" if report.message else ""
    return f"updated       {name}: {detail}{note}"


def _refresh(args: argparse.Namespace) -> int:
    def body(library: Library) -> int:
        from datetime import UTC

        from app.cli.downloads import download_after_refresh
        from library.db.lookup import resolve_podcast

        ids: list[int] | None = None
        if args.podcasts and not args.all:
            with library.session() as session:
                ids = [resolve_podcast(session, reference).id for reference in args.podcasts]
        service = subscriptions_service(library)
        started = datetime.now(UTC)
        reports = service.refresh(ids, on_progress=None if args.json else ProgressBar())
        if not args.json:
            for report in reports:
                print(outcome_line(report))
        # Like the window: new episodes of podcasts with auto-download on are fetched right away.
        refreshed = [report.podcast_id for report in reports if report.podcast_id is not None]
        downloads = [] if args.no_download else download_after_refresh(library, refreshed, started,
                                                                       quiet=args.json)
        if args.json:
            _print_json({"feeds": [report.to_json() for report in reports], "downloads": downloads})
            return 0
        failed = sum(report.outcome == "failed" for report in reports)
        new = sum(report.new_episodes for report in reports)
        summary = f"{len(reports)} feeds refreshed: {new} new episodes, {failed} failed"
        if downloads:
            missed = sum(not result["ok"] for result in downloads)
            summary += f"; {len(downloads) - missed} downloaded" + (f", {missed} downloads failed" if missed else "")
        print(summary)
        return 0  # like a failed feed, a failed download is reported in its line, not the status

    return run_with_library(body)


# -- list / episodes / search ----------------------------------------------------------------------


def _list(args: argparse.Namespace) -> int:
    def body(library: Library) -> int:
        from sqlalchemy import func, select

        from library.db.models import AuthKind, Episode, Podcast

        with library.session() as session:
            grouped = session.execute(select(Episode.podcast_id, func.count()).group_by(Episode.podcast_id))
            counts: dict[int, int] = {podcast_id: count for podcast_id, count in grouped}
            podcasts = list(session.scalars(select(Podcast).order_by(func.lower(Podcast.title), Podcast.id)))
        rows = [
            {
                "id": podcast.id,
                "title": podcast.title,
                "url": podcast.feed_url,
                "episodes": counts.get(podcast.id, 0),
                "private": podcast.auth_kind is not AuthKind.NONE,
                "last_outcome": str(podcast.last_outcome) if podcast.last_outcome else None,
                "last_error": podcast.last_error,
                "last_checked_at": podcast.last_checked_at.isoformat() if podcast.last_checked_at else None,
            }
            for podcast in podcasts
        ]
        if args.json:
            _print_json(rows)
            return 0
        if not rows:
            print("No subscriptions yet: castwise subscribe URL")
        for row in rows:
            flags = " (private)" if row["private"] else ""
            status = f"  [{row['last_outcome']}]" if row["last_outcome"] == "failed" else ""
            print(f"{row['id']:>6}  {row['title']}{flags}  ({row['episodes']} episodes){status}")
        return 0

    return run_with_library(body)


def _episodes(args: argparse.Namespace) -> int:
    def body(library: Library) -> int:
        from sqlalchemy import select

        from library.db.lookup import resolve_podcast
        from library.db.models import Episode, PlaybackState

        with library.session() as session:
            podcast = resolve_podcast(session, args.podcast)
            query = (
                select(Episode, PlaybackState)
                .outerjoin(PlaybackState, PlaybackState.episode_id == Episode.id)
                .where(Episode.podcast_id == podcast.id)
                .order_by(Episode.published.desc().nulls_last(), Episode.id.desc())
            )
            if args.limit > 0:
                query = query.limit(args.limit)
            rows = session.execute(query).all()
        if args.json:
            _print_json(
                [
                    {
                        "id": episode.id,
                        "guid": episode.guid,
                        "title": episode.title,
                        "published": episode.published.isoformat() if episode.published else None,
                        "duration_ms": episode.duration_ms,
                        "position_ms": state.position_ms if state else 0,
                        "played": bool(state and state.played),
                        "enclosure_url": episode.enclosure_url,
                    }
                    for episode, state in rows
                ]
            )
            return 0
        print(f"{podcast.title} (id {podcast.id})")
        for episode, state in rows:
            mark = "✓" if state and state.played else ("…" if state and state.position_ms else " ")
            print(f"{episode.id:>8} {mark} {_date(episode.published)}  {_duration(episode.duration_ms):>8}  {episode.title}")
        return 0

    return run_with_library(body)


def _transcript(args: argparse.Namespace) -> int:
    def body(library: Library) -> int:
        from library.cues_merge import transcript_text
        from library.db.lookup import resolve_episode

        with library.session() as session:
            episode = resolve_episode(session, args.episode)
            episode_id, title = episode.id, episode.title
        documents = episode_documents(library)
        if args.refresh:
            documents.forget_transcript(episode_id)
        cues = documents.transcript(episode_id)
        if cues is None:
            return _error(f"“{title}” has no transcript.")
        print(transcript_text(cues))
        return 0

    return run_with_library(body)


def _search(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    if args.semantic:
        return _semantic_search(query, args)

    def body(library: Library) -> int:
        from library.search import search

        with library.session() as session:
            results = search(session, query, args.limit)
        if args.json:
            _print_json([result.to_json() for result in results])
            return 0
        if not results:
            print(f"Nothing found for {query!r}")
        for result in results:
            if result.kind == "podcast":
                print(f"podcast {result.id:>8}  {result.title}")
            else:
                print(f"episode {result.id:>8}  {_date(result.published)}  {result.title} — {result.podcast_title}")
        return 0

    return run_with_library(body)


def _semantic_search(query: str, args: argparse.Namespace) -> int:
    """Hybrid full-text + meaning search through the recommender (full-text only without a model)."""
    from library.errors import CastwiseError
    from library.redact import redact_text

    try:
        from recommend.service import open_service

        with open_service() as service:
            service.refresh_index()  # episodes added since the last run get their vectors first
            found = service.semantic_search(query, args.limit)
    except CastwiseError as error:
        return _error(redact_text(error.message))
    except Exception as error:  # a bug of ours must still not show a listener a traceback
        return _error(redact_text(f"unexpected error ({type(error).__name__}: {error})"))
    if args.json:
        _print_json(found.as_dict())
        return 0
    if found.notice:
        print(found.notice, file=sys.stderr)
    if not found.items:
        print(f"Nothing found for {query!r}")
    for item in found.items:
        print(f"episode {item.episode_id:>8}  {_date(item.published)}  {item.title} — {item.podcast_title}"
              f"  ({item.reason})")
    return 0
