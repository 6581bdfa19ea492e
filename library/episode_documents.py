"""An episode's ``podcast:chapters`` and ``podcast:transcript`` documents, fetched through the
:class:`~library.documents.DocumentCache` (cached on disk, with the feed fetch limits).

    documents = EpisodeDocuments(library)
    marks = documents.chapter_marks(episode.id)   # [(start_ms, title)] for the player
    cues = documents.transcript(episode.id)       # also indexed: `castwise search` finds its words
    documents.prefetch(episode.id)                # both, for a downloaded episode (offline use)

Every transcript fetched here is stored as plain text (:func:`library.cues_merge.transcript_text`)
in the search index (:func:`library.search.index_transcript`), so an episode is found by the words
said in it once its transcript has been read. All methods do network I/O when the document is
not cached: call them from a worker thread, never on a playback or UI path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from library.cues import Cue
from library.cues_merge import transcript_text
from library.db.engine import Library
from library.db.models import Episode, EpisodeTranscript, Podcast
from library.documents import DocumentCache
from library.errors import CastwiseError, NotFoundError
from library.search import index_transcript

__all__ = ["AuthFor", "EpisodeDocuments", "preferred_transcript"]

log = logging.getLogger(__name__)

# Richer formats first: JSON carries speakers and fine timing, SRT/VTT are close behind; HTML and
# plain-text transcripts have no timing and come last.
_TRANSCRIPT_PREFERENCE = ("application/json", "text/vtt", "application/x-subrip", "application/srt", "text/srt")


def preferred_transcript(transcripts: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    """The transcript entry (``url``, ``type``, ``language``...) to read, or None if none has a URL."""
    usable = [item for item in transcripts or [] if isinstance(item, dict) and item.get("url")]
    if not usable:
        return None

    def rank(item: dict[str, Any]) -> int:
        kind = str(item.get("type") or "").lower()
        return _TRANSCRIPT_PREFERENCE.index(kind) if kind in _TRANSCRIPT_PREFERENCE else len(_TRANSCRIPT_PREFERENCE)

    return min(usable, key=rank)


AuthFor = Callable[[Podcast, str], "tuple[str, str] | None"]
"""HTTP basic auth for a podcast's document at a URL (a private feed's:
:meth:`library.subscriptions.Subscriptions.enclosure_auth`)."""


class EpisodeDocuments:
    """Chapters and transcripts of library episodes. ``cache`` defaults to a
    :class:`DocumentCache` in the library's documents folder; ``auth_for`` gives the documents of
    a password-protected private feed their credentials."""

    def __init__(self, library: Library, cache: DocumentCache | None = None, *,
                 auth_for: AuthFor | None = None) -> None:
        self.library = library
        self.auth_for = auth_for
        self.cache = cache if cache is not None else DocumentCache(
            library.paths.documents_cache if library.paths is not None else None
        )

    def _episode(self, episode_id: int) -> tuple[str | None, str | None, dict[str, Any] | None]:
        with self.library.session() as session:
            episode = session.get(Episode, episode_id)
            if episode is None:
                raise NotFoundError(f"No episode {episode_id} in the library.")
            return episode.chapters_url, episode.chapters_type, preferred_transcript(episode.transcripts)

    def _auth(self, episode_id: int, url: str) -> tuple[str, str] | None:
        if self.auth_for is None:
            return None
        with self.library.session() as session:
            episode = session.get(Episode, episode_id)
            return self.auth_for(episode.podcast, url) if episode is not None else None

    def chapter_marks(self, episode_id: int) -> list[tuple[int, str]]:
        """The episode's ``podcast:chapters`` document as (start ms, title) marks in time order,
        without the chapters its author left out of the table of contents; ``[]`` when the
        episode names no chapters document. Raises :class:`~library.errors.CastwiseError`
        (fetch or parse) when the document cannot be had."""
        url, content_type, _transcript = self._episode(episode_id)
        if not url:
            return []
        cues = self.cache.cues(url, content_type or "application/json+chapters", auth=self._auth(episode_id, url))
        return [(cue.start_ms, cue.title) for cue in cues if cue.toc]

    def transcript(self, episode_id: int) -> list[Cue] | None:
        """The episode's preferred transcript as cues (None when it has none), indexed for search.
        Raises :class:`~library.errors.CastwiseError` when the document cannot be had."""
        _url, _type, entry = self._episode(episode_id)
        if entry is None:
            return None
        url = str(entry["url"])
        cues = self.cache.cues(url, entry.get("type"), auth=self._auth(episode_id, url))
        self._index(episode_id, cues, url, entry.get("language"))
        return cues

    def forget_transcript(self, episode_id: int) -> None:
        """Drop the cached copy of the episode's transcript, so the next read fetches it again."""
        _url, _type, entry = self._episode(episode_id)
        if entry is not None:
            self.cache.remove(str(entry["url"]))

    def _index(self, episode_id: int, cues: list[Cue], url: str, language: object) -> None:
        text = transcript_text(cues)
        with self.library.transaction() as session:
            row = session.get(EpisodeTranscript, episode_id)
            if row is not None and row.text == text and row.source_url == url:
                return  # read from the cache again: the index already has it
            if session.get(Episode, episode_id) is None:
                return  # unsubscribed while the document was fetched
            index_transcript(session, episode_id, text, language=str(language) if language else None,
                             source_url=url)

    def prefetch(self, episode_id: int) -> dict[str, CastwiseError | None]:
        """Fetch and cache the episode's chapters and transcript documents (so they work
        offline), indexing the transcript. Returns each document's error (None when it is
        cached) by kind, ``"chapters"`` and ``"transcript"``, for those the episode has."""
        url, _type, entry = self._episode(episode_id)
        outcomes: dict[str, CastwiseError | None] = {}
        jobs = (("chapters", bool(url), self.chapter_marks), ("transcript", entry is not None, self.transcript))
        for kind, present, fetch in jobs:
            if not present:
                continue
            try:
                fetch(episode_id)
                outcomes[kind] = None
            except CastwiseError as error:
                log.info("the %s of episode %s were not fetched: %s", kind, episode_id, error.message)
                outcomes[kind] = error
        return outcomes
