"""One expat pass over a feed: RSS 2.0 core fields plus the iTunes, Podcasting 2.0 and Podlove tags.

The same pass serves both parser paths (see :mod:`library.feeds.parse`):

* the **fast path**: for a well-formed RSS 2.0 document it yields everything a
  :class:`~library.feeds.model.ParsedFeed` needs, in about the time gPodder's podcastparser takes;
* the **extension pass** of the feedparser path: for Atom, RSS 1.0 and the rest, feedparser gives
  the core fields and this pass adds the namespaced tags feedparser does not know, item by item.

Entity declarations are refused before this runs (:mod:`library.feeds.safexml`); the expat
handler below refuses them again, so this module is safe to call on its own. Raw values are kept
as text here; :mod:`library.feeds.values` turns them into numbers and dates.
"""

from __future__ import annotations

from typing import Any
from xml.parsers import expat

from library.errors import FeedParseError
from library.feeds.model import AlternateEnclosure, Chapter, Enclosure, Funding, Person, Transcript
from library.feeds.values import parse_clock_ms

# Namespace URIs as feeds really write them (scheme, case and trailing slash vary), normalised by
# _namespace_key, mapped to the short prefix this module matches on.
_NAMESPACES = {
    "www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "podcastindex.org/namespace/1.0": "podcast",
    "github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md": "podcast",
    "purl.org/rss/1.0/modules/content": "content",
    "podlove.org/simple-chapters": "psc",
    "purl.org/dc/elements/1.1": "dc",
    "www.w3.org/2005/atom": "atom",
    "purl.org/atom/ns#": "atom",
    "purl.org/rss/1.0": "rss1",
    "my.netscape.com/rdf/simple/0.9": "rss1",
    "www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "search.yahoo.com/mrss": "media",
    "www.rssboard.org/media-rss": "media",
}

Key = tuple[str, str]
_ITEM_KEYS: frozenset[Key] = frozenset({("", "item"), ("rss1", "item"), ("atom", "entry")})
_CHANNEL_KEYS: frozenset[Key] = frozenset({("", "channel"), ("rss1", "channel"), ("atom", "feed")})
# A Podcasting 2.0 live stream: an item-shaped element of the channel, read into a RawItem of its
# own (RawFeed.live_items) so the item lists of both parser paths stay aligned.
_LIVE_KEY: Key = ("podcast", "liveItem")
_ITEM_PARENT_KEYS: frozenset[Key] = _ITEM_KEYS | {_LIVE_KEY}

# Elements whose text we read; any other element's text is skipped without being buffered.
_TEXT_KEYS: frozenset[Key] = frozenset(
    {
        ("", "title"), ("", "link"), ("", "description"), ("", "guid"), ("", "pubDate"),
        ("", "language"), ("", "managingEditor"), ("", "category"), ("", "url"),
        ("", "id"), ("content", "encoded"), ("dc", "creator"), ("dc", "date"), ("dc", "title"),
        ("media", "title"), ("rss1", "title"),
        ("itunes", "summary"), ("itunes", "duration"), ("itunes", "explicit"), ("itunes", "episode"),
        ("itunes", "season"), ("itunes", "episodeType"), ("itunes", "author"),
        ("itunes", "new-feed-url"), ("itunes", "subtitle"),
        ("podcast", "guid"), ("podcast", "locked"), ("podcast", "season"), ("podcast", "episode"),
        ("podcast", "person"), ("podcast", "funding"), ("podcast", "txt"), ("podcast", "medium"),
        ("podcast", "soundbite"),
    }
)  # fmt: skip


def _namespace_key(uri: str) -> str:
    lowered = uri.strip().lower()
    for scheme in ("https://", "http://"):
        if lowered.startswith(scheme):
            lowered = lowered[len(scheme) :]
            break
    return lowered.rstrip("/")


class RawItem:
    """What one ``<item>``/``<entry>`` said, as text (typed conversion happens later)."""

    __slots__ = (
        "alt_title",
        "alternate_enclosures",
        "chapters",
        "chapters_type",
        "chapters_url",
        "content_encoded",
        "description",
        "duration",
        "enclosure",
        "episode",
        "episode_type",
        "explicit",
        "funding",
        "guid",
        "guid_is_permalink",
        "id",
        "image",
        "itunes_summary",
        "link",
        "live_end",
        "live_start",
        "live_status",
        "media_enclosure",
        "persons",
        "podcast_episode",
        "podcast_season",
        "pub_date",
        "season",
        "social_interact",
        "soundbites",
        "title",
        "transcripts",
        "value",
    )  # fmt: skip

    def __init__(self) -> None:
        self.title: str | None = None
        self.alt_title: str | None = None
        """``dc:title`` or ``media:title``: the title of an item without ``<title>``."""
        self.link: str | None = None
        self.guid: str | None = None
        self.id: str | None = None
        """An Atom-style ``<id>`` written into RSS: the guid of an item without ``<guid>``."""
        self.guid_is_permalink = True
        self.pub_date: str | None = None
        self.description: str | None = None
        self.content_encoded: str | None = None
        self.itunes_summary: str | None = None
        self.enclosure: Enclosure | None = None
        self.media_enclosure: Enclosure | None = None
        """The first audio/video ``media:content``: the enclosure of an item without one."""
        self.duration: str | None = None
        self.explicit: str | None = None
        self.episode: str | None = None
        self.season: str | None = None
        self.podcast_episode: str | None = None
        self.podcast_season: str | None = None
        self.episode_type: str | None = None
        self.image: str | None = None
        self.chapters_url: str | None = None
        self.chapters_type: str | None = None
        self.chapters: list[Chapter] = []
        self.transcripts: list[Transcript] = []
        self.persons: list[Person] = []
        self.alternate_enclosures: list[AlternateEnclosure] = []
        self.soundbites: list[dict[str, Any]] = []
        self.funding: list[Funding] = []
        self.social_interact: list[dict[str, Any]] = []
        self.value: list[dict[str, Any]] = []
        self.live_status: str | None = None
        """``status`` of a ``podcast:liveItem`` as written; ``None`` for an ordinary item."""
        self.live_start: str | None = None
        self.live_end: str | None = None


class RawChannel:
    """What the channel (or Atom feed) element said, as text."""

    def __init__(self) -> None:
        self.title: str | None = None
        self.link: str | None = None
        self.description: str | None = None
        self.itunes_summary: str | None = None
        self.itunes_subtitle: str | None = None
        self.language: str | None = None
        self.image: str | None = None
        self.itunes_image: str | None = None
        self.itunes_author: str | None = None
        self.managing_editor: str | None = None
        self.dc_creator: str | None = None
        self.categories: list[str] = []
        self.itunes_categories: list[str] = []
        self.funding: list[Funding] = []
        self.locked: str | None = None
        self.guid: str | None = None
        self.explicit: str | None = None
        self.medium: str | None = None
        self.new_feed_url: str | None = None
        self.persons: list[Person] = []
        self.txt: list[dict[str, str | None]] = []
        self.value: list[dict[str, Any]] = []
        self.social_interact: list[dict[str, Any]] = []


class RawFeed:
    """The result of one pass: the root element, RSS version, channel and items in order."""

    def __init__(self) -> None:
        self.root: Key | None = None
        self.version: str | None = None
        self.channel = RawChannel()
        self.items: list[RawItem] = []
        self.live_items: list[RawItem] = []
        """``podcast:liveItem`` elements of the channel, in order (never part of ``items``)."""


def _attr(attrs: dict[str, str], name: str) -> str | None:
    value = attrs.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


class _Pass:
    """expat callbacks. Kept flat and branch-light: this runs once per element of large feeds."""

    def __init__(self) -> None:
        self.feed = RawFeed()
        self.keys: dict[str, Key] = {}
        self.stack: list[Key] = []
        self.buffer: list[str] = []
        self.marks: list[int] = []
        self.item: RawItem | None = None
        self.in_channel = False
        self.alternate: AlternateEnclosure | None = None
        self.value_block: dict[str, Any] | None = None
        # Attributes of the last podcast:person/funding/txt/soundbite, read when its text ends.
        self.pending_attrs: dict[str, str] = {}
        self.parser = expat.ParserCreate(namespace_separator=" ")
        parser = self.parser
        parser.buffer_text = True
        parser.buffer_size = 1 << 16
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        parser.EntityDeclHandler = self.refuse_entity
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def at_channel_level(self) -> bool:
        """True in start handlers when the element just pushed is a direct child of the channel
        (not of a ``podcast:liveItem`` or another container)."""
        return len(self.stack) >= 2 and self.stack[-2] in _CHANNEL_KEYS

    def refuse_entity(self, name: str, *args: object) -> None:
        raise FeedParseError(f"refused: the document declares the XML entity {name!r}")

    def key(self, name: str) -> Key:
        space, _, local = name.rpartition(" ")
        key = (_NAMESPACES.get(_namespace_key(space), "?" + space) if space else "", local)
        self.keys[name] = key
        return key

    def text(self, data: str) -> None:
        if self.marks:
            self.buffer.append(data)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        key = self.keys.get(name) or self.key(name)
        stack = self.stack
        if not stack:
            self.feed.root = key
            self.feed.version = attrs.get("version")
        stack.append(key)
        if key in _TEXT_KEYS:
            self.marks.append(len(self.buffer))
        if key in _ITEM_KEYS:
            self.item = RawItem()
            return
        if key in _CHANNEL_KEYS:
            self.in_channel = True
            return
        prefix = key[0]
        if prefix == "":
            item = self.item
            if item is None:
                return
            if key[1] == "enclosure":
                url = _attr(attrs, "url")
                if url and item.enclosure is None:
                    item.enclosure = Enclosure(
                        url=url, type=_attr(attrs, "type"), length=_length(attrs.get("length"))
                    )
            elif key[1] == "link" and "href" in attrs:
                # Atom-style links written into RSS (seen in Podlove samples).
                href = _attr(attrs, "href")
                if href and (attrs.get("rel") or "").strip() == "enclosure":
                    if item.enclosure is None:
                        item.enclosure = Enclosure(
                            url=href, type=_attr(attrs, "type"), length=_length(attrs.get("length"))
                        )
                elif href and item.link is None:
                    item.link = href
            elif key[1] == "guid":
                item.guid_is_permalink = (attrs.get("isPermaLink") or "true").strip().lower() != "false"
        elif prefix == "itunes":
            self.start_itunes(key[1], attrs)
        elif prefix == "podcast":
            self.start_podcast(key[1], attrs)
        elif prefix == "psc" and key[1] == "chapter" and self.item is not None:
            self.start_psc_chapter(attrs)
        elif key == ("media", "content") and self.item is not None and self.item.media_enclosure is None:
            self.item.media_enclosure = media_enclosure(attrs)

    def start_itunes(self, local: str, attrs: dict[str, str]) -> None:
        if local == "image":
            href = _attr(attrs, "href")
            if self.item is not None:
                self.item.image = self.item.image or href
            elif self.at_channel_level():
                self.feed.channel.itunes_image = self.feed.channel.itunes_image or href
        elif (
            local == "category"
            and self.item is None
            and (self.at_channel_level() or self.stack[-2] == ("itunes", "category"))
        ):
            text = _attr(attrs, "text")
            if text and text not in self.feed.channel.itunes_categories:
                self.feed.channel.itunes_categories.append(text)

    def start_podcast(self, local: str, attrs: dict[str, str]) -> None:
        item = self.item
        channel = self.feed.channel
        if local == "liveItem":
            if item is None and self.at_channel_level():
                item = self.item = RawItem()
                # An element without a status still announces a stream: it is at least pending.
                item.live_status = _attr(attrs, "status") or "pending"
                item.live_start = _attr(attrs, "start")
                item.live_end = _attr(attrs, "end")
            return
        if local == "chapters":
            if item is not None and item.chapters_url is None:
                item.chapters_url = _attr(attrs, "url")
                item.chapters_type = _attr(attrs, "type")
        elif local == "transcript":
            url = _attr(attrs, "url")
            if item is not None and url:
                item.transcripts.append(
                    Transcript(
                        url=url,
                        type=_attr(attrs, "type"),
                        language=_attr(attrs, "language"),
                        rel=_attr(attrs, "rel"),
                    )
                )
        elif local == "alternateEnclosure":
            self.alternate = AlternateEnclosure(
                type=_attr(attrs, "type"),
                length=_length(attrs.get("length")),
                bitrate=_float(attrs.get("bitrate")),
                title=_attr(attrs, "title"),
                default=(attrs.get("default") or "").strip().lower() == "true",
            )
        elif local == "source":
            uri = _attr(attrs, "uri")
            if self.alternate is not None and uri:
                self.alternate.sources.append(uri)
        elif local == "value":
            self.value_block = {
                "type": _attr(attrs, "type"),
                "method": _attr(attrs, "method"),
                "suggested": _attr(attrs, "suggested"),
                "recipients": [],
            }
        elif local == "valueRecipient":
            if self.value_block is not None:
                self.value_block["recipients"].append({name: value for name, value in attrs.items()})
        elif local == "socialInteract":
            if item is not None and self.stack[-2] in _ITEM_KEYS:
                item.social_interact.append(dict(attrs))
            elif item is None and self.at_channel_level():
                channel.social_interact.append(dict(attrs))
        # Elements with text (person, funding, txt, soundbite...) keep their attributes on the
        # stack frame: remembered here, finished in end().
        if local in ("person", "funding", "txt", "soundbite"):
            self.pending_attrs = attrs

    def start_psc_chapter(self, attrs: dict[str, str]) -> None:
        assert self.item is not None
        start_ms = parse_clock_ms(attrs.get("start"))
        if start_ms is None:
            return
        self.item.chapters.append(
            Chapter(
                start_ms=start_ms,
                title=(attrs.get("title") or "").strip(),
                href=_attr(attrs, "href"),
                image=_attr(attrs, "image"),
            )
        )

    def end(self, name: str) -> None:
        key = self.stack.pop()
        if key in _TEXT_KEYS:
            mark = self.marks.pop()
            value = "".join(self.buffer[mark:])
            del self.buffer[mark:]
            if self.item is not None:
                self.end_item_text(key, value)
            elif self.in_channel:
                self.end_channel_text(key, value)
            return
        if key in _ITEM_KEYS:
            if self.item is not None:
                self.feed.items.append(self.item)
            self.item = None
        elif key in _CHANNEL_KEYS:
            self.in_channel = False
        elif key == _LIVE_KEY:
            if self.item is not None and self.item.live_status is not None:
                self.feed.live_items.append(self.item)
                self.item = None
        elif key == ("podcast", "alternateEnclosure"):
            if self.item is not None and self.alternate is not None:
                self.item.alternate_enclosures.append(self.alternate)
            self.alternate = None
        elif key == ("podcast", "value"):
            if self.value_block is not None and self.item is not None and self.stack[-1] in _ITEM_KEYS:
                self.item.value.append(self.value_block)
            elif self.value_block is not None and self.item is None and self.stack[-1] in _CHANNEL_KEYS:
                self.feed.channel.value.append(self.value_block)
            self.value_block = None

    def end_item_text(self, key: Key, value: str) -> None:
        item = self.item
        assert item is not None
        parent = self.stack[-1]
        if key[1] == "title" and key[0] in ("dc", "media"):
            item.alt_title = item.alt_title or value
            return
        if parent not in _ITEM_PARENT_KEYS:  # e.g. the <title> of an <image> or <source> in an item
            return
        prefix, local = key
        if prefix == "":
            if local == "title":
                item.title = value
            elif local == "link":
                item.link = item.link or value
            elif local == "guid":
                item.guid = value
            elif local == "id":
                item.id = value
            elif local == "pubDate":
                item.pub_date = value
            elif local == "description":
                item.description = value
        elif prefix == "content":
            if local == "encoded" and item.content_encoded is None:
                item.content_encoded = value
        elif prefix == "itunes":
            if local == "duration":
                item.duration = value
            elif local == "explicit":
                item.explicit = value
            elif local == "episode":
                item.episode = value
            elif local == "season":
                item.season = value
            elif local == "episodeType":
                item.episode_type = value
            elif local == "summary":
                item.itunes_summary = value
        elif prefix == "podcast":
            attrs = self.pending_attrs
            if local == "season":
                item.podcast_season = value
            elif local == "episode":
                item.podcast_episode = value
            elif local == "person":
                person = _person(value, attrs)
                if person is not None:
                    item.persons.append(person)
            elif local == "funding":
                url = _attr(attrs, "url")
                if url:
                    item.funding.append(Funding(url=url, title=value.strip() or None))
            elif local == "soundbite":
                start = _float(attrs.get("startTime"))
                duration = _float(attrs.get("duration"))
                if start is not None and duration is not None:
                    item.soundbites.append(
                        {"start_s": start, "duration_s": duration, "title": value.strip() or None}
                    )
        elif prefix == "rss1" and local == "title":
            item.title = value
        elif prefix == "dc" and local == "date" and item.pub_date is None:
            item.pub_date = value

    def end_channel_text(self, key: Key, value: str) -> None:
        channel = self.feed.channel
        parent = self.stack[-1]
        prefix, local = key
        if parent not in _CHANNEL_KEYS:
            if key == ("", "url") and parent == ("", "image") and self.stack[-2] in _CHANNEL_KEYS:
                channel.image = channel.image or value.strip() or None
            return
        if prefix == "":
            if local == "title":
                channel.title = value
            elif local == "link":
                channel.link = channel.link or value
            elif local == "description":
                channel.description = value
            elif local == "language":
                channel.language = value.strip() or None
            elif local == "managingEditor":
                channel.managing_editor = value.strip() or None
            elif local == "category":
                text = value.strip()
                if text and text not in channel.categories:
                    channel.categories.append(text)
        elif prefix == "itunes":
            if local == "author":
                channel.itunes_author = value.strip() or None
            elif local == "summary":
                channel.itunes_summary = value
            elif local == "subtitle":
                channel.itunes_subtitle = value
            elif local == "explicit":
                channel.explicit = value
            elif local == "new-feed-url":
                channel.new_feed_url = value.strip() or None
        elif prefix == "podcast":
            attrs = self.pending_attrs
            if local == "guid":
                channel.guid = value.strip() or None
            elif local == "locked":
                channel.locked = value
            elif local == "medium":
                channel.medium = value.strip() or None
            elif local == "person":
                person = _person(value, attrs)
                if person is not None:
                    channel.persons.append(person)
            elif local == "funding":
                url = _attr(attrs, "url")
                if url:
                    channel.funding.append(Funding(url=url, title=value.strip() or None))
            elif local == "txt":
                channel.txt.append({"purpose": _attr(attrs, "purpose"), "text": value.strip()})
        elif prefix == "dc" and local == "creator":
            channel.dc_creator = value.strip() or None


def media_enclosure(attrs: dict[str, str]) -> Enclosure | None:
    """A Media RSS ``media:content`` as an enclosure, if it is audio or video with a URL."""
    url = _attr(attrs, "url")
    kind = _attr(attrs, "type")
    medium = (_attr(attrs, "medium") or "").lower()
    if not url:
        return None
    if kind is not None and not kind.lower().startswith(("audio/", "video/")):
        return None
    if kind is None and medium not in ("audio", "video"):
        return None
    return Enclosure(url=url, type=kind, length=_length(attrs.get("fileSize")))


def _person(value: str, attrs: dict[str, str]) -> Person | None:
    name = value.strip()
    if not name:
        return None
    return Person(
        name=name,
        # The namespace's defaults: a person without a role is the show's host.
        role=(_attr(attrs, "role") or "host").lower(),
        group=(_attr(attrs, "group") or "cast").lower(),
        href=_attr(attrs, "href"),
        img=_attr(attrs, "img"),
    )


def _length(text: str | None) -> int | None:
    if not text:
        return None
    try:
        length = int(text.strip())
    except ValueError:
        return None
    return length if length >= 0 else None


def _float(text: str | None) -> float | None:
    if not text:
        return None
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return number if number == number else None


def read_feed(data: bytes) -> RawFeed:
    """Run the pass over the whole document.

    Raises :class:`FeedParseError` for entity declarations and ``expat.ExpatError`` when the
    document is not well-formed XML (the caller then falls back to feedparser's tolerant parser).
    """
    state = _Pass()
    state.parser.Parse(data, True)
    return state.feed
