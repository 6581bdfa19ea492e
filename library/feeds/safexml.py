"""Refusing hostile XML before any parser sees it.

Castwise never expands entities declared by a document. A feed whose DOCTYPE declares entities
(the "billion laughs" bomb, external entities that read local files or URLs) is refused with a
:class:`~library.errors.FeedParseError` by :func:`check_xml_safety`, which runs on the raw bytes
before the fast path or feedparser is given them. A DOCTYPE without entity declarations (RSS 0.91's
Netscape DTD reference) is harmless: no parser here fetches external DTDs.
"""

from __future__ import annotations

import codecs
import re

from library.errors import FeedParseError

# How far into a document the prolog (XML declaration, comments, DOCTYPE) may reach before the
# root element. Real feeds put a few hundred bytes there; a huge prolog is itself suspicious.
_PROLOG_SCAN_BYTES = 1 << 20

_DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_ENTITY_DECL = re.compile(r"<!ENTITY", re.IGNORECASE)


def _head_text(data: bytes) -> str:
    """The start of ``data`` as text, good enough to find markup (ASCII) in any encoding."""
    head = data[:_PROLOG_SCAN_BYTES]
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return head.decode("utf-32", errors="replace")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="replace")
    if head[:4] == b"\x00\x00\x00<":
        return head.decode("utf-32-be", errors="replace")
    if head[:4] == b"<\x00\x00\x00":
        return head.decode("utf-32-le", errors="replace")
    if head[:2] == b"\x00<":
        return head.decode("utf-16-be", errors="replace")
    if head[:2] == b"<\x00":
        return head.decode("utf-16-le", errors="replace")
    # ASCII-compatible encodings (UTF-8, Latin-1, windows-125x, GB2312...) keep markup as ASCII.
    return head.decode("latin-1")


def declares_entities(data: bytes) -> bool:
    """True when the document's DOCTYPE declares entities (internal or external)."""
    text = _head_text(data)
    doctype = _DOCTYPE.search(text)
    if doctype is None:
        return False
    rest = text[doctype.end() :]
    subset_end = rest.find("]>")
    if subset_end == -1:
        first_close = rest.find(">")
        # No internal subset: "<!DOCTYPE rss SYSTEM '...'>" declares nothing by itself.
        if first_close != -1 and "[" not in rest[:first_close]:
            return False
        return _ENTITY_DECL.search(rest) is not None
    return _ENTITY_DECL.search(rest, 0, subset_end) is not None


def check_xml_safety(data: bytes) -> None:
    """Raise :class:`FeedParseError` when ``data`` declares XML entities; return otherwise."""
    if declares_entities(data):
        raise FeedParseError(
            "refused: the document declares XML entities in its DOCTYPE "
            "(entity expansion is disabled to guard against entity bombs and external entities)"
        )
