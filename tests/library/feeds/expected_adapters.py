"""Adapters from other parsers' published results (corpus ``expected/``) to one comparable shape.

Each source dumps its own model (podcastparser's dicts, gofeed's Go structs, feed-rs's serde
output, rss-parser's JS objects, ...). For the corpus comparison only three things matter: how
many items the feed has, their titles, and their enclosure URLs. An adapter returns them as an
:class:`ExpectedFeed`; ``None`` for a title means the source had none for that item.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ExpectedEnclosure:
    """The URLs that count as one item's enclosure. Usually exactly one, required. feed-rs mixes
    ``<enclosure>`` and every ``media:content`` (images included) in one list without saying which
    was the enclosure: any of them counts, and only audio/video or a rel=enclosure link makes one
    required (an item with only an image in media:content may well have no enclosure)."""

    accepted: frozenset[str]
    required: bool = True


@dataclass
class ExpectedFeed:
    titles: list[str | None]
    enclosures: list[ExpectedEnclosure]
    """One entry per item for which the source reports an enclosure or media."""
    feed_url: str | None = None
    """The URL the source parsed the feed as (relative links resolve against it)."""
    max_items: int | None = None
    """The source was asked for only this many items (podcastparser's ``max_episodes``)."""


def normalise_title(title: str | None) -> str | None:
    """Whitespace runs collapsed and trimmed; empty is the same as absent. Sources differ in
    whether they strip titles; no listener sees the difference."""
    if title is None:
        return None
    title = _SPACE.sub(" ", title).strip()
    return title or None


def _first_url(candidates: Any, key: str = "url") -> str | None:
    if isinstance(candidates, dict):
        candidates = [candidates]
    for candidate in candidates or []:
        if isinstance(candidate, dict) and candidate.get(key):
            return str(candidate[key]).strip()
    return None


def _singletons(urls: Iterable[str | None]) -> list[ExpectedEnclosure]:
    return [ExpectedEnclosure(frozenset({url.strip()})) for url in urls if url and url.strip()]


def _podcastparser(document: Any, expected_path: Path, orig_path: str) -> ExpectedFeed:
    params_path = expected_path.with_name(expected_path.stem + ".param.json")
    params = json.loads(params_path.read_text()) if params_path.exists() else {}
    episodes = document.get("episodes", [])
    return ExpectedFeed(
        titles=[episode.get("title") for episode in episodes],
        enclosures=_singletons(_first_url(episode.get("enclosures")) for episode in episodes),
        feed_url="file://" + orig_path,
        max_items=params.get("max_episodes"),
    )


def _gofeed(document: Any, expected_path: Path, orig_path: str) -> ExpectedFeed:
    items = document.get("items") or []
    return ExpectedFeed(
        titles=[item.get("title") for item in items],
        enclosures=_singletons(
            _first_url(item.get("enclosures")) or _first_url(item.get("enclosure")) for item in items
        ),
    )


def _feedrs(document: Any, expected_path: Path, orig_path: str) -> ExpectedFeed:
    entries = document.get("entries") or []
    titles = [(entry.get("title") or {}).get("content") for entry in entries]
    enclosures = []
    for entry in entries:
        contents = [content for media in entry.get("media") or [] for content in media.get("content") or []]
        urls = {content["url"].strip() for content in contents if content.get("url")}
        links = {
            link["href"].strip()
            for link in entry.get("links") or []
            if link.get("rel") == "enclosure" and link.get("href")
        }
        required = bool(links) or any(
            str(content.get("content_type") or "").startswith(("audio/", "video/")) for content in contents
        )
        if urls or links:
            enclosures.append(ExpectedEnclosure(frozenset(urls | links), required))
    return ExpectedFeed(titles=titles, enclosures=enclosures)


def _rssparser(document: Any, expected_path: Path, orig_path: str) -> ExpectedFeed:
    items = (document.get("feed") or {}).get("items") or []
    return ExpectedFeed(
        titles=[item.get("title") for item in items],
        enclosures=_singletons(_first_url(item.get("enclosure")) for item in items),
    )


def _podcastfeedparser(document: Any, expected_path: Path, orig_path: str) -> ExpectedFeed:
    episodes = document.get("episodes") or []
    return ExpectedFeed(
        titles=[episode.get("title") for episode in episodes],
        enclosures=_singletons(_first_url(episode.get("enclosure")) for episode in episodes),
    )


def _feedsmith(document: Any, expected_path: Path, orig_path: str) -> ExpectedFeed:
    items = document.get("items") or document.get("entries") or []
    enclosures = []
    for item in items:
        url = _first_url(item.get("enclosures"))
        if url is None:
            enclosure_links = [link for link in item.get("links") or [] if link.get("rel") == "enclosure"]
            url = _first_url(enclosure_links, "href")
        if url:
            enclosures.append(ExpectedEnclosure(frozenset({url})))
            continue
        # feedsmith keeps Media RSS apart ("media"); an item with only media:content may or may
        # not count as having an enclosure, so any of its media URLs is accepted, none required.
        media = item.get("media") or {}
        contents = list(media.get("contents") or [])
        for group in media.get("groups") or []:
            contents.extend(group.get("contents") or [])
        media_urls = frozenset(str(content["url"]).strip() for content in contents if content.get("url"))
        if media_urls:
            enclosures.append(ExpectedEnclosure(media_urls, required=False))
    return ExpectedFeed(titles=[item.get("title") for item in items], enclosures=enclosures)


def _critrolesync(document: Any, expected_path: Path, orig_path: str) -> ExpectedFeed:
    return ExpectedFeed(
        titles=[row.get("Title") for row in document],
        enclosures=_singletons(row.get("URL") for row in document),
    )


ADAPTERS: dict[str, Callable[[Any, Path, str], ExpectedFeed]] = {
    "podcastparser": _podcastparser,
    "gofeed": _gofeed,
    "feedrs": _feedrs,
    "rssparser": _rssparser,
    "podcastfeedparser": _podcastfeedparser,
    "feedsmith": _feedsmith,
    "critrolesync": _critrolesync,
}


def load_expected(source: str, expected_path: Path, orig_path: str) -> ExpectedFeed:
    """The comparable form of one expected file (``orig_path``: the feed's path in its source repo)."""
    # A few sources wrote their dumps in Latin-1; JSON itself is read from bytes.
    raw = expected_path.read_bytes()
    try:
        document = json.loads(raw)
    except UnicodeDecodeError:
        document = json.loads(raw.decode("latin-1"))
    return ADAPTERS[source](document, expected_path, orig_path)


def enclosures_match(expected: list[ExpectedEnclosure], ours: list[str]) -> bool:
    """Each of our enclosure URLs pairs with a distinct expected item that accepts it, and every
    required expectation is met."""
    remaining = list(ours)
    # Required and narrow expectations first, so a lenient one never takes a URL a strict one needs.
    for expectation in sorted(expected, key=lambda item: (not item.required, len(item.accepted))):
        match = next((url for url in remaining if url in expectation.accepted), None)
        if match is None:
            if expectation.required:
                return False
            continue
        remaining.remove(match)
    return not remaining
