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
_QUICK_SCAN_BYTES = 1 << 14

_DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_ENTITY_DECL = re.compile(r"<!ENTITY", re.IGNORECASE)


def _head_text(data: bytes, limit: int) -> str:
    """The first ``limit`` bytes of ``data`` as text, good enough to find markup in any encoding."""
    head = data[:limit]
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
    """True when the document's DOCTYPE declares entities (internal or external).

    Only the prolog is read: the XML declaration, comments and processing instructions are
    skipped up to the DOCTYPE or the root element (a DOCTYPE can appear nowhere else). A prolog
    longer than the scan limit is itself refused as suspicious.
    """
    limit = _QUICK_SCAN_BYTES
    while True:
        verdict = _scan_prolog(_head_text(data, limit))
        if verdict is not None:
            return verdict
        if limit >= len(data):
            return False  # the document ended inside its prolog: no root, nothing declared
        if limit >= _PROLOG_SCAN_BYTES:
            return True
        limit = _PROLOG_SCAN_BYTES


def _scan_prolog(text: str) -> bool | None:
    """Whether the prolog in ``text`` declares entities; ``None`` if ``text`` ends inside it."""
    position = 0
    length = len(text)
    while True:
        while position < length and text[position] in " \t\r\n\ufeff":
            position += 1
        if position >= length:
            return None
        if text.startswith("<?", position):
            terminator = "?>"
        elif text.startswith("<!--", position):
            terminator = "-->"
        elif _DOCTYPE.match(text, position):
            doctype = text[position:]
            if "]>" not in doctype and ">" not in doctype:
                return None
            return _doctype_declares_entities(doctype)
        else:
            return False  # the root element (or junk): no DOCTYPE before it
        end = text.find(terminator, position)
        if end == -1:
            return None
        position = end + len(terminator)


def _doctype_declares_entities(doctype: str) -> bool:
    subset_end = doctype.find("]>")
    if subset_end == -1:
        first_close = doctype.find(">")
        # No internal subset: "<!DOCTYPE rss SYSTEM '...'>" declares nothing by itself.
        if first_close != -1 and "[" not in doctype[:first_close]:
            return False
        return _ENTITY_DECL.search(doctype) is not None
    return _ENTITY_DECL.search(doctype, 0, subset_end) is not None


def check_xml_safety(data: bytes) -> None:
    """Raise :class:`FeedParseError` when ``data`` declares XML entities; return otherwise."""
    if declares_entities(data):
        raise FeedParseError(
            "refused: the document declares XML entities in its DOCTYPE "
            "(entity expansion is disabled to guard against entity bombs and external entities)"
        )
