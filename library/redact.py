"""Keeping secrets out of what Castwise shows, logs and exports.

Private feeds carry credentials in two places: the URL's user-info (``https://user:pass@host``) and
token query parameters (Patreon's ``?auth=``, others' ``token=``, ``key=``...). Two rules, one
module:

* :func:`public_url` (what the library stores and exports) drops the user-info and the *known*
  secret parameters of :data:`SECRET_PARAMETERS`, keeping every other byte, so the address still
  works for parameters such as ``?format=mp3``.
* :func:`redact_url` (what logs and messages show) is stricter: it masks the user-info and *every*
  query value and the fragment, because hosts name their tokens freely (Supercast, Memberful...)
  and a name missing from the list must not leak into a log.

:func:`redact_text` passes every URL inside free text through :func:`redact_url` and masks any
secret it is told.
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


def _without_secret_parameters(query: str) -> str:
    pieces = re.split(r"(&amp;|&|;)", query)
    kept: list[str] = []
    for index in range(0, len(pieces), 2):
        raw = pieces[index]
        separator = pieces[index - 1] if index else ""
        if is_secret_parameter(raw.partition("=")[0]):
            continue
        kept.append((separator if kept else "") + raw)
    return "".join(kept)


def _without_userinfo(netloc: str) -> str:
    return netloc.rpartition("@")[2]


def public_url(url: str) -> str:
    """``url`` without user-info and without token parameters; everything else byte for byte."""
    parts = urlsplit(url)
    return urlunsplit(
        (parts.scheme, _without_userinfo(parts.netloc), parts.path, _without_secret_parameters(parts.query), parts.fragment)
    )


def redact_url(url: str) -> str:
    """``url`` safe to log: user-info, every query value and the fragment replaced by ``***``.

    ``https://ann:pw@host/feed?auth=abc&amp;ep=5&x=`` becomes
    ``https://***@host/feed?auth=***&amp;ep=***&x=``: parameter names and separators stay (they help
    a reader tell feeds apart), values never do; a bare query word (``?s3cr3t``) is masked whole.
    A string that is not an absolute URL is replaced entirely, since it might be a secret pasted
    in the wrong place.
    """
    stripped = url.strip()
    try:
        parts = urlsplit(stripped)
    except ValueError:
        return MASK
    if not parts.scheme or not parts.netloc or any(c.isspace() for c in stripped):
        return MASK if stripped else url
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{_without_userinfo(netloc)}"
    fragment = MASK if parts.fragment else ""
    return urlunsplit((parts.scheme, netloc, parts.path, _mask_every_value(parts.query), fragment))


def _mask_every_value(query: str) -> str:
    pieces = re.split(r"(&amp;|&|;)", query)
    masked: list[str] = []
    for index, piece in enumerate(pieces):
        if index % 2:  # a separator, kept byte for byte
            masked.append(piece)
            continue
        name, has_value, value = piece.partition("=")
        if not has_value:
            masked.append(MASK if name else "")
        else:
            masked.append(f"{name}={MASK}" if value else f"{name}=")
    return "".join(masked)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every URL passed through :func:`redact_url` and each of ``secrets`` masked.

    Secrets shorter than four characters are ignored: masking them would shred ordinary words.
    """
    text = _URL.sub(lambda match: redact_url(match.group(0)), text)
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
