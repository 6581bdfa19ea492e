"""Reading creators' feeds (claim tokens, mirrored items) and writing listeners' private feeds.

Feeds are parsed with the standard library's expat after refusing any DOCTYPE, so no entity
(internal or external) is ever expanded.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"


class FeedFormatError(ValueError):
    """The document is not an RSS feed we can read; the message says why."""


@dataclass(frozen=True)
class SourceItem:
    guid: str
    title: str
    description: str
    media_url: str
    media_type: str
    size_bytes: int | None
    published_at: datetime


def parse(document: bytes) -> ET.Element:
    head = document[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in document.lower():
        raise FeedFormatError("feeds with a DOCTYPE or entities are not accepted")
    try:
        root = ET.fromstring(document)
    except ET.ParseError as error:
        raise FeedFormatError(f"the feed is not well-formed XML ({error})") from None
    if root.tag != "rss" or root.find("channel") is None:
        raise FeedFormatError("the document is not an RSS feed")
    return root


def channel_title(root: ET.Element) -> str:
    return (root.findtext("channel/title") or "").strip()[:500] or "Untitled podcast"


def verify_tokens(root: ET.Element) -> set[str]:
    """The texts of every ``<podcast:txt purpose="verify">`` in the channel."""
    channel = root.find("channel")
    assert channel is not None
    return {
        (element.text or "").strip()
        for element in channel.findall(f"{{{PODCAST_NS}}}txt")
        if element.get("purpose", "").strip().lower() == "verify"
    }


def source_items(root: ET.Element) -> list[SourceItem]:
    """Items with an audio/video enclosure; items without one are skipped."""
    items: list[SourceItem] = []
    for item in root.iterfind("channel/item"):
        enclosure = item.find("enclosure")
        url = enclosure.get("url", "").strip() if enclosure is not None else ""
        if enclosure is None or not url.startswith(("http://", "https://")):
            continue
        length = enclosure.get("length", "")
        guid = (item.findtext("guid") or url).strip()[:500]
        items.append(SourceItem(
            guid=guid,
            title=(item.findtext("title") or "Untitled episode").strip()[:500],
            description=(item.findtext("description") or "").strip(),
            media_url=url,
            media_type=enclosure.get("type", "audio/mpeg")[:100],
            size_bytes=int(length) if length.isdigit() else None,
            published_at=_date(item.findtext("pubDate")),
        ))
    return items


def _date(text: str | None) -> datetime:
    if text:
        try:
            value = parsedate_to_datetime(text.strip())
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        except (TypeError, ValueError, IndexError):
            pass
    return datetime.now(UTC)


@dataclass(frozen=True)
class FeedEntry:
    guid: str
    title: str
    description: str
    media_url: str
    media_type: str
    size_bytes: int | None
    published_at: datetime


def render_private_feed(*, title: str, description: str, link: str, entries: list[FeedEntry]) -> bytes:
    """An RSS 2.0 document for one listener (text is escaped by the serializer)."""
    ET.register_namespace("itunes", ITUNES_NS)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = title
    ET.SubElement(channel, "link").text = link
    ET.SubElement(channel, "description").text = description or title
    ET.SubElement(channel, f"{{{ITUNES_NS}}}block").text = "Yes"  # private: never list in directories
    for entry in entries:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = entry.title
        ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = entry.guid
        ET.SubElement(item, "description").text = entry.description
        ET.SubElement(item, "pubDate").text = format_datetime(entry.published_at.astimezone(UTC), usegmt=True)
        attributes = {"url": entry.media_url, "type": entry.media_type}
        if entry.size_bytes is not None:
            attributes["length"] = str(entry.size_bytes)
        ET.SubElement(item, "enclosure", attributes)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="utf-8")
