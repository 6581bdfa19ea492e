"""Typed download errors, each with a message a listener can read.

They extend the library's :class:`~library.errors.CastwiseError` family, so callers that only
care about the kind (temporary: try again later; fatal: it will not work; auth-required;
bad-input) can treat downloads like every other library failure.
"""

from __future__ import annotations

from library.errors import CastwiseError, ErrorKind


class DownloadError(CastwiseError):
    """A download did not complete. No partial file is left at the target path."""

    def __init__(self, message: str, *, url: str = "", kind: ErrorKind | None = None) -> None:
        super().__init__(message, kind=kind)
        self.url = url


class DownloadNetworkError(DownloadError):
    """The connection failed or timed out, or the server had a temporary problem (5xx, 429),
    and retrying did not help. The partial data is kept so a later attempt resumes."""

    kind = ErrorKind.TEMPORARY


class DownloadHTTPError(DownloadError):
    """The server refused the file for good (404, 410 and other 4xx answers)."""

    def __init__(self, message: str, *, url: str = "", status: int = 0, kind: ErrorKind | None = None) -> None:
        super().__init__(message, url=url, kind=kind)
        self.status = status


class DownloadAuthError(DownloadHTTPError):
    """The server wants credentials (401) or refuses the ones given (403)."""

    kind = ErrorKind.AUTH_REQUIRED


class DownloadLengthError(DownloadError):
    """The server sent a different number of bytes than it announced; the file is discarded."""

    def __init__(self, message: str, *, url: str = "", expected: int = 0, received: int = 0) -> None:
        super().__init__(message, url=url)
        self.expected = expected
        self.received = received


class DiskFullError(DownloadError):
    """The disk (or the listener's quota, or a file-size limit) has no room for the file.

    The partial file is deleted: a listener who frees space starts the download again."""

    def __init__(self, message: str, *, url: str = "", folder: str = "") -> None:
        super().__init__(message, url=url)
        self.folder = folder


class DownloadStorageError(DownloadError):
    """The file could not be written for another reason (permissions, a read-only folder)."""


class DownloadTargetError(DownloadError):
    """The caller asked for something impossible, such as two downloads to the same file."""

    kind = ErrorKind.BAD_INPUT
