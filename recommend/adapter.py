"""An optional linear adapter that ships with a model: text vectors -> "listened together" space.

Text similarity says two episodes are *about* the same thing; it does not know that people who
finish one tend to finish the other. A shipped model may learn that from public interaction data
(never from the listener being served): :mod:`recommend.training.population` fits a ridge
regression from text vectors to collaborative item factors. At run time the adapted vector is
appended to the text vector, so cosine similarity mixes both views and new episodes (no
interactions yet) still get a collaborative estimate from their text alone.

Stored as ``adapter.npz`` in the model folder (``weights`` [dims, factors], ``mix`` scalar).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from recommend.profile import normalize_rows

ADAPTER_NAME = "adapter.npz"


@dataclass(frozen=True)
class Adapter:
    """``transform(x) = normalize([x, mix * normalize(x @ weights)])``."""

    weights: np.ndarray
    mix: float = 1.0

    def transform(self, vectors: np.ndarray) -> np.ndarray:
        """Item-space vectors ([n, dims + factors], unit rows) for unit text vectors ([n, dims])."""
        adapted = normalize_rows(vectors @ self.weights) * self.mix
        return normalize_rows(np.hstack([vectors, adapted]))

    def save(self, folder: Path) -> Path:
        path = folder / ADAPTER_NAME
        np.savez(path, weights=self.weights.astype(np.float32), mix=np.float32(self.mix))
        return path

    @classmethod
    def load(cls, folder: Path) -> Adapter | None:
        """The adapter in ``folder``; None when there is none or it does not fit (text only then)."""
        path = folder / ADAPTER_NAME
        if not path.is_file():
            return None
        try:
            with np.load(path) as data:
                return cls(weights=np.asarray(data["weights"], dtype=np.float32), mix=float(data["mix"]))
        except (OSError, ValueError, KeyError):
            return None


def item_space(vectors: np.ndarray, adapter: Adapter | None) -> np.ndarray:
    """The vectors ranking compares: text vectors, plus the adapter's view when there is one."""
    if adapter is None or adapter.weights.shape[0] != vectors.shape[1]:
        return vectors.astype(np.float32, copy=False)
    return adapter.transform(vectors)
