"""The ranking head: logistic regression over a few interpretable features (numpy only).

The shipped weights are a sensible default; :meth:`RankingHead.fit` trains new ones on the
listener's own events (on the device), pulled towards the current weights by an L2 prior so a
short history cannot swing them far. Features are standardised with statistics stored in the head.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FEATURES = ("interest", "nearest", "disliked", "popularity", "show_affinity", "freshness", "length_fit")
"""Feature names, in column order (see :func:`recommend.ranking.candidate_features`)."""

# Before any training: similarity to the listener's interests dominates; a disliked neighbour
# pushes down; the rest only break near-ties.
DEFAULT_WEIGHTS = (6.0, 6.0, -3.0, 0.3, 1.0, 0.5, 0.5)


@dataclass
class RankingHead:
    """score = w . features + bias (features used raw unless ``mean``/``scale`` are set)."""

    weights: np.ndarray = field(default_factory=lambda: np.asarray(DEFAULT_WEIGHTS, dtype=np.float64))
    bias: float = 0.0
    mean: np.ndarray = field(default_factory=lambda: np.zeros(len(FEATURES)))
    scale: np.ndarray = field(default_factory=lambda: np.ones(len(FEATURES)))
    trained_on: int = 0
    """How many labelled examples the weights were fitted to (0: the shipped defaults)."""

    def score(self, features: np.ndarray) -> np.ndarray:
        """Higher is better; [m] float64 for [m, len(FEATURES)] features."""
        return ((features - self.mean) / self.scale) @ self.weights + self.bias

    def fit(
        self,
        features: np.ndarray,
        labels: np.ndarray,
        *,
        l2: float = 1.0,
        iterations: int = 200,
        sample_weight: np.ndarray | None = None,
    ) -> RankingHead:
        """A new head fitted by Newton's method on weighted log-loss with an L2 pull to zero.

        ``labels`` are 1 (engaged) or 0. Returns ``self`` unchanged when one class is missing.
        """
        labels = labels.astype(np.float64)
        if labels.min() == labels.max():
            return self
        mean = features.mean(axis=0)
        scale = features.std(axis=0)
        scale = np.where(scale < 1e-6, 1.0, scale)
        x = np.hstack([(features - mean) / scale, np.ones((len(features), 1))])
        sw = np.ones(len(x)) if sample_weight is None else sample_weight.astype(np.float64)
        w = np.zeros(x.shape[1])
        penalty = np.full(x.shape[1], l2)
        penalty[-1] = 1e-6  # the bias is not shrunk
        for _ in range(iterations):
            p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
            gradient = x.T @ (sw * (p - labels)) + penalty * w
            hessian = (x * (sw * p * (1 - p))[:, None]).T @ x + np.diag(penalty)
            step = np.linalg.solve(hessian, gradient)
            w -= step
            if np.abs(step).max() < 1e-7:
                break
        return RankingHead(weights=w[:-1], bias=float(w[-1]), mean=mean, scale=scale, trained_on=len(labels))

    def to_dict(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "weights": self.weights.tolist(),
            "bias": self.bias,
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "trained_on": self.trained_on,
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> RankingHead:
        """The head stored at ``path``; the default head when it is missing, unreadable or for
        another feature set (a stale file must never break ranking)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if list(data["features"]) != list(FEATURES):
                return cls()
            return cls(
                weights=np.asarray(data["weights"], dtype=np.float64),
                bias=float(data["bias"]),
                mean=np.asarray(data["mean"], dtype=np.float64),
                scale=np.asarray(data["scale"], dtype=np.float64),
                trained_on=int(data.get("trained_on", 0)),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return cls()
