"""Keeping secrets out of what Castwise shows, logs and exports.

Private feeds carry credentials in two places: the URL's user-info (``https://user:pass@host``) and
token query parameters (Patreon's ``?auth=``, others' ``token=``, ``key=``...). :func:`public_url`
removes both (what the library stores and exports); :func:`redact_url` masks them (what logs and
messages show); :func:`redact_text` masks every URL inside free text plus any secret it is told.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit, urlunsplit

MASK = "***"

SECRET_PARAMETERS = frozenset(
    {
        "auth",
        "auth_token",
        "authtoken",
        "token",
        "access_token",
        "key",
        "apikey",
        "api_key",
        "secret",
        "password",
        "passwd",
        "pwd",
        "sig",
        "signature",
        "session",
        "sessionid",
        "private",
        "private_token",
    }
)
"""Query parameters (compared case-insensitively) whose value is a credential."""

_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>]+")


def is_secret_parameter(name: str) -> bool:
    return name.lower() in SECRET_PARAMETERS


def has_credentials(url: str) -> bool:
    """True when ``url`` carries user-info or a token query parameter."""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        return True
    return any(is_secret_parameter(name) for name, _value in parse_qsl(parts.query, keep_blank_values=True))


def _rebuild_query(query: str, *, drop: bool) -> str:
    pieces = re.split(r"(&amp;|&|;)", query)
    kept: list[str] = []
    for index in range(0, len(pieces), 2):
        raw = pieces[index]
        name, has_value, _value = raw.partition("=")
        separator = pieces[index - 1] if index else ""
        if is_secret_parameter(name):
            if drop:
                continue
            raw = f"{name}={MASK}" if has_value else raw
        kept.append((separator if kept else "") + raw)
    return "".join(kept)


def _without_userinfo(netloc: str) -> str:
    return netloc.rpartition("@")[2]


def public_url(url: str) -> str:
    """``url`` without user-info and without token parameters; everything else byte for byte."""
    parts = urlsplit(url)
    return urlunsplit(
        (parts.scheme, _without_userinfo(parts.netloc), parts.path, _rebuild_query(parts.query, drop=True), parts.fragment)
    )


def redact_url(url: str) -> str:
    """``url`` with user-info removed and token values replaced by ``***`` (for logs and messages)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{_without_userinfo(netloc)}"
    return urlunsplit((parts.scheme, netloc, parts.path, _rebuild_query(parts.query, drop=False), parts.fragment))


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every URL passed through :func:`redact_url` and each of ``secrets`` masked.

    Secrets shorter than four characters are ignored: masking them would shred ordinary words.
    """
    text = _URL.sub(lambda match: redact_url(match.group(0)), text)
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
