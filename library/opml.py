"""OPML subscription lists: import from other podcast apps and export for them.

:func:`read_opml` takes what real apps write: nested category outlines, outlines without a title,
``xmlUrl`` spelled in any case, ``feed://``/``itpc://``/``pcast://`` addresses, and exports that
are not quite well-formed XML (an unescaped ``<a href>`` in a description, a mismatched closing
tag), which are recovered outline by outline rather than refused. Documents that declare XML
entities are refused (no entity expansion, so no "billion laughs"), and anything that is not
OPML gets an :class:`~library.errors.OpmlError` with a message that says why.

:func:`write_opml` writes OPML 2.0 that Apple Podcasts, AntennaPod, Pocket Casts and gPodder
import. Private feeds (credentials in the URL, token parameters, or entries flagged private) are
left out unless the listener asks for them.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit

from library.errors import OpmlError
from library.feeds.safexml import declares_entities
from library.redact import has_credentials

__all__ = [
    "OpmlDocument",
    "OpmlEntry",
    "SkippedOutline",
    "is_private",
    "read_opml",
    "read_opml_document",
    "write_opml",
]

MAX_OPML_BYTES = 16 * 1024 * 1024
"""Larger than any real subscription list (the corpus' largest, 207 feeds, is 37 KB)."""

# Podcast apps' own schemes for "subscribe to this feed"; each stands for plain HTTP(S).
_FEED_SCHEMES = {"feed": "http", "itpc": "http", "pcast": "http", "podcast": "http"}
# Recovery mode: an outline start tag ends at the first ">" that is followed by the next tag or
# the end of the text, so a stray quote or an unescaped "<a href>" inside an attribute value
# loses at most that attribute, not the subscription.
_OUTLINE_TOKEN = re.compile(r"<outline\b(.*?)(/?)>(?=\s*(?:<|\Z))|</outline\s*>", re.IGNORECASE | re.DOTALL)
_ATTRIBUTE = re.compile(r"([^\s=/>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


@dataclass(frozen=True, slots=True)
class OpmlEntry:
    """One subscription: a feed URL with what the OPML says about it.

    ``categories`` is the path of enclosing outlines' titles, outermost first (``("News",
    "Tech")``); empty for a top-level feed. ``private`` marks a feed the listener's library knows
    to be private (a premium or members-only feed) even when its URL does not show it.
    """

    feed_url: str
    title: str | None = None
    html_url: str | None = None
    categories: tuple[str, ...] = ()
    description: str | None = None
    private: bool = False


@dataclass(frozen=True, slots=True)
class SkippedOutline:
    """An outline that names a feed Castwise will not subscribe to, and why."""

    url: str
    title: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class OpmlDocument:
    """What an OPML file holds: its title, subscriptions, and outlines left out (with reasons)."""

    title: str | None
    entries: list[OpmlEntry] = field(default_factory=list)
    skipped: list[SkippedOutline] = field(default_factory=list)
    recovered: bool = False
    """True when the XML was broken and the outlines were recovered one by one."""


def read_opml(data: bytes) -> list[OpmlEntry]:
    """The subscriptions in an OPML document, in document order, one per feed URL.

    Raises :class:`~library.errors.OpmlError` (bad-input) for an empty, oversized, hostile or
    non-OPML document. See :func:`read_opml_document` for the skipped outlines.
    """
    return read_opml_document(data).entries


def read_opml_document(data: bytes) -> OpmlDocument:
    """Parse an OPML document (see the module docstring for what is tolerated and refused)."""
    if not data.strip():
        raise OpmlError("the OPML file is empty")
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"the OPML file is too large ({len(data)} bytes; the limit is {MAX_OPML_BYTES})")
    if declares_entities(data):
        raise OpmlError(
            "refused: the OPML file declares XML entities (entity expansion is disabled to guard "
            "against entity bombs and external entities)"
        )
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        return _recover(data, error)
    tag = _local_name(root.tag).lower()
    if tag != "opml":
        if tag in {"html", "rss", "feed", "rdf"}:
            kind = "a web page" if tag == "html" else "a feed, not a subscription list"
            raise OpmlError(f"this is {kind}; an OPML file starts with <opml>")
        raise OpmlError(
            f"not an OPML file: the document's root element is <{_local_name(root.tag)}>, not <opml>"
        )
    body = next((child for child in root if _local_name(child.tag).lower() == "body"), None)
    if body is None:
        raise OpmlError("the OPML file has no <body>, so it lists no subscriptions")
    head = next((child for child in root if _local_name(child.tag).lower() == "head"), None)
    title_element = (
        None
        if head is None
        else next((child for child in head if _local_name(child.tag).lower() == "title"), None)
    )
    title = _clean(title_element.text) if title_element is not None else None
    builder = _Builder(title)
    _walk(body, (), builder)
    return builder.document()


def is_private(entry: OpmlEntry) -> bool:
    """True for a feed whose URL must not leave the machine: flagged private, or carrying
    credentials (user-info or a token query parameter such as ``auth``, ``token``, ``key``)."""
    if entry.private:
        return True
    try:
        return has_credentials(entry.feed_url)
    except ValueError:
        return True  # an address we cannot even split is not one to publish


def write_opml(entries: Iterable[OpmlEntry], *, title: str, include_private: bool = False) -> bytes:
    """An OPML 2.0 document (UTF-8 bytes) listing ``entries``, grouped in category outlines.

    Private feeds (:func:`is_private`) are left out unless ``include_private``; entries keep
    their order within each category, and categories appear in first-seen order.
    """
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = title
    ElementTree.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    ElementTree.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = ElementTree.SubElement(root, "body")
    folders: dict[tuple[str, ...], ElementTree.Element] = {(): body}
    for entry in entries:
        if not include_private and is_private(entry):
            continue
        parent = _folder(folders, entry.categories)
        attributes = {"type": "rss", "text": entry.title or entry.feed_url}
        if entry.title:
            attributes["title"] = entry.title
        attributes["xmlUrl"] = entry.feed_url
        if entry.html_url:
            attributes["htmlUrl"] = entry.html_url
        if entry.description:
            attributes["description"] = entry.description
        ElementTree.SubElement(parent, "outline", attributes)
    ElementTree.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="utf-8") + b"\n"


def _folder(
    folders: dict[tuple[str, ...], ElementTree.Element], path: tuple[str, ...]
) -> ElementTree.Element:
    if path not in folders:
        parent = _folder(folders, path[:-1])
        folders[path] = ElementTree.SubElement(parent, "outline", {"text": path[-1], "title": path[-1]})
    return folders[path]


# --- reading ----------------------------------------------------------------------------------


class _Builder:
    """Collects entries in document order, one per feed URL, and the outlines skipped."""

    def __init__(self, title: str | None, *, recovered: bool = False) -> None:
        self._title = title
        self._recovered = recovered
        self._entries: dict[str, OpmlEntry] = {}
        self._skipped: list[SkippedOutline] = []

    def outline(self, attributes: dict[str, str], categories: tuple[str, ...], *, folder: bool) -> None:
        """Record one outline; ``folder`` says it has child outlines (a category, if no URL)."""
        lowered = {name.lower(): value for name, value in attributes.items()}
        raw_url = (lowered.get("xmlurl") or "").strip()
        name = _clean(lowered.get("text")) or _clean(lowered.get("title"))
        if not raw_url:
            # Flym and others mark category folders type="rss" too; only a leaf is a lost feed.
            if not folder and (lowered.get("type", "").lower() in {"rss", "atom"} or "xmlurl" in lowered):
                self._skipped.append(SkippedOutline("", name, "the outline has no feed address"))
            return
        url, problem = _feed_url(raw_url)
        if url is None:
            self._skipped.append(SkippedOutline(raw_url, name, problem))
            return
        if url in self._entries:
            return
        if name in (raw_url, url):
            name = None  # exporters (Castwise too) put the URL in "text" when a feed has no title
        self._entries[url] = OpmlEntry(
            feed_url=url,
            title=name,
            html_url=_clean(lowered.get("htmlurl")),
            categories=categories,
            description=_clean(lowered.get("description")),
        )

    def document(self) -> OpmlDocument:
        return OpmlDocument(self._title, list(self._entries.values()), self._skipped, self._recovered)


def _walk(element: ElementTree.Element, categories: tuple[str, ...], builder: _Builder) -> None:
    for child in element:
        if _local_name(child.tag).lower() != "outline":
            continue
        builder.outline(dict(child.attrib), categories, folder=len(child) > 0)
        if len(child):
            label = _clean(child.attrib.get("text")) or _clean(child.attrib.get("title"))
            _walk(child, (*categories, label) if label else categories, builder)


def _recover(data: bytes, error: ElementTree.ParseError) -> OpmlDocument:
    """Outlines from a document that is not well-formed XML, read tag by tag."""
    text = data.decode("utf-8", errors="replace")
    head = text[:4000].lower()
    if "<outline" not in text.lower() or ("<html" in head and "<opml" not in head):
        raise OpmlError(f"not an OPML file: the XML is broken ({error})")
    title_match = re.search(r"<title>([^<]*)</title>", text, re.IGNORECASE)
    builder = _Builder(_clean(html.unescape(title_match.group(1))) if title_match else None, recovered=True)
    stack: list[str | None] = []
    for token in _iter_outline_tokens(text):
        if token is None:
            if stack:
                stack.pop()
            continue
        attributes, closed = token
        categories = tuple(label for label in stack if label)
        builder.outline(attributes, categories, folder=not closed)
        if not closed:
            stack.append(_clean(attributes.get("text")) or _clean(attributes.get("title")))
    return builder.document()


def _iter_outline_tokens(text: str) -> Iterator[tuple[dict[str, str], bool] | None]:
    """(attributes, self-closing) for each ``<outline>`` start tag, ``None`` for each end tag."""
    for match in _OUTLINE_TOKEN.finditer(text):
        if match.group(0).startswith("</"):
            yield None
            continue
        attributes = {
            name: html.unescape(double if double is not None else single or "")
            for name, double, single in _ATTRIBUTE.findall(match.group(1) or "")
        }
        yield attributes, match.group(2) == "/"


def _feed_url(raw: str) -> tuple[str | None, str]:
    """The HTTP(S) address for an outline's feed URL, or ``None`` and the reason it is refused."""
    url = raw.strip()
    scheme, _, rest = url.partition(":")
    scheme = scheme.lower()
    if scheme in _FEED_SCHEMES:
        # "feed:https://host/x" wraps a full URL; "feed://host/x" replaces http.
        url = rest if rest.lower().startswith(("http://", "https://")) else f"{_FEED_SCHEMES[scheme]}:{rest}"
        scheme = url.partition(":")[0].lower()
    if scheme not in {"http", "https"}:
        if url.startswith(("|", "exec:", "filter:")):
            return None, "the outline runs a command instead of naming a feed; Castwise never runs commands"
        return None, "not a web address (Castwise subscribes to http and https feeds)"
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None, "the feed address is malformed"
    if not host:
        return None, "the feed address has no host"
    return url, ""


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _local_name(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
