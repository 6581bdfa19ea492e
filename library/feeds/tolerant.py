"""The tolerant path of :func:`library.feeds.parse.parse_feed`: feedparser, then our extensions.

feedparser reads what nothing else can (Atom 0.3/1.0, RSS 0.9x/1.0, RDF, ill-formed XML, odd
encodings). When the same bytes are well-formed XML, the expat pass of
:mod:`library.feeds.xmlpass` adds the iTunes / Podcasting 2.0 / Podlove values item by item.
"""

from __future__ import annotations

import io
from typing import Any

from library.errors import FeedParseError
from library.feeds.model import Chapter, Enclosure, ParsedEpisode, ParsedFeed, ParsedPodcast
from library.feeds.values import (
    absolute_url,
    parse_clock_ms,
    parse_duration,
    parse_explicit,
    parse_int,
    parse_yes_no,
    sanitize_html,
    struct_time_to_datetime,
)
from library.feeds.xmlpass import RawFeed, media_enclosure


def parse_with_feedparser(
    data: bytes, url: str | None, *, content_type: str | None, raw: RawFeed | None
) -> ParsedFeed:
    """Parse ``data`` with feedparser; ``raw`` is the expat pass over the same bytes, if it ran.

    Raises :class:`FeedParseError` when feedparser finds no feed at all in the bytes.
    """
    import feedparser

    # No Content-Location: feedparser would resolve relative *guids* against it, and a guid must
    # not change when the feed moves. Links and enclosures are resolved here instead.
    headers: dict[str, str] = {}
    if content_type:
        headers["content-type"] = content_type
    try:
        # A stream, never the bytes themselves: feedparser treats a bytes argument as a file name.
        result = feedparser.parse(io.BytesIO(data), response_headers=headers)
    except Exception as error:  # feedparser has no exception contract of its own
        raise FeedParseError(f"the document could not be read as a feed ({type(error).__name__})") from error
    feed = result.get("feed", {})
    entries = result.get("entries", [])
    if not result.get("version") and not entries and not feed.get("title"):
        raise FeedParseError("not a podcast feed: no RSS or Atom document found")
    podcast = _podcast(feed, url)
    episodes = [_episode(entry, url) for entry in entries]
    if raw is not None:
        _overlay_channel(podcast, raw, url)
        if len(raw.items) == len(episodes):
            from library.feeds.parse import apply_extensions

            for episode, item, entry in zip(episodes, raw.items, entries, strict=True):
                apply_extensions(episode, item)
                if episode.enclosure is None and item.media_enclosure is not None:
                    # Media RSS under a namespace URI feedparser does not know (rssboard.org's).
                    episode.enclosure = item.media_enclosure
                # feedparser turns a plain-text RSS title that merely looks like HTML (a CDATA
                # "<sup>2</sup>") into escaped HTML; the title as written is what listeners expect.
                if item.title and (entry.get("title_detail") or {}).get("type") == "text/html":
                    episode.title = item.title.strip() or episode.title
    if url:
        _resolve_relative(podcast, episodes, url)
    from library.feeds.parse import live_episodes, merge_duplicates

    episodes = merge_duplicates(episodes)
    if raw is not None:
        # feedparser does not know podcast:liveItem; the expat pass read them.
        episodes += live_episodes(raw, url, episodes)
    return ParsedFeed(podcast=podcast, episodes=episodes)


def _resolve_relative(podcast: ParsedPodcast, episodes: list[ParsedEpisode], base: str) -> None:
    podcast.link = absolute_url(podcast.link, base)
    podcast.image = absolute_url(podcast.image, base)
    for episode in episodes:
        episode.link = absolute_url(episode.link, base)
        episode.image = absolute_url(episode.image, base)
        if episode.enclosure is not None:
            episode.enclosure.url = absolute_url(episode.enclosure.url, base) or episode.enclosure.url


def _string(mapping: Any, key: str) -> str | None:
    value = mapping.get(key)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _podcast(feed: Any, url: str | None) -> ParsedPodcast:
    image = feed.get("image") or {}
    categories = [tag.get("term") for tag in feed.get("tags") or [] if tag.get("term")]
    return ParsedPodcast(
        title=_string(feed, "title"),
        link=_string(feed, "link"),
        description=sanitize_html(feed.get("subtitle") or feed.get("summary") or feed.get("itunes_summary"), url),
        image=_string(image, "href") or _string(image, "url"),
        language=_string(feed, "language"),
        author=_string(feed, "author"),
        categories=list(dict.fromkeys(categories)),
        explicit=feed.get("itunes_explicit") if isinstance(feed.get("itunes_explicit"), bool) else None,
    )


def _overlay_channel(podcast: ParsedPodcast, raw: RawFeed, url: str | None) -> None:
    channel = raw.channel
    if raw.live_items:
        # feedparser does not know podcast:liveItem and reads a live item's title, link and
        # description as the channel's own; the expat pass kept them apart.
        podcast.title = (channel.title or "").strip() or podcast.title
        podcast.link = (channel.link or "").strip() or podcast.link
        if channel.description:
            podcast.description = sanitize_html(channel.description, url) or podcast.description
    podcast.image = channel.itunes_image or podcast.image
    podcast.author = channel.itunes_author or podcast.author
    if channel.itunes_categories:
        podcast.categories = channel.itunes_categories
    podcast.funding = channel.funding or podcast.funding
    podcast.locked = parse_yes_no(channel.locked)
    podcast.guid = channel.guid
    explicit = parse_explicit(channel.explicit)
    podcast.explicit = podcast.explicit if explicit is None else explicit
    podcast.medium = channel.medium
    podcast.new_feed_url = channel.new_feed_url
    podcast.persons = channel.persons
    podcast.txt = channel.txt
    podcast.value = channel.value
    podcast.social_interact = channel.social_interact


def _enclosure(entry: Any) -> Enclosure | None:
    for candidate in entry.get("enclosures") or []:
        href = _string(candidate, "href")
        if href:
            length = parse_int(str(candidate.get("length") or ""))
            return Enclosure(
                url=href,
                type=_string(candidate, "type"),
                length=length if length is not None and length >= 0 else None,
            )
    # Like podcastparser and AntennaPod: audio/video Media RSS content makes an item playable.
    for content in entry.get("media_content") or []:
        attrs = {name: str(value) for name, value in content.items() if value is not None}
        if "filesize" in attrs:
            attrs["fileSize"] = attrs["filesize"]
        enclosure = media_enclosure(attrs)
        if enclosure is not None:
            return enclosure
    return None


def _description(entry: Any, url: str | None) -> str | None:
    for content in entry.get("content") or []:
        value = content.get("value")
        if value and value.strip():
            return sanitize_html(value, url)
    return sanitize_html(entry.get("summary"), url)


def _chapters(entry: Any) -> list[Chapter]:
    psc = entry.get("psc_chapters") or {}
    chapters: list[Chapter] = []
    for chapter in psc.get("chapters") or []:
        start_ms = parse_clock_ms(chapter.get("start"))
        if start_ms is None:
            continue
        chapters.append(
            Chapter(
                start_ms=start_ms,
                title=(chapter.get("title") or "").strip(),
                href=_string(chapter, "href"),
                image=_string(chapter, "image"),
            )
        )
    return chapters


def _episode(entry: Any, url: str | None) -> ParsedEpisode:
    published = struct_time_to_datetime(entry.get("published_parsed") or entry.get("updated_parsed"))
    image = entry.get("image") or {}
    explicit = entry.get("itunes_explicit")
    episode_type = _string(entry, "itunes_episodetype")
    return ParsedEpisode(
        guid=_string(entry, "id"),
        title=_string(entry, "title"),
        published=published,
        duration_s=parse_duration(_string(entry, "itunes_duration")),
        description=_description(entry, url),
        link=_string(entry, "link"),
        enclosure=_enclosure(entry),
        season=parse_int(_string(entry, "itunes_season")),
        episode=parse_int(_string(entry, "itunes_episode")),
        explicit=explicit if isinstance(explicit, bool) else None,
        chapters=_chapters(entry),
        image=_string(image, "href") if isinstance(image, dict) else None,
        episode_type=episode_type.lower() if episode_type else None,
    )
