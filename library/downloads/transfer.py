"""One HTTP attempt at one file: resume with ``Range``, write, verify the length, rename.

The bytes go to ``<target>.part`` next to the target; ``<target>.part.json`` remembers what is
needed to resume safely (the URL, the server's validator and the announced length), so a
download survives a dropped connection, a pause and a restart of Castwise. The target path only
ever holds a complete file: the part file is renamed into place when every announced byte has
arrived, never before.

Retrying is the caller's business: an attempt either finishes, stops because the listener asked,
or raises :class:`RetryableError` (worth another attempt) or a :class:`DownloadError`.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import socket
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import Enum
from pathlib import Path

import httpx

from library.downloads.errors import (
    DiskFullError,
    DownloadAuthError,
    DownloadError,
    DownloadHTTPError,
    DownloadLengthError,
    DownloadStorageError,
)

PART_SUFFIX = ".part"
META_SUFFIX = ".part.json"
_DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(?:(\d+)-(\d+)|\*)\s*/\s*(\d+|\*)\s*$", re.IGNORECASE)
_RETRYABLE_STATUSES = {408, 425, 429, 500, 502, 503, 504, 507, 509, 520, 521, 522, 523, 524}


class RetryableError(Exception):
    """A temporary failure; ``retry_after_s`` is the server's wish (``Retry-After``), if any."""

    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class AttemptOutcome(Enum):
    COMPLETED = "completed"
    STOPPED = "stopped"
    """The stop flag was raised (pause or cancel); the part file is intact."""


@dataclass
class ResumeInfo:
    """What the part file was downloaded from; kept in the ``.part.json`` sidecar."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    total_bytes: int | None = None

    @property
    def validator(self) -> str | None:
        """The ``If-Range`` value: a strong ETag, else the Last-Modified date (RFC 9110 13.1.5)."""
        if self.etag and not self.etag.startswith("W/"):
            return self.etag
        return self.last_modified


class PartialFile:
    """The ``.part`` file and its sidecar for one target path."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.part = target.with_name(target.name + PART_SUFFIX)
        self.meta = target.with_name(target.name + META_SUFFIX)

    def size(self) -> int:
        try:
            return self.part.stat().st_size
        except FileNotFoundError:
            return 0

    def load(self, url: str) -> ResumeInfo | None:
        """The resume record, or ``None`` when there is none or it belongs to another URL."""
        try:
            data = json.loads(self.meta.read_text(encoding="utf-8"))
            info = ResumeInfo(**data)
        except (OSError, ValueError, TypeError):
            return None
        return info if info.url == url else None

    def save(self, info: ResumeInfo) -> None:
        self.meta.write_text(json.dumps(asdict(info)), encoding="utf-8")

    def discard(self) -> None:
        """Delete the part file and its sidecar (missing ones are fine)."""
        for path in (self.part, self.meta):
            try:
                path.unlink()
            except FileNotFoundError:
                pass

    def commit(self) -> None:
        """Move the finished part file into place (atomic on one filesystem) and drop the sidecar."""
        os.replace(self.part, self.target)
        try:
            self.meta.unlink()
        except FileNotFoundError:
            pass


def storage_error(error: OSError, *, url: str, target: Path, needed: int | None = None) -> DownloadError:
    """Translate an OS error while writing into a listener-facing error."""
    folder = target.parent
    if error.errno == errno.EFBIG:
        return DiskFullError(
            f"“{target.name}” is too large for the disk or file system at {folder}; "
            "the incomplete file was discarded.",
            url=url,
            folder=str(folder),
        )
    if error.errno in _DISK_FULL_ERRNOS:
        detail = ""
        if needed is not None:
            detail = f" (needs {_megabytes(needed)}, {_megabytes(free_space(folder))} free)"
        return DiskFullError(
            f"Not enough disk space to save “{target.name}” in {folder}{detail}. "
            "The incomplete file was discarded; free some space and download it again.",
            url=url,
            folder=str(folder),
        )
    reason = error.strerror or str(error)
    return DownloadStorageError(f"Could not save “{target.name}” in {folder}: {reason}.", url=url)


def free_space(folder: Path) -> int:
    """Bytes available to us in ``folder``; a huge number when it cannot be told."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 1 << 62


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


@dataclass
class Attempt:
    """One GET of ``url`` into ``partial``; :meth:`run` does the work.

    ``on_bytes(bytes_done, total_bytes)`` is called after every chunk (cheaply: the caller
    throttles what it reports). ``stop`` is checked after every chunk.
    """

    client: httpx.Client
    url: str
    partial: PartialFile
    stop: threading.Event
    on_bytes: Callable[[int, int | None], None]
    chunk_size: int = 1 << 20
    headers: dict[str, str] | None = None
    _response: httpx.Response | None = field(default=None, init=False, repr=False)

    def abort(self) -> None:
        """Wake a transfer blocked on a silent server (from another thread): shutting the
        socket down makes the pending read return, so pause and cancel take effect now rather
        than after the read timeout. The caller sets ``stop`` first."""
        response = self._response
        stream = response.extensions.get("network_stream") if response is not None else None
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed

    def run(self) -> AttemptOutcome:
        info = self.partial.load(self.url)
        # Resume only what can be checked: a validator for If-Range, or at least the length.
        resumable = info is not None and (info.validator is not None or info.total_bytes is not None)
        offset = self.partial.size() if resumable else 0
        if info is None or not resumable:
            self.partial.discard()  # leftovers from another URL or a broken sidecar
            info = ResumeInfo(url=self.url)
        headers = {"Accept-Encoding": "identity", **(self.headers or {})}
        if offset > 0:
            headers["Range"] = f"bytes={offset}-"
            if info.validator:
                headers["If-Range"] = info.validator
        try:
            with self.client.stream("GET", self.url, headers=headers) as response:
                self._response = response
                try:
                    if self.stop.is_set():  # stopped while connecting
                        return AttemptOutcome.STOPPED
                    return self._receive(response, info, offset)
                finally:
                    # The connection goes back to the pool now: abort() must not touch it.
                    self._response = None
        except httpx.TransportError as error:
            if self.stop.is_set():  # the read was cut short by abort()
                return AttemptOutcome.STOPPED
            raise RetryableError(f"the connection failed: {_describe(error)}") from error

    # -- response handling -------------------------------------------------------------------

    def _receive(self, response: httpx.Response, info: ResumeInfo, offset: int) -> AttemptOutcome:
        status = response.status_code
        if status == 416:
            return self._unsatisfiable(response, info, offset)
        if status in _RETRYABLE_STATUSES:
            raise RetryableError(
                f"the server answered {status} {response.reason_phrase}",
                retry_after_s=_retry_after(response),
            )
        if status in (401, 403):
            raise DownloadAuthError(
                f"The server refused the download ({status} {response.reason_phrase}): "
                "this episode needs a sign-in or a subscription.",
                url=self.url,
                status=status,
            )
        if status in (404, 410):
            raise DownloadHTTPError(
                f"The episode file is gone from the server ({status} {response.reason_phrase}).",
                url=self.url,
                status=status,
            )
        if status not in (200, 206):
            raise DownloadHTTPError(
                f"The server refused the download ({status} {response.reason_phrase}).",
                url=self.url,
                status=status,
            )

        encoded = response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
        if status == 206 and not encoded:
            start, total = self._content_range(response, info, offset)
        else:
            # A full answer: the server ignored Range, or the file changed (If-Range failed).
            start = 0
            total = _int_header(response, "Content-Length")
            if encoded:  # the announced length is of the encoded body: we cannot check it or resume
                total = None
        info = ResumeInfo(
            url=self.url,
            etag=None if encoded else response.headers.get("ETag"),
            last_modified=None if encoded else response.headers.get("Last-Modified"),
            total_bytes=total,
        )
        # Refuse early rather than fill the disk: the part file shrinks to ``start`` first.
        reclaimed = max(0, self.partial.size() - start)
        if total is not None and total - start > free_space(self.partial.target.parent) + reclaimed:
            raise storage_error(
                OSError(errno.ENOSPC, "No space left on device"),
                url=self.url,
                target=self.partial.target,
                needed=total - start,
            )
        try:
            self.partial.save(info)
            done = self._write_body(response, start, total, decoded=encoded)
        except OSError as error:
            needed = None if total is None else total - start
            raise storage_error(error, url=self.url, target=self.partial.target, needed=needed) from error
        if done is None:
            return AttemptOutcome.STOPPED
        if status == 206 and total is not None and done < total and done == _range_end(response) + 1:
            # Some servers answer an open range with a slice of the file: ask for the rest.
            raise RetryableError("the server sent only part of the file")
        if total is not None and done != total:
            raise self._length_error(total, done)
        return self._commit()

    def _content_range(self, response: httpx.Response, info: ResumeInfo, offset: int) -> tuple[int, int | None]:
        """Where the 206 body starts and the file's total length, checked against what we have."""
        match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
        if match is None or match.group(1) is None:
            self.partial.discard()
            raise RetryableError("the server sent a partial answer without a usable Content-Range")
        start = int(match.group(1))
        total = None if match.group(3) == "*" else int(match.group(3))
        if total is None:
            total = info.total_bytes
        if start > offset or (info.total_bytes is not None and total != info.total_bytes):
            # A range we did not ask for, or a file of another size: the part file is not a
            # prefix of this one. Start again from zero.
            self.partial.discard()
            raise RetryableError("the file changed on the server; starting again")
        return start, total

    def _unsatisfiable(self, response: httpx.Response, info: ResumeInfo, offset: int) -> AttemptOutcome:
        """416: we asked for bytes past the end. Either we already have everything, or the
        server's file is shorter than it said (or has changed)."""
        match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
        actual = int(match.group(3)) if match and match.group(3) != "*" else None
        if actual is not None and actual == offset and info.total_bytes in (None, actual):
            return self._commit()
        if actual is not None and info.total_bytes is not None and actual == offset:
            self.partial.discard()
            raise self._length_error(info.total_bytes, actual)
        self.partial.discard()
        raise RetryableError("the server could not resume the download; starting again")

    def _write_body(self, response: httpx.Response, start: int, total: int | None, *, decoded: bool) -> int | None:
        """Stream the body into the part file from ``start``; returns the bytes the part file
        holds, or ``None`` when stopped. Large chunks written straight from httpx's buffers: the
        loop body is the only per-chunk Python cost."""
        if start == 0:
            # A fresh file rather than a truncated one: ext4 flushes a file truncated to zero
            # when it is closed (auto_da_alloc), which costs a synchronous write-back.
            self.partial.part.unlink(missing_ok=True)
        chunks = response.iter_bytes(self.chunk_size) if decoded else response.iter_raw()
        stop = self.stop
        on_bytes = self.on_bytes
        done = start
        with open(self.partial.part, "r+b" if start > 0 else "wb", buffering=0) as file:
            if start > 0:
                file.seek(start)
                if self.partial.size() > start:
                    file.truncate(start)
            on_bytes(done, total)
            for chunk in chunks:
                written = file.write(chunk)
                if written is not None and written < len(chunk):  # a short write: finish it
                    _write_all(file, memoryview(chunk)[written:])
                done += len(chunk)
                on_bytes(done, total)
                if stop.is_set():
                    return None
        return done

    def _commit(self) -> AttemptOutcome:
        try:
            self.partial.commit()
        except OSError as error:
            raise storage_error(error, url=self.url, target=self.partial.target) from error
        return AttemptOutcome.COMPLETED

    def _length_error(self, expected: int, received: int) -> DownloadLengthError:
        self.partial.discard()
        return DownloadLengthError(
            f"The server announced {expected:,} bytes for “{self.partial.target.name}” but sent "
            f"{received:,}; the incomplete file was discarded.",
            url=self.url,
            expected=expected,
            received=received,
        )


def _write_all(file: object, view: memoryview) -> None:
    write = file.write  # type: ignore[attr-defined]
    while view:
        written = write(view)
        if not written:
            raise OSError(errno.EIO, "the file accepted no more bytes")
        view = view[written:]


def _range_end(response: httpx.Response) -> int:
    """The last byte position a 206 answer's Content-Range covers (-1 when it names none)."""
    match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
    return int(match.group(2)) if match and match.group(2) is not None else -1


def _int_header(response: httpx.Response, name: str) -> int | None:
    value = response.headers.get(name)
    if value is None:
        return None
    try:
        number = int(value.strip())
    except ValueError:
        return None
    return number if number >= 0 else None


def _retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds (delta-seconds or an HTTP date), capped at ten minutes."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = (moment - datetime.now(UTC)).total_seconds()
    return min(max(seconds, 0.0), 600.0)


def _describe(error: httpx.TransportError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "the server stopped answering (timeout)"
    text = str(error).strip()
    return text or type(error).__name__
