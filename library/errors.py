"""Typed errors of the library. Each carries a message a listener can read (no traceback needed).

The four kinds follow gPodder's feed core: a *temporary* failure is worth retrying later, a
*fatal* one is not, *auth-required* needs credentials, *bad-input* means the data itself is wrong.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    TEMPORARY = "temporary"
    FATAL = "fatal"
    AUTH_REQUIRED = "auth-required"
    BAD_INPUT = "bad-input"


class CastwiseError(Exception):
    """Base of Castwise's own errors. ``str(error)`` is the listener-facing message."""

    kind: ErrorKind = ErrorKind.FATAL

    def __init__(self, message: str, *, kind: ErrorKind | None = None) -> None:
        super().__init__(message)
        if kind is not None:
            self.kind = kind

    @property
    def message(self) -> str:
        return str(self)


class FeedError(CastwiseError):
    """A feed could not be fetched or parsed."""


class FeedFetchError(FeedError):
    """The network or the server failed us (timeouts, HTTP errors, oversized bodies)."""

    kind = ErrorKind.TEMPORARY


class FeedAuthError(FeedError):
    kind = ErrorKind.AUTH_REQUIRED


class FeedParseError(FeedError):
    """The document is not a usable feed (HTML, empty, broken beyond repair, hostile XML)."""

    kind = ErrorKind.BAD_INPUT


class NotFoundError(CastwiseError):
    """A podcast, episode or file the caller named does not exist."""

    kind = ErrorKind.BAD_INPUT


class CueParseError(CastwiseError):
    """A chapters or transcript document is not in a format Castwise reads, or is broken."""

    kind = ErrorKind.BAD_INPUT


class OpmlError(CastwiseError):
    """An OPML subscription list is not usable (not XML, not OPML, or hostile XML)."""

    kind = ErrorKind.BAD_INPUT


class DocumentFetchError(CastwiseError):
    """An episode's chapters or transcript document could not be fetched (HTTP error, too large,
    too slow). Temporary unless the server said the document does not exist."""

    kind = ErrorKind.TEMPORARY
