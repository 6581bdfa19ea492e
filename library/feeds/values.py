"""Turning the text of feed elements into typed values: dates, durations, flags, numbers, HTML.

Every function here is total: junk in gives ``None`` (or an empty result) out, never an exception,
because one bad ``<itunes:duration>`` must not cost the listener the whole feed.
"""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, datetime
from urllib.parse import urljoin

import nh3

_DURATION_UNITS = re.compile(
    r"(?:(\d+(?:\.\d+)?)\s*h)?\s*(?:(\d+(?:\.\d+)?)\s*m(?:in)?)?\s*(?:(\d+(?:\.\d+)?)\s*s)?", re.I
)


def parse_date(text: str | None) -> datetime | None:
    """An aware UTC datetime from RFC 822 (RSS), ISO 8601 (Atom, Dublin Core) or stranger dates.

    A date without a zone is taken as UTC. Unparseable text gives ``None``.
    """
    if not text:
        return None
    text = text.strip()
    if not text:
        return None
    parsed: datetime | None = None
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        parsed = None
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            parsed = _feedparser_date(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _feedparser_date(text: str) -> datetime | None:
    # feedparser knows a zoo of regional and broken formats; only odd dates pay for its import.
    from feedparser.datetimes import _parse_date

    try:
        struct = _parse_date(text)
    except Exception:  # feedparser's date handlers raise anything on odd input
        return None
    return struct_time_to_datetime(struct)


def struct_time_to_datetime(struct: object) -> datetime | None:
    """feedparser's UTC ``time.struct_time`` as an aware UTC datetime (``None`` if absent/invalid)."""
    if struct is None:
        return None
    try:
        return datetime(*struct[:6], tzinfo=UTC)  # type: ignore[index,misc]
    except (TypeError, ValueError, OverflowError):
        return None


def parse_duration(text: str | None) -> float | None:
    """Seconds from an ``itunes:duration``: ``"3725"``, ``"1:02:05"``, ``"62:05"``, ``"1:02:05.5"``,
    ``"3725.5"`` or ``"1h 2m 5s"``. Negative, empty or unreadable values give ``None``."""
    if not text:
        return None
    text = text.strip()
    if not text:
        return None
    if ":" in text:
        parts = text.split(":")
        if len(parts) > 3:
            return None
        total = 0.0
        try:
            for part in parts:
                total = total * 60 + float(part.strip() or 0)
        except ValueError:
            return None
        return total if total >= 0 else None
    try:
        seconds = float(text)
    except ValueError:
        match = _DURATION_UNITS.fullmatch(text)
        if not match or not any(match.groups()):
            return None
        hours, minutes, secs = (float(group) if group else 0.0 for group in match.groups())
        return hours * 3600 + minutes * 60 + secs
    if seconds != seconds or seconds < 0 or seconds == float("inf"):  # NaN, negative, infinite
        return None
    return seconds


def parse_explicit(text: str | None) -> bool | None:
    """``itunes:explicit``: yes/true/explicit -> True, no/false/clean -> False, else ``None``."""
    if not text:
        return None
    value = text.strip().lower()
    if value in ("yes", "true", "explicit", "1"):
        return True
    if value in ("no", "false", "clean", "0"):
        return False
    return None


def parse_yes_no(text: str | None) -> bool | None:
    """``podcast:locked`` and similar: yes/true -> True, no/false -> False, else ``None``."""
    return parse_explicit(text)


def parse_int(text: str | None) -> int | None:
    """A whole number (``"12"``, ``" 12 "``, ``"12.0"``); fractions and junk give ``None``."""
    if text is None:
        return None
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            return None
        if number.is_integer() and abs(number) < 2**53:
            return int(number)
        return None


def parse_float(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return number if number == number and number not in (float("inf"), float("-inf")) else None


def parse_clock_ms(text: str | None) -> int | None:
    """Milliseconds from a Podlove chapter start: ``"01:02:03.500"``, ``"62:03"`` or ``"3723.5"``."""
    seconds = parse_duration(text)
    return None if seconds is None else round(seconds * 1000)


def sanitize_html(html: str | None, base: str | None = None) -> str | None:
    """Show notes made safe to render: links, basic formatting and images kept; scripts, styles,
    event handlers and ``javascript:`` URLs removed (nh3/ammonia defaults). Plain text (no markup
    and no entity) is returned unchanged without paying for the HTML parser.

    With ``base`` (the feed's own http(s) URL), relative links and image sources are resolved
    against it, as feedparser does, so a note's ``href="/show/42"`` still leads somewhere once
    stored; without one they are kept as written."""
    if html is None:
        return None
    html = html.strip()
    if not html:
        return None
    if "<" not in html and "&" not in html and ">" not in html:
        return html
    if base is not None and base.startswith(("http://", "https://")):
        try:
            return nh3.clean(html, url_relative=("rewrite_with_base", base))
        except ValueError:  # a base nh3 cannot parse: keep the links as written
            pass
    return nh3.clean(html)


def absolute_url(link: str | None, base: str | None) -> str | None:
    """``link`` stripped and, when relative, resolved against ``base`` (the feed's own URL).
    A link that cannot be joined (a malformed URL) is returned as written."""
    if link is None:
        return None
    link = link.strip()
    if not link:
        return None
    if base is None or "://" in link[:16] or link.startswith(("mailto:", "data:", "urn:")):
        return link
    try:
        return urljoin(base, link)
    except ValueError:
        return link
