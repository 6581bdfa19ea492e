"""``castwise opml import FILE`` and ``castwise opml export FILE [--include-private]``.

Import subscribes to every feed of an OPML file (feeds already in the library are left as they
are), fetching them concurrently with a progress bar on stderr and one outcome line per feed.
Export writes OPML 2.0 that other podcast apps import; private feeds (tokens, passwords,
members-only) are left out unless ``--include-private`` is given, and then carry their secret so
the other app can fetch them. ``-`` means standard input / output. Only argparse is imported at
module level.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from library.db.engine import Library


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    opml = subparsers.add_parser("opml", help="import or export subscriptions as OPML")
    actions = opml.add_subparsers(dest="opml_command", metavar="ACTION")
    importer = actions.add_parser("import", help="subscribe to every feed in an OPML file")
    importer.add_argument("file", metavar="FILE", help="an OPML file ('-' for standard input)")
    importer.set_defaults(handler=_import)
    exporter = actions.add_parser("export", help="write your subscriptions to an OPML file")
    exporter.add_argument("file", metavar="FILE", help="where to write ('-' for standard output)")
    exporter.add_argument(
        "--include-private",
        action="store_true",
        help="also export private feeds, with their tokens or passwords (keep that file safe)",
    )
    exporter.set_defaults(handler=_export)


def _import(args: argparse.Namespace) -> int:
    from app.cli.library import ProgressBar, outcome_line, run_with_library, subscriptions_service
    from library.errors import OpmlError

    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as error:
        print(f"castwise: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 1

    def body(library: Library) -> int:
        from library.opml import read_opml_document

        try:
            document = read_opml_document(data)
        except OpmlError as error:
            print(f"castwise: {args.file}: {error.message}", file=sys.stderr)
            return 1
        for skipped in document.skipped:
            print(f"skipped       {skipped.title or skipped.url}: {skipped.reason}")
        service = subscriptions_service(library)
        feeds = [(entry.feed_url, entry.title) for entry in document.entries]
        reports, already = service.add_many(feeds, on_progress=ProgressBar())
        for report in reports:
            print(outcome_line(report))
        failed = sum(report.outcome == "failed" for report in reports)
        print(
            f"{len(reports)} podcasts added ({failed} failed to load), {len(already)} already subscribed, "
            f"{len(document.skipped)} skipped"
        )
        return 0

    return run_with_library(body)


def _export(args: argparse.Namespace) -> int:
    from app.cli.library import run_with_library, subscriptions_service

    def body(library: Library) -> int:
        from sqlalchemy import func, select

        from library.db.models import AuthKind, Podcast
        from library.opml import OpmlEntry, write_opml

        service = subscriptions_service(library)
        with library.session() as session:
            podcasts = list(session.scalars(select(Podcast).order_by(func.lower(Podcast.title), Podcast.id)))
        entries = []
        for podcast in podcasts:
            private = podcast.auth_kind is not AuthKind.NONE
            url = service.private_url(podcast) if private and args.include_private else podcast.feed_url
            entries.append(OpmlEntry(feed_url=url, title=podcast.title, html_url=podcast.link, private=private))
        document = write_opml(entries, title="Castwise subscriptions", include_private=args.include_private)
        if args.file == "-":
            sys.stdout.buffer.write(document)
            sys.stdout.flush()
        else:
            with open(args.file, "wb") as handle:
                handle.write(document)
        left_out = sum(entry.private for entry in entries) if not args.include_private else 0
        note = f" ({left_out} private feeds left out; --include-private adds them)" if left_out else ""
        print(f"Exported {len(entries) - left_out} podcasts{note}", file=sys.stderr)
        return 0

    return run_with_library(body)
