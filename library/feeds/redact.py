"""URLs made safe to log: private feeds carry credentials in the userinfo or a token in the query.

Every log line and error message of the feeds package names a URL through :func:`redact_url`.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

REDACTED = "***"


def redact_url(url: str) -> str:
    """``url`` without userinfo and with every query value and the fragment replaced by ``***``.

    ``https://user:pw@host/feed?auth=abc&x=`` becomes ``https://host/feed?auth=***&x=``: parameter
    names stay (they help a reader see which feed it is), values never do. A string that is not
    a URL at all is replaced entirely, since it might be a secret pasted in the wrong place.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return REDACTED
    if not parts.scheme or not host:
        return REDACTED if url.strip() else url
    netloc = host if ":" not in host else f"[{host}]"
    if port is not None:
        netloc = f"{netloc}:{port}"
    query = "&".join(_redact_pair(pair) for pair in parts.query.split("&")) if parts.query else ""
    fragment = REDACTED if parts.fragment else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, fragment))


def _redact_pair(pair: str) -> str:
    name, equals, value = pair.partition("=")
    if not equals:
        return REDACTED if name else ""  # a bare token such as "?s3cr3t"
    return f"{name}={REDACTED}" if value else f"{name}="
