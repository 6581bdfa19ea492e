"""Feed addresses as listeners give them: typed by hand (``feed://``, no scheme) or a web page
that advertises its feed."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

__all__ = ["discover_feed_link", "normalize_feed_url"]

_FEED_LINK = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json")


def discover_feed_link(page: bytes, base_url: str) -> str | None:
    """The feed a web page advertises (``<link rel="alternate" type="application/rss+xml">``)."""
    text = page[:512 * 1024].decode("utf-8", errors="replace")
    for tag in _FEED_LINK.findall(text):
        attributes = {
            match.group(1).lower(): html.unescape(match.group(2) or match.group(3) or match.group(4) or "")
            for match in _ATTRIBUTE.finditer(tag)
        }
        rel = attributes.get("rel", "").lower().split()
        if "alternate" in rel and attributes.get("type", "").lower() in _FEED_TYPES and attributes.get("href"):
            return urljoin(base_url, attributes["href"].strip())
    return None


def normalize_feed_url(url: str) -> str:
    """A listener-typed feed address as a URL: trimmed, ``feed://`` and a missing scheme as https.

    Everything else (the query, ``&amp;`` in it, case) is kept byte for byte: private feed
    tokens must reach the server exactly as issued.
    """
    url = url.strip()
    lowered = url.lower()
    if lowered.startswith("feed://"):
        url = "https://" + url[len("feed://") :]
    elif lowered.startswith("feed:"):
        url = url[len("feed:") :]
    elif "://" not in url:
        url = "https://" + url
    return url
