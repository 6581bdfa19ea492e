"""Fetching and caching an episode's ``podcast:chapters`` and ``podcast:transcript`` documents.

Documents are fetched on demand (the listener opens the chapter list or the transcript) and
ahead of time for downloaded episodes (:meth:`DocumentCache.prefetch`), so they work offline.
They are cached in ``paths.documents_cache``, one file per URL named by the SHA-256 of the URL:
private feeds put tokens in these URLs, and a hash keeps them out of file names.

Fetching uses the same limits as feeds (a total deadline in seconds and a size cap in bytes
counted after decompression) through :func:`library.feeds.fetch.fetch_document`, or any
callable with its signature. Failures are :class:`~library.errors.DocumentFetchError` with the
fetcher's kind (a 404 is fatal, a timeout temporary); a stale cached copy is served rather than
an error when a refresh fails for a temporary reason.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from library.cues import Cue, parse_cues
from library.errors import CastwiseError, CueParseError, DocumentFetchError, ErrorKind
from library.paths import resolve_paths

__all__ = ["DocumentCache", "Fetcher"]

Fetcher = Callable[..., bytes]
"""``fetcher(url, max_bytes, deadline_s) -> body``, called with ``auth=(user, password)`` as well
when the document needs HTTP basic auth; raises a :class:`CastwiseError` on failure."""

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
"""Chapters are a few KB and a three-hour word-level JSON transcript a few MB."""
DEFAULT_DEADLINE_S = 30.0
DEFAULT_MAX_AGE_S = 7 * 24 * 3600.0
"""Publishers fix chapters after release; a week-old copy is fetched again when next needed."""


def _default_fetcher(url: str, max_bytes: int, deadline_s: float, *, auth: tuple[str, str] | None = None) -> bytes:
    # Imported on first use: httpx is not needed to read the cache.
    from library.feeds.fetch import fetch_document

    return fetch_document(url, max_bytes, deadline_s, auth=auth)


class DocumentCache:
    """Chapters and transcript documents by URL, fetched once and then read from disk.

    ``folder`` defaults to ``resolve_paths().documents_cache``; ``max_bytes`` and ``deadline_s``
    bound each fetch; a cached copy older than ``max_age_s`` seconds is fetched again (``None``:
    cached copies never expire).
    """

    def __init__(
        self,
        folder: Path | None = None,
        *,
        fetcher: Fetcher | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        deadline_s: float = DEFAULT_DEADLINE_S,
        max_age_s: float | None = DEFAULT_MAX_AGE_S,
    ) -> None:
        self.folder = folder if folder is not None else resolve_paths().documents_cache
        self._fetcher = fetcher or _default_fetcher
        self.max_bytes = max_bytes
        self.deadline_s = deadline_s
        self.max_age_s = max_age_s

    def path_for(self, url: str) -> Path:
        """Where the document for ``url`` is (or would be) cached."""
        return self.folder / hashlib.sha256(url.encode("utf-8")).hexdigest()

    def cached(self, url: str) -> bytes | None:
        """The cached document for ``url`` regardless of age, or ``None``; never fetches."""
        try:
            return self.path_for(url).read_bytes()
        except FileNotFoundError:
            return None

    def get(self, url: str, *, refresh: bool = False, auth: tuple[str, str] | None = None) -> bytes:
        """The document at ``url``: from the cache when present and fresh (and not ``refresh``),
        else fetched (with HTTP basic ``auth`` when given: a private feed's document) and cached.
        A failed refresh of a cached document serves the old copy when the failure is temporary;
        otherwise raises :class:`DocumentFetchError`."""
        path = self.path_for(url)
        stale: bytes | None = None
        with contextlib.suppress(FileNotFoundError):
            if not refresh and self._fresh(path):
                return path.read_bytes()
            stale = path.read_bytes()
        try:
            if auth is None:
                body = self._fetcher(url, self.max_bytes, self.deadline_s)
            else:
                body = self._fetcher(url, self.max_bytes, self.deadline_s, auth=auth)
        except CastwiseError as error:
            if stale is not None and error.kind is ErrorKind.TEMPORARY:
                return stale
            raise DocumentFetchError(error.message, kind=error.kind) from None
        if len(body) > self.max_bytes:
            # The fetcher enforces the cap; this guards fetchers that do not.
            raise DocumentFetchError(
                f"the document is larger than the {self.max_bytes:,} bytes allowed", kind=ErrorKind.FATAL
            )
        with contextlib.suppress(OSError):
            # A cache that cannot be written (full disk, read-only folder) costs a refetch next
            # time, not the document the listener asked for now.
            self._store(path, body)
        return body

    def cues(self, url: str, content_type: str | None = None, *, refresh: bool = False,
             auth: tuple[str, str] | None = None) -> list[Cue]:
        """The chapters or transcript at ``url`` as cues (see :func:`library.cues.parse_cues`).

        A document that does not parse is dropped from the cache (so a corrected one is fetched
        next time) and raises :class:`~library.errors.CueParseError`.
        """
        body = self.get(url, refresh=refresh, auth=auth)
        try:
            return parse_cues(body, content_type, url)
        except CueParseError:
            self.remove(url)
            raise

    def prefetch(self, urls: Iterable[str]) -> dict[str, CastwiseError | None]:
        """Fetch and cache each URL not cached yet (for a downloaded episode, so its chapters and
        transcript work offline). Returns each URL's error, or ``None`` when it is cached."""
        outcomes: dict[str, CastwiseError | None] = {}
        for url in urls:
            try:
                self.get(url)
                outcomes[url] = None
            except CastwiseError as error:
                outcomes[url] = error
        return outcomes

    def remove(self, url: str) -> None:
        """Forget the cached document for ``url`` (no error if there is none)."""
        self.path_for(url).unlink(missing_ok=True)

    def _fresh(self, path: Path) -> bool:
        modified = path.stat().st_mtime  # raises FileNotFoundError when absent
        return self.max_age_s is None or time.time() - modified <= self.max_age_s

    def _store(self, path: Path, body: bytes) -> None:
        # Write then rename, so a crash or a full disk never leaves half a document behind.
        self.folder.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.folder, prefix=".partial-")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(body)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
