"""Episode embeddings kept in their own SQLite file in the library's data folder.

Keyed by (model id, hash of the embedded text): a changed description or a new model simply
misses the cache, and an unchanged episode is never embedded twice. Vectors are float16 blobs
(half the space; far below the int8 model's own error). The file is Castwise's to delete at any
time (``castwise recommend --forget``); it is re-creatable from the library.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

CACHE_NAME = "embeddings.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    model_id TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model_id, text_hash)
) WITHOUT ROWID;
"""


def text_hash(text: str) -> str:
    """The cache key of ``text`` (SHA-256, hex, first 32 characters)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class EmbeddingCache:
    """A thread-safe store of unit vectors by (model id, text hash)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._writes = 0
        self._connection = sqlite3.connect(str(self.path), check_same_thread=False)
        with self._lock:
            self._connection.execute("PRAGMA journal_mode = WAL")
            self._connection.execute("PRAGMA synchronous = NORMAL")
            self._connection.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_many(self, model_id: str, hashes: Iterable[str], dims: int) -> dict[str, np.ndarray]:
        """The cached vectors (float32, [dims]) among ``hashes``; absent ones are left out."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(wanted), 500):  # SQLite's bound-parameter limit
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._connection.execute(
                    f"SELECT text_hash, vector FROM embeddings WHERE model_id = ? AND text_hash IN ({marks})",
                    [model_id, *chunk],
                ).fetchall()
                for key, blob in rows:
                    vector = np.frombuffer(blob, dtype=np.float16)
                    if len(vector) == dims:  # a vector of another size is stale: embed again
                        found[key] = vector.astype(np.float32)
        return found

    def put_many(self, model_id: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
        """Store ``vectors`` ([len(hashes), dims]) in one transaction."""
        rows = [
            (model_id, key, vector.astype(np.float16).tobytes()) for key, vector in zip(hashes, vectors, strict=True)
        ]
        with self._lock, self._connection:
            self._connection.executemany(
                "INSERT OR REPLACE INTO embeddings (model_id, text_hash, vector) VALUES (?, ?, ?)", rows
            )
            self._writes += 1

    def version(self) -> tuple[int, int]:
        """Changes whenever vectors were written, by this object or by another connection
        (SQLite's ``data_version``), so readers can keep vectors in memory until it does."""
        with self._lock:
            data_version = int(self._connection.execute("PRAGMA data_version").fetchone()[0])
            return self._writes, data_version

    def count(self, model_id: str | None = None) -> int:
        with self._lock:
            if model_id is None:
                return int(self._connection.execute("SELECT count(*) FROM embeddings").fetchone()[0])
            query = "SELECT count(*) FROM embeddings WHERE model_id = ?"
            return int(self._connection.execute(query, (model_id,)).fetchone()[0])

    def clear(self) -> None:
        """Forget every vector (the file stays, empty)."""
        with self._lock, self._connection:
            self._connection.execute("DELETE FROM embeddings")
            self._writes += 1
        with self._lock:
            self._connection.execute("VACUUM")
