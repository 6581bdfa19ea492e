"""Background embedding of the library's episodes: batched, incremental, resumable, cancellable.

Only episodes whose text (hash) has no vector for the current model are embedded. Each batch is
written to the cache as soon as it is done, so an interrupted run (cancel, quit, crash) resumes
where it stopped. Batches of 16 at length 256 keep the encoder's memory near 0.6 GB. The caller
runs :meth:`EmbeddingIndexer.run` on a worker thread (the app's task helper, or
:meth:`start_in_thread`); it never touches the GUI.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from recommend.embedding_cache import EmbeddingCache, text_hash
from recommend.encoder import Encoder
from recommend.errors import EmbeddingCancelledError

DEFAULT_BATCH = 16

Progress = Callable[[int, int], None]
"""Called after each batch with (episodes embedded so far in this run, episodes to embed)."""


@dataclass(frozen=True)
class IndexResult:
    total: int
    """Episodes considered."""
    embedded: int
    """Newly embedded in this run (the rest were cached)."""


class EmbeddingIndexer:
    """Embeds texts missing from ``cache`` with ``encoder``."""

    def __init__(self, encoder: Encoder, cache: EmbeddingCache, *, batch_size: int = DEFAULT_BATCH) -> None:
        self.encoder = encoder
        self.cache = cache
        self.batch_size = batch_size

    def missing(self, texts: Sequence[str]) -> list[str]:
        """The distinct texts among ``texts`` that have no cached vector yet."""
        hashes = {text_hash(text): text for text in texts}
        cached = self.cache.get_many(self.encoder.model_id, hashes, self.encoder.dims)
        return [text for key, text in hashes.items() if key not in cached]

    def run(
        self,
        texts: Sequence[str],
        *,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> IndexResult:
        """Embed what is missing. Raises :class:`EmbeddingCancelledError` when ``cancel`` is set
        (checked between batches; finished batches stay cached)."""
        todo = self.missing(texts)
        done = 0
        if progress:
            progress(0, len(todo))
        for start in range(0, len(todo), self.batch_size):
            if cancel is not None and cancel.is_set():
                raise EmbeddingCancelledError(f"embedding cancelled after {done} of {len(todo)} episodes")
            batch = todo[start : start + self.batch_size]
            vectors = self.encoder.embed(batch, batch_size=self.batch_size)
            self.cache.put_many(self.encoder.model_id, [text_hash(t) for t in batch], vectors)
            done += len(batch)
            if progress:
                progress(done, len(todo))
        return IndexResult(total=len(texts), embedded=done)

    def start_in_thread(
        self, texts: Sequence[str], *, progress: Progress | None = None
    ) -> tuple[threading.Thread, threading.Event]:
        """Run :meth:`run` on a daemon thread; returns (thread, cancel event)."""
        cancel = threading.Event()

        def work() -> None:
            try:
                self.run(list(texts), progress=progress, cancel=cancel)
            except EmbeddingCancelledError:
                pass

        thread = threading.Thread(target=work, name="castwise-embedding", daemon=True)
        thread.start()
        return thread, cancel

    def vectors_for(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(vectors [n, dims], present [n] bool) for ``texts`` from the cache (zeros where absent)."""
        keys = [text_hash(text) for text in texts]
        cached = self.cache.get_many(self.encoder.model_id, keys, self.encoder.dims)
        vectors = np.zeros((len(texts), self.encoder.dims), dtype=np.float32)
        present = np.zeros(len(texts), dtype=bool)
        for row, key in enumerate(keys):
            vector = cached.get(key)
            if vector is not None:
                vectors[row] = vector
                present[row] = True
        return vectors, present
