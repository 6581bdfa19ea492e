"""``castwise feed parse PATH_OR_URL [--json]``: parse one feed file or URL without a library.

``--json`` prints exactly one object, ``{"podcast": {...}, "episodes": [...]}``, as
:meth:`library.feeds.model.ParsedFeed.to_json` makes it (JSON Schema:
``docs/schemas/feed-parse.schema.json``). Unusable input exits with status 1 and one line on
stderr. Only argparse is imported at module level; the feed code is imported by the handler, and
nothing here pulls in Qt or the database.
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    feed = subparsers.add_parser("feed", help="work with a single feed, outside the library")
    actions = feed.add_subparsers(dest="feed_command", metavar="ACTION")
    parse = actions.add_parser(
        "parse",
        help="parse a feed file or URL and print what Castwise reads from it",
        description="Parse a podcast feed (a file, '-' for standard input, or an http(s) URL).",
    )
    parse.add_argument("source", metavar="PATH_OR_URL", help="a feed file, '-' for stdin, or an http(s) URL")
    parse.add_argument("--json", action="store_true", help="print the parse as one JSON object")
    parse.set_defaults(handler=_parse)


def _error(message: str) -> int:
    print(f"castwise feed parse: {message}", file=sys.stderr)
    return 1


def _parse(args: argparse.Namespace) -> int:
    from library.errors import CastwiseError
    from library.feeds.parse import parse_feed

    try:
        data, url, content_type = _read_source(args.source)
        parsed = parse_feed(data, url, content_type=content_type)
    except CastwiseError as error:
        return _error(error.message)
    except Exception as error:  # a bug of ours must still not show a listener a traceback
        return _error(f"could not parse the feed ({type(error).__name__}: {error})")
    if args.json:
        import json

        _write(json.dumps(parsed.to_json(), ensure_ascii=False, indent=2))
    else:
        _write(_summary(parsed))
    return 0


def _read_source(source: str) -> tuple[bytes, str | None, str | None]:
    """The document's bytes, the URL it came from (for relative links) and its Content-Type."""
    from library.errors import CastwiseError, FeedParseError, NotFoundError
    from library.feeds.limits import DEFAULT_MAX_BYTES

    if source.lower().startswith(("http://", "https://")):
        from library.feeds.fetch import FetchOutcome, fetch_feed

        result = fetch_feed(source)
        if result.error is not None:
            raise result.error
        if result.content is None or result.outcome is FetchOutcome.NOT_MODIFIED:
            raise CastwiseError("the server sent no document")
        return result.content, result.final_url or source, result.content_type
    if source == "-":
        data = sys.stdin.buffer.read(DEFAULT_MAX_BYTES + 1)
    else:
        from pathlib import Path

        path = Path(source)
        if not path.exists():
            raise NotFoundError(f"{source}: no such file")
        if not path.is_file():
            raise NotFoundError(f"{source}: not a file")
        try:
            if path.stat().st_size > DEFAULT_MAX_BYTES:
                raise FeedParseError(f"{source}: refused, larger than {DEFAULT_MAX_BYTES:,} bytes")
            data = path.read_bytes()
        except OSError as error:
            raise NotFoundError(f"{source}: cannot be read ({error.strerror or error})") from error
    if len(data) > DEFAULT_MAX_BYTES:
        raise FeedParseError(f"refused: the document is larger than {DEFAULT_MAX_BYTES:,} bytes")
    return data, None, None


def _summary(parsed: object) -> str:
    from library.feeds.model import ParsedFeed

    assert isinstance(parsed, ParsedFeed)
    podcast = parsed.podcast
    # Live items (podcast:liveItem) are streams, not episodes: counted and listed apart.
    episodes = [episode for episode in parsed.episodes if episode.live_status is None]
    live = [episode for episode in parsed.episodes if episode.live_status is not None]
    playable = sum(1 for episode in episodes if episode.enclosure is not None)
    lines = [
        podcast.title or "(untitled podcast)",
        *([f"  by {podcast.author}"] if podcast.author else []),
        f"  {len(episodes)} episodes ({playable} with audio or video)",
    ]
    for episode in episodes[:10]:
        date = episode.published.strftime("%Y-%m-%d") if episode.published else "----------"
        lines.append(f"  {date}  {episode.title or '(untitled episode)'}")
    if len(episodes) > 10:
        lines.append(f"  ... and {len(episodes) - 10} more")
    for episode in live:
        lines.append(f"  live ({episode.live_status}, not supported yet)  {episode.title or '(untitled)'}")
    return "\n".join(lines)


def _write(text: str) -> None:
    # UTF-8 whatever the terminal's locale: feed text is full of characters ASCII lacks.
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        print(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8") + b"\n")
    buffer.flush()
