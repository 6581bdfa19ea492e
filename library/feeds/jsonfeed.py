"""JSON Feed 1.0/1.1 (https://jsonfeed.org): a few podcasts publish one; attachments are enclosures."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from library.errors import FeedParseError
from library.feeds.model import Enclosure, ParsedEpisode, ParsedFeed, ParsedPodcast
from library.feeds.values import absolute_url, parse_date, sanitize_html


def looks_like_json(data: bytes) -> bool:
    """True when the document starts (after a BOM and whitespace) with a JSON object."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_json_feed(data: bytes, url: str | None = None) -> ParsedFeed:
    """Parse a JSON Feed; raises :class:`FeedParseError` for JSON that is not one."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise FeedParseError("not a podcast feed: the document is neither XML nor valid JSON") from error
    if not isinstance(document, dict) or "jsonfeed.org/version/" not in str(document.get("version", "")):
        raise FeedParseError("not a podcast feed: JSON, but not a JSON Feed")
    items = document.get("items")
    podcast = ParsedPodcast(
        title=_string(document.get("title")),
        link=absolute_url(_string(document.get("home_page_url")), url),
        description=sanitize_html(_string(document.get("description"))),
        image=absolute_url(_string(document.get("icon")) or _string(document.get("favicon")), url),
        language=_string(document.get("language")),
        author=_author(document),
    )
    episodes = [_episode(item, url) for item in items or [] if isinstance(item, dict)]
    from library.feeds.parse import merge_duplicates

    return ParsedFeed(podcast=podcast, episodes=merge_duplicates(episodes))


def _string(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _author(container: dict[str, Any]) -> str | None:
    authors = container.get("authors") or ([container["author"]] if container.get("author") else [])
    names = [_string(author.get("name")) for author in authors if isinstance(author, dict)]
    return ", ".join(name for name in names if name) or None


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


def _episode(item: dict[str, Any], url: str | None) -> ParsedEpisode:
    enclosure = None
    duration = None
    for attachment in item.get("attachments") or []:
        if isinstance(attachment, dict) and _string(attachment.get("url")):
            size = _number(attachment.get("size_in_bytes"))
            enclosure = Enclosure(
                url=absolute_url(_string(attachment["url"]), url) or "",
                type=_string(attachment.get("mime_type")),
                length=int(size) if size is not None else None,
            )
            duration = _number(attachment.get("duration_in_seconds"))
            break
    html = _string(item.get("content_html"))
    if html is None:
        text = _string(item.get("content_text")) or _string(item.get("summary"))
        html = escape(text, quote=False) if text else None
    return ParsedEpisode(
        guid=_string(item.get("id")),
        title=_string(item.get("title")),
        published=parse_date(_string(item.get("date_published")) or _string(item.get("date_modified"))),
        duration_s=duration,
        description=sanitize_html(html),
        link=absolute_url(_string(item.get("url")), url),
        enclosure=enclosure,
        image=absolute_url(_string(item.get("image")), url),
    )
