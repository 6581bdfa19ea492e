"""Fetching feeds and feed-linked documents over HTTP(S) with httpx.

* :func:`fetch_feed` - one feed: conditional GET (ETag / Last-Modified), gzip, redirects (a
  permanent one is reported as :attr:`FetchOutcome.MOVED` with the new URL), HTTP basic auth,
  token-in-URL private feeds (the URL is sent exactly as given), a **total** deadline per fetch
  in seconds (a server dripping a byte every few seconds cannot stretch it) and a size cap in
  bytes counted **after** decompression (a gzip bomb is cut off, not inflated).
* :func:`fetch_many` - many feeds with bounded concurrency, results in request order, with a
  progress callback (the ``refresh`` command uses it).
* :func:`fetch_document` - a ``podcast:chapters`` / ``podcast:transcript`` document, same limits,
  raising typed errors instead of returning an outcome.

Failures never raise from :func:`fetch_feed`/:func:`fetch_many`: they come back as
``FetchOutcome.FAILED`` with a :class:`FailureReason` and a typed :class:`~library.errors.FeedError`
whose message a listener can read. URLs in logs and messages go through
:func:`~library.redact.redact_url`, so private tokens and passwords never appear there.

These functions run their own asyncio event loop; call them from a plain (worker) thread. Called
where a loop is already running, they run on a helper thread instead.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
import zlib
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

import httpx

from library.errors import ErrorKind, FeedAuthError, FeedError, FeedFetchError
from library.feeds.limits import (
    DEFAULT_DEADLINE_S,
    DEFAULT_DOCUMENT_DEADLINE_S,
    DEFAULT_DOCUMENT_MAX_BYTES,
    DEFAULT_MAX_BYTES,
)
from library.redact import redact_url

__all__ = [
    "DEFAULT_DEADLINE_S",
    "DEFAULT_DOCUMENT_DEADLINE_S",
    "DEFAULT_DOCUMENT_MAX_BYTES",
    "DEFAULT_MAX_BYTES",
    "USER_AGENT",
    "FailureReason",
    "FetchOutcome",
    "FetchRequest",
    "FetchResult",
    "fetch_document",
    "fetch_feed",
    "fetch_many",
]

log = logging.getLogger(__name__)


class _RedactingFilter(logging.Filter):
    """httpx logs every request URL at INFO; private feed tokens must not reach any log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_url(str(arg)) if isinstance(arg, httpx.URL) or _looks_like_url(arg) else arg
                for arg in record.args
            )
        return True


def _looks_like_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


if not any(isinstance(existing, _RedactingFilter) for existing in logging.getLogger("httpx").filters):
    logging.getLogger("httpx").addFilter(_RedactingFilter())

USER_AGENT = "Castwise/0.1 (desktop podcast player)"
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
_MAX_REDIRECTS = 10
_CHUNK = 64 * 1024

Auth = tuple[str, str]


class FetchOutcome(StrEnum):
    UPDATED = "updated"
    """The server sent the document: ``content`` holds it."""
    NOT_MODIFIED = "not-modified"
    """304: the copy the caller has (matching ``etag``/``last_modified``) is current."""
    MOVED = "moved"
    """A permanent redirect (301/308): ``new_url`` is where the feed now lives. ``content`` holds
    the document from there, or is ``None`` when that location answered 304."""
    FAILED = "failed"
    """Nothing usable: ``reason`` and ``error`` say why."""


class FailureReason(StrEnum):
    TIMEOUT = "timeout"
    TOO_LARGE = "too-large"
    NOT_FOUND = "not-found"
    GONE = "gone"
    AUTH_REQUIRED = "auth-required"
    FORBIDDEN = "forbidden"
    SERVER_ERROR = "server-error"
    HTTP_ERROR = "http-error"
    CONNECTION = "connection"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    INVALID_URL = "invalid-url"
    BAD_ENCODING = "bad-encoding"


@dataclass(frozen=True)
class FetchRequest:
    """One feed to fetch. ``etag``/``last_modified`` are the validators of the copy already held
    (from the previous :class:`FetchResult`); ``auth`` is (user, password) for HTTP basic auth."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    auth: Auth | None = None


@dataclass
class FetchResult:
    url: str
    """The URL as requested (exactly; private tokens included - never log it, see redact_url)."""
    outcome: FetchOutcome
    content: bytes | None = None
    """The body after decompression (UPDATED, and MOVED unless the new location answered 304)."""
    final_url: str | None = None
    """Where the body came from after all redirects (temporary ones included)."""
    new_url: str | None = None
    """For MOVED: the URL to store instead of ``url``."""
    etag: str | None = None
    last_modified: str | None = None
    """Validators to send next time (the old ones are echoed back on NOT_MODIFIED)."""
    content_type: str | None = None
    status: int | None = None
    reason: FailureReason | None = None
    error: FeedError | None = None
    elapsed_s: float = 0.0

    @property
    def message(self) -> str:
        """A one-line, listener-readable summary (no secrets)."""
        if self.error is not None:
            return self.error.message
        if self.outcome is FetchOutcome.MOVED and self.new_url:
            return f"moved permanently to {redact_url(self.new_url)}"
        return str(self.outcome)


class _Failure(Exception):
    def __init__(self, reason: FailureReason, error: FeedError, status: int | None = None) -> None:
        super().__init__(error.message)
        self.reason = reason
        self.error = error
        self.status = status


def _fail(reason: FailureReason, message: str, *, kind: ErrorKind, status: int | None = None) -> _Failure:
    error: FeedError
    if reason is FailureReason.AUTH_REQUIRED:
        error = FeedAuthError(message)
    else:
        error = FeedFetchError(message, kind=kind)
    return _Failure(reason, error, status)


_T = TypeVar("_T")


def _run(coroutine: Coroutine[Any, Any, _T]) -> _T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    # A loop already runs in this thread (asyncio.run would refuse): use a helper thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _client(concurrency: int) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate", "Accept": _ACCEPT},
        follow_redirects=True,
        max_redirects=_MAX_REDIRECTS,
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        # Per-operation timeouts only bound single steps; the total deadline is asyncio.timeout.
        timeout=httpx.Timeout(30.0, connect=15.0),
    )


def fetch_feed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    auth: Auth | None = None,
    deadline_s: float = DEFAULT_DEADLINE_S,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> FetchResult:
    """Fetch one feed. Never raises for network or server trouble: see :class:`FetchResult`.

    ``deadline_s`` bounds the whole fetch (seconds); ``max_bytes`` bounds the decompressed body.
    """
    request = FetchRequest(url=url, etag=etag, last_modified=last_modified, auth=auth)
    return fetch_many([request], concurrency=1, deadline_s=deadline_s, max_bytes=max_bytes)[0]


def fetch_many(
    requests: Iterable[FetchRequest | str],
    *,
    concurrency: int = 8,
    deadline_s: float = DEFAULT_DEADLINE_S,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_progress: Callable[[int, int, FetchResult], None] | None = None,
) -> list[FetchResult]:
    """Fetch many feeds, at most ``concurrency`` at a time; results come back in request order.

    ``on_progress(done, total, result)`` is called on the calling thread as each fetch finishes
    (in completion order); an exception it raises is logged and does not stop the others.
    Limits (``deadline_s`` seconds, ``max_bytes`` bytes) apply to each fetch separately.
    """
    normalized: Sequence[FetchRequest] = [
        request if isinstance(request, FetchRequest) else FetchRequest(url=request) for request in requests
    ]
    if not normalized:
        return []
    return _run(_fetch_all(normalized, max(1, concurrency), deadline_s, max_bytes, on_progress))


async def _fetch_all(
    requests: Sequence[FetchRequest],
    concurrency: int,
    deadline_s: float,
    max_bytes: int,
    on_progress: Callable[[int, int, FetchResult], None] | None,
) -> list[FetchResult]:
    semaphore = asyncio.Semaphore(concurrency)
    results: list[FetchResult | None] = [None] * len(requests)
    done = 0

    async with _client(concurrency) as client:

        async def one(index: int, request: FetchRequest) -> None:
            nonlocal done
            async with semaphore:
                result = await _fetch_one(client, request, deadline_s, max_bytes)
            results[index] = result
            done += 1
            if on_progress is not None:
                try:
                    on_progress(done, len(requests), result)
                except Exception:
                    log.exception("feed fetch progress callback failed")

        await asyncio.gather(*(one(index, request) for index, request in enumerate(requests)))
    return [result for result in results if result is not None]


async def _fetch_one(
    client: httpx.AsyncClient, request: FetchRequest, deadline_s: float, max_bytes: int
) -> FetchResult:
    started = time.monotonic()
    safe_url = redact_url(request.url)
    try:
        async with asyncio.timeout(deadline_s):
            result = await _get(client, request, max_bytes)
    except TimeoutError:
        failure = _fail(
            FailureReason.TIMEOUT,
            f"{safe_url} took longer than {deadline_s:g} s",
            kind=ErrorKind.TEMPORARY,
        )
        result = _failed(request, failure)
    except _Failure as failure:
        result = _failed(request, failure)
    except httpx.TooManyRedirects:
        result = _failed(
            request,
            _fail(FailureReason.TOO_MANY_REDIRECTS, f"{safe_url} redirects in circles", kind=ErrorKind.FATAL),
        )
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError):
        result = _failed(
            request,
            _fail(
                FailureReason.INVALID_URL, f"{safe_url} is not a valid http(s) URL", kind=ErrorKind.BAD_INPUT
            ),
        )
    except httpx.TimeoutException:
        result = _failed(
            request,
            _fail(FailureReason.TIMEOUT, f"{safe_url} did not answer in time", kind=ErrorKind.TEMPORARY),
        )
    except (httpx.HTTPError, OSError) as error:
        result = _failed(
            request,
            _fail(
                FailureReason.CONNECTION,
                f"could not reach {safe_url} ({type(error).__name__})",
                kind=ErrorKind.TEMPORARY,
            ),
        )
    except Exception as error:  # the contract is "never raises": a surprise is logged, not thrown
        log.exception("fetching %s failed unexpectedly", safe_url)
        result = _failed(
            request,
            _fail(
                FailureReason.CONNECTION,
                f"could not fetch {safe_url} ({type(error).__name__})",
                kind=ErrorKind.TEMPORARY,
            ),
        )
    result.elapsed_s = time.monotonic() - started
    log.info("fetched %s: %s (%.2f s)", safe_url, result.outcome, result.elapsed_s)
    return result


def _failed(request: FetchRequest, failure: _Failure) -> FetchResult:
    return FetchResult(
        url=request.url,
        outcome=FetchOutcome.FAILED,
        status=failure.status,
        reason=failure.reason,
        error=failure.error,
    )


async def _get(client: httpx.AsyncClient, request: FetchRequest, max_bytes: int) -> FetchResult:
    if not request.url.lower().startswith(("http://", "https://")):
        raise _fail(
            FailureReason.INVALID_URL,
            f"{redact_url(request.url)} is not an http(s) URL",
            kind=ErrorKind.BAD_INPUT,
        )
    headers: dict[str, str] = {}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    auth = httpx.BasicAuth(*request.auth) if request.auth else httpx.USE_CLIENT_DEFAULT
    async with client.stream("GET", request.url, headers=headers, auth=auth) as response:
        new_url = _permanent_location(request.url, response)
        status = response.status_code
        if status == 304:
            return FetchResult(
                url=request.url,
                outcome=FetchOutcome.MOVED if new_url else FetchOutcome.NOT_MODIFIED,
                final_url=str(response.url),
                new_url=new_url,
                etag=response.headers.get("ETag") or request.etag,
                last_modified=response.headers.get("Last-Modified") or request.last_modified,
                status=status,
            )
        if status >= 400 or status < 200:
            raise _http_failure(status, redact_url(request.url))
        content = await _read_body(response, max_bytes, redact_url(request.url))
        return FetchResult(
            url=request.url,
            outcome=FetchOutcome.MOVED if new_url else FetchOutcome.UPDATED,
            content=content,
            final_url=str(response.url),
            new_url=new_url,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            content_type=response.headers.get("Content-Type"),
            status=status,
        )


def _permanent_location(requested: str, response: httpx.Response) -> str | None:
    """The URL after the leading run of permanent redirects (301/308), if there was one.

    A permanent hop after a temporary one does not count: the temporary hop says the first URL
    stays valid.
    """
    hops = [*response.history, response]
    new_url: str | None = None
    for index, hop in enumerate(response.history):
        if hop.status_code not in (301, 308):
            break
        new_url = str(hops[index + 1].url)
    return new_url if new_url and new_url != requested else None


def _http_failure(status: int, safe_url: str) -> _Failure:
    if status == 401:
        return _fail(
            FailureReason.AUTH_REQUIRED,
            f"{safe_url} needs a user name and password",
            kind=ErrorKind.AUTH_REQUIRED,
            status=status,
        )
    if status == 403:
        return _fail(
            FailureReason.FORBIDDEN,
            f"{safe_url} refused access (HTTP 403)",
            kind=ErrorKind.FATAL,
            status=status,
        )
    if status == 404:
        return _fail(
            FailureReason.NOT_FOUND,
            f"{safe_url} was not found (HTTP 404)",
            kind=ErrorKind.FATAL,
            status=status,
        )
    if status == 410:
        return _fail(
            FailureReason.GONE, f"{safe_url} is gone for good (HTTP 410)", kind=ErrorKind.FATAL, status=status
        )
    if status >= 500 or status in (408, 429):
        return _fail(
            FailureReason.SERVER_ERROR,
            f"{safe_url} failed on the server (HTTP {status}); try again later",
            kind=ErrorKind.TEMPORARY,
            status=status,
        )
    return _fail(
        FailureReason.HTTP_ERROR, f"{safe_url} answered HTTP {status}", kind=ErrorKind.FATAL, status=status
    )


def _too_large(safe_url: str, max_bytes: int) -> _Failure:
    return _fail(
        FailureReason.TOO_LARGE,
        f"{safe_url} is larger than the {max_bytes:,} bytes allowed",
        kind=ErrorKind.FATAL,
    )


async def _read_body(response: httpx.Response, max_bytes: int, safe_url: str) -> bytes:
    """The body, decompressed by us (not httpx) so the cap applies to what a bomb inflates to."""
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        decompressor = None
    elif encoding in ("gzip", "x-gzip", "deflate"):
        # 47 = auto-detect a gzip or zlib header; raw deflate (a common server bug) is retried below.
        decompressor = zlib.decompressobj(47)
    else:
        raise _fail(
            FailureReason.BAD_ENCODING,
            f"{safe_url} used an unsupported content encoding ({encoding})",
            kind=ErrorKind.FATAL,
        )
    declared = response.headers.get("Content-Length")
    if decompressor is None and declared and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(safe_url, max_bytes)
    parts: list[bytes] = []
    total = 0
    first = True
    try:
        async for chunk in response.aiter_raw(_CHUNK):
            if decompressor is not None:
                if first and encoding == "deflate" and chunk[:1] not in (b"\x78", b"\x1f"):
                    decompressor = zlib.decompressobj(-15)
                # Ask for at most one byte more than still allowed: a bomb never inflates fully.
                chunk = decompressor.decompress(chunk, max_bytes - total + 1)
                if decompressor.unconsumed_tail:
                    raise _too_large(safe_url, max_bytes)
            first = False
            total += len(chunk)
            if total > max_bytes:
                raise _too_large(safe_url, max_bytes)
            parts.append(chunk)
        if decompressor is not None:
            tail = decompressor.flush()
            total += len(tail)
            if total > max_bytes:
                raise _too_large(safe_url, max_bytes)
            parts.append(tail)
    except zlib.error as error:
        raise _fail(
            FailureReason.BAD_ENCODING,
            f"{safe_url} sent a corrupt compressed body",
            kind=ErrorKind.TEMPORARY,
        ) from error
    return b"".join(parts)


def fetch_document(
    url: str,
    max_bytes: int = DEFAULT_DOCUMENT_MAX_BYTES,
    deadline_s: float = DEFAULT_DOCUMENT_DEADLINE_S,
    *,
    auth: Auth | None = None,
) -> bytes:
    """Fetch a document a feed links to (``podcast:chapters``, ``podcast:transcript``).

    Same limits as feeds: ``deadline_s`` seconds in total, ``max_bytes`` after decompression.
    Returns the body; raises :class:`~library.errors.FeedFetchError` (timeouts, HTTP errors,
    oversized bodies; its ``kind`` says temporary or fatal) or :class:`~library.errors.FeedAuthError`.
    """
    result = fetch_many(
        [FetchRequest(url=url, auth=auth)], concurrency=1, deadline_s=deadline_s, max_bytes=max_bytes
    )[0]
    if result.error is not None:
        raise result.error
    if result.content is None:  # only a 304, which we never asked for
        raise FeedFetchError(f"{redact_url(url)} sent no document")
    return result.content
