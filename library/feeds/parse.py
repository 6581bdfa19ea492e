"""``parse_feed``: bytes in, a :class:`~library.feeds.model.ParsedFeed` out, or a typed error.

Two paths give the same episodes (a differential test over the corpus checks it):

* **Fast path** - a well-formed RSS 2.0 document is read in one expat pass
  (:mod:`library.feeds.xmlpass`), as fast as gPodder's podcastparser.
* **JSON Feed** - a document that is a JSON object is read as a JSON Feed.
* **Tolerant path** - anything else (Atom, RSS 0.9x/1.0, RDF, ill-formed XML, encodings expat
  does not know) goes to feedparser; when the bytes are well-formed XML the same expat pass then
  adds the iTunes / Podcasting 2.0 / Podlove tags feedparser does not know.

Both paths: entity declarations refused first (:mod:`library.feeds.safexml`), show notes
sanitized with nh3 (``content:encoded`` preferred over ``description``), dates as aware UTC,
every item listed (with or without an enclosure), duplicates within the feed merged by guid and
then by enclosure URL (the first occurrence wins, later ones fill its gaps).
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import fields
from xml.parsers import expat

from library.errors import FeedParseError
from library.feeds.jsonfeed import looks_like_json, parse_json_feed
from library.feeds.model import ParsedEpisode, ParsedFeed, ParsedPodcast
from library.feeds.safexml import check_xml_safety
from library.feeds.values import (
    absolute_url,
    parse_date,
    parse_duration,
    parse_explicit,
    parse_int,
    parse_yes_no,
    sanitize_html,
)
from library.feeds.xmlpass import RawFeed, RawItem, read_feed
from library.redact import redact_url

log = logging.getLogger(__name__)

__all__ = ["parse_feed", "parse_feed_fast", "parse_feed_tolerant"]

_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I | re.S
)
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_XML_ENCODING = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([\w.:-]+)[\"']", re.I)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def parse_feed(data: bytes, url: str | None = None, *, content_type: str | None = None) -> ParsedFeed:
    """Parse a podcast feed document.

    ``url`` is where the document came from: relative links and enclosure URLs are resolved
    against it. ``content_type`` is the HTTP ``Content-Type``; leave it ``None`` for files. Its
    charset wins over the XML declaration, except where the document declares UTF-8 (or nothing)
    and is valid UTF-8: servers' default charset labels are stale far more often than that.

    Raises :class:`~library.errors.FeedParseError` (kind bad-input) for an empty body, an HTML
    page, a document that is not a feed, or XML declaring entities. Never raises anything else
    for bad bytes: an ill-formed but readable feed gives a best-effort result.
    """
    _check_usable(data)
    if looks_like_json(data):
        return parse_json_feed(data, url)
    content_type = _effective_content_type(data, content_type)
    if content_type is None or _HTTP_CHARSET.search(content_type) is None:
        try:
            fast = parse_feed_fast(data, url)
        except FeedParseError:
            raise
        except Exception:  # a bug of the fast path must cost speed, not the listener's feed
            log.exception("fast feed parser failed on %s; using feedparser", redact_url(url or "(bytes)"))
            fast = None
        if fast is not None:
            return fast
    return parse_feed_tolerant(data, url, content_type=content_type)


def _effective_content_type(data: bytes, content_type: str | None) -> str | None:
    """``content_type`` without its charset where the document's own encoding is to be trusted
    (the fast path reads only that); unchanged where the HTTP charset must win (feedparser
    applies it)."""
    if not content_type:
        return content_type
    match = _HTTP_CHARSET.search(content_type)
    if match is None:
        return content_type
    without_charset = content_type.split(";", 1)[0].strip()
    declared = _XML_ENCODING.match(data[:256])
    document = declared.group(1).decode("ascii", "replace") if declared else "utf-8"
    try:
        http_codec = codecs.lookup(match.group(1)).name
        document_codec = codecs.lookup(document).name
    except LookupError:
        return content_type
    if http_codec == document_codec:
        return without_charset
    if document_codec == "utf-8" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return content_type
        return without_charset
    return content_type


def _check_usable(data: bytes) -> None:
    # Only the head is looked at: copying a whole multi-megabyte feed to strip it costs time.
    head = data[:4096].lstrip()
    if not head and len(data) > 4096:
        head = data.lstrip()[:4096]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :].lstrip()
    if not head.strip(b"\x00"):
        raise FeedParseError("the document is empty")
    if _HTML_START.match(head):
        raise FeedParseError("this is an HTML web page, not a podcast feed")
    check_xml_safety(data)


def parse_feed_fast(data: bytes, url: str | None = None) -> ParsedFeed | None:
    """The fast path alone: a :class:`ParsedFeed` for well-formed RSS 2.0, else ``None``.

    ``None`` means "not for me" (not RSS 2.0, not well-formed, an encoding expat lacks); the
    caller then uses :func:`parse_feed_tolerant`. Entity declarations raise FeedParseError.
    """
    if b"xml:base" in data:
        return None  # relative URLs against xml:base: feedparser resolves them properly
    try:
        raw = read_feed(data)
    except (expat.ExpatError, LookupError, ValueError):
        return None
    if raw.root != ("", "rss") or not (raw.version or "2.0").strip().startswith("2"):
        return None
    podcast = _podcast_from_raw(raw, url)
    episodes = merge_duplicates([_episode_from_raw(item, url) for item in raw.items])
    return ParsedFeed(podcast=podcast, episodes=episodes + live_episodes(raw, url, episodes))


def parse_feed_tolerant(
    data: bytes, url: str | None = None, *, content_type: str | None = None, extensions: bool = True
) -> ParsedFeed:
    """The feedparser path, plus the extension pass when the bytes are well-formed XML.

    ``extensions=False`` skips that pass and gives feedparser's reading alone (the differential
    test compares it with the fast path).
    """
    from library.feeds.tolerant import parse_with_feedparser

    check_xml_safety(data)
    raw: RawFeed | None = None
    if extensions:
        try:
            raw = read_feed(data)
        except (expat.ExpatError, LookupError, ValueError):
            raw = None
    return parse_with_feedparser(data, url, content_type=content_type, raw=raw)


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _first_text(*candidates: str | None) -> str | None:
    """The first candidate with more than whitespace in it."""
    for candidate in candidates:
        if candidate and not candidate.isspace():
            return candidate
    return None


def _podcast_from_raw(raw: RawFeed, url: str | None) -> ParsedPodcast:
    channel = raw.channel
    return ParsedPodcast(
        title=_text(channel.title),
        link=absolute_url(channel.link, url),
        description=sanitize_html(
            _first_text(channel.description, channel.itunes_summary, channel.itunes_subtitle), url
        ),
        image=absolute_url(channel.itunes_image or channel.image, url),
        language=channel.language,
        author=channel.itunes_author or channel.dc_creator or channel.managing_editor,
        categories=channel.itunes_categories or channel.categories,
        funding=channel.funding,
        locked=parse_yes_no(channel.locked),
        guid=channel.guid,
        explicit=parse_explicit(channel.explicit),
        medium=channel.medium,
        new_feed_url=channel.new_feed_url,
        persons=channel.persons,
        txt=channel.txt,
        value=channel.value,
        social_interact=channel.social_interact,
    )


def _episode_from_raw(item: RawItem, url: str | None) -> ParsedEpisode:
    guid = _text(item.guid) or _text(item.id)
    link = absolute_url(item.link, url)
    if (
        link is None
        and guid is not None
        and item.guid_is_permalink
        and guid.startswith(("http://", "https://"))
    ):
        link = guid  # RSS 2.0: a permalink guid is the item's link when <link> is absent
    enclosure = item.enclosure or item.media_enclosure
    if enclosure is not None and url is not None:
        enclosure.url = absolute_url(enclosure.url, url) or enclosure.url
    episode = ParsedEpisode(
        guid=guid,
        title=_text(item.title) or _text(item.alt_title),
        published=parse_date(item.pub_date),
        description=sanitize_html(_first_text(item.content_encoded, item.description, item.itunes_summary), url),
        link=link,
        enclosure=enclosure,
        chapters=item.chapters,
    )
    apply_extensions(episode, item)
    if url is not None and episode.image is not None:
        episode.image = absolute_url(episode.image, url)
    return episode


_LIVE_STATUSES = frozenset({"pending", "live", "ended"})


def live_episodes(raw: RawFeed, url: str | None, episodes: list[ParsedEpisode]) -> list[ParsedEpisode]:
    """The ``podcast:liveItem`` elements of ``raw`` as episodes with ``live_status`` set, to be
    listed after the feed's ordinary ``episodes``.

    A live item that shares a guid (or, without one, an enclosure URL) with an ordinary episode
    is left out: the recording was published, and the episode is what the listener wants. An
    unknown status reads as ``pending``. Both parser paths use this, so they agree.
    """
    taken = {episode.guid or (episode.enclosure.url if episode.enclosure else None) for episode in episodes}
    taken.discard(None)
    live: list[ParsedEpisode] = []
    for item in raw.live_items:
        episode = _episode_from_raw(item, url)
        status = (item.live_status or "").strip().lower()
        episode.live_status = status if status in _LIVE_STATUSES else "pending"
        episode.live_start = parse_date(item.live_start)
        episode.live_end = parse_date(item.live_end)
        identity = episode.guid or (episode.enclosure.url if episode.enclosure else None)
        if identity is not None and identity in taken:
            continue
        live.append(episode)
    return merge_duplicates(live)


def apply_extensions(episode: ParsedEpisode, item: RawItem) -> None:
    """Copy the iTunes / Podcasting 2.0 / Podlove values of ``item`` onto ``episode``.

    Values the item does not carry leave the episode's as they are (feedparser may have read
    some of them already on the tolerant path).
    """
    duration = parse_duration(item.duration)
    if duration is not None:
        episode.duration_s = duration
    explicit = parse_explicit(item.explicit)
    if explicit is not None:
        episode.explicit = explicit
    season = parse_int(item.season)
    if season is None:
        season = parse_int(item.podcast_season)
    if season is not None:
        episode.season = season
    number = parse_int(item.episode)
    if number is None:
        number = parse_int(item.podcast_episode)
    if number is not None:
        episode.episode = number
    if item.episode_type:
        episode.episode_type = item.episode_type.strip().lower() or None
    if item.image:
        episode.image = item.image
    if item.chapters_url:
        episode.chapters_url = item.chapters_url
        episode.chapters_type = item.chapters_type
    if item.chapters:
        episode.chapters = item.chapters
    for name in (
        "transcripts",
        "persons",
        "alternate_enclosures",
        "soundbites",
        "funding",
        "social_interact",
        "value",
    ):
        values = getattr(item, name)
        if values:
            setattr(episode, name, values)


def merge_duplicates(episodes: list[ParsedEpisode]) -> list[ParsedEpisode]:
    """Merge items of one feed that are the same episode: same guid, or (without a guid) the same
    enclosure URL. The first occurrence keeps its place; a later duplicate only fills fields the
    first left empty. Items with neither a guid nor an enclosure are never merged."""
    seen: dict[str, ParsedEpisode] = {}
    merged: list[ParsedEpisode] = []
    for episode in episodes:
        identity = episode.guid or (episode.enclosure.url if episode.enclosure else None)
        if identity is None:
            merged.append(episode)
            continue
        first = seen.get(identity)
        if first is None:
            seen[identity] = episode
            merged.append(episode)
            continue
        for field in fields(ParsedEpisode):
            if getattr(first, field.name) in (None, []):
                setattr(first, field.name, getattr(episode, field.name))
    return merged
