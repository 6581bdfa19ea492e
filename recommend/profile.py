"""A listener's taste as a few interest vectors, built from what they did with episodes.

Input is one :class:`Signal` per episode (already summarised from listening events by
:mod:`recommend.signals`): a signed weight (finished or liked: positive; skipped, abandoned early
or "not interested": negative) and its age. Recent signals count more (exponential decay with a
half-life in days). Positives are clustered (weighted spherical k-means), so a listener of both
history and comedy gets two interests instead of one blurred average; negatives are kept as
individual vectors so "more like what I disliked" can be pushed down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

DEFAULT_HALF_LIFE_DAYS = 90.0
MAX_INTERESTS = 6
# Per interest, at least this many positives before another cluster is worth opening.
POSITIVES_PER_INTEREST = 4


@dataclass(frozen=True)
class Signal:
    """What one episode tells about the listener."""

    item: int
    """Row of the episode in the vectors passed to :func:`build_profile`."""
    weight: float
    """Positive: liked/finished (1.0 = finished, more for an explicit like); negative: disliked."""
    age_days: float = 0.0
    """How long ago the listener acted on it (days); older signals decay."""


@dataclass
class Profile:
    """Interest centroids with weights, the positive and negative history, and its decayed weights."""

    dims: int
    centroids: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    """[k, dims] unit vectors, one per interest."""
    interest_weights: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    """[k] shares of the (decayed) positive weight, summing to 1."""
    members: list[list[int]] = field(default_factory=list)
    """Per interest, the ``Signal.item`` rows in it, strongest first (used for explanations)."""
    positive_items: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    positive_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    positive_weights: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    negative_items: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    negative_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))

    @property
    def empty(self) -> bool:
        return len(self.positive_items) == 0


def decay(age_days: np.ndarray, half_life_days: float = DEFAULT_HALF_LIFE_DAYS) -> np.ndarray:
    """Weight multiplier for signals ``age_days`` old: 1 today, 0.5 after one half-life."""
    return np.power(0.5, np.maximum(age_days, 0.0) / half_life_days).astype(np.float32)


def build_profile(
    vectors: np.ndarray,
    signals: list[Signal],
    *,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    max_interests: int = MAX_INTERESTS,
    seed: int = 0,
) -> Profile:
    """The profile of ``signals`` over the unit row vectors ``vectors`` ([n, dims]).

    Several signals for one item are summed. Deterministic for a given ``seed``.
    """
    dims = int(vectors.shape[1])
    by_item: dict[int, float] = {}
    for signal in signals:
        decayed = signal.weight * float(decay(np.array([signal.age_days]), half_life_days)[0])
        by_item[signal.item] = by_item.get(signal.item, 0.0) + decayed
    positives = sorted((item for item, w in by_item.items() if w > 0), key=lambda i: -by_item[i])
    negatives = sorted((item for item, w in by_item.items() if w < 0), key=lambda i: by_item[i])
    profile = Profile(dims=dims)
    profile.negative_items = np.asarray(negatives, dtype=np.int64)
    profile.negative_vectors = vectors[profile.negative_items] if negatives else np.zeros((0, dims), np.float32)
    if not positives:
        profile.centroids = np.zeros((0, dims), dtype=np.float32)
        profile.positive_vectors = np.zeros((0, dims), dtype=np.float32)
        return profile
    items = np.asarray(positives, dtype=np.int64)
    weights = np.asarray([by_item[i] for i in positives], dtype=np.float32)
    points = vectors[items].astype(np.float32)
    k = max(1, min(max_interests, len(items) // POSITIVES_PER_INTEREST))
    centroids, labels = spherical_kmeans(points, weights, k, seed=seed)
    shares = np.array([weights[labels == c].sum() for c in range(len(centroids))], dtype=np.float32)
    keep = shares > 0
    centroids, shares = centroids[keep], shares[keep]
    remap = {old: new for new, old in enumerate(np.flatnonzero(keep))}
    profile.centroids = centroids
    profile.interest_weights = shares / shares.sum()
    profile.members = [[] for _ in range(len(centroids))]
    for row, label in enumerate(labels):  # rows are already strongest first
        if int(label) in remap:
            profile.members[remap[int(label)]].append(int(items[row]))
    profile.positive_items = items
    profile.positive_vectors = points
    profile.positive_weights = weights
    return profile


def spherical_kmeans(
    points: np.ndarray, weights: np.ndarray, k: int, *, seed: int = 0, iterations: int = 20
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted k-means on the unit sphere (cosine). Returns ([k, d] unit centroids, [n] labels).

    Seeds with k-means++ (deterministic for ``seed``); fewer distinct points than ``k`` gives fewer
    clusters.
    """
    n = len(points)
    k = max(1, min(k, n))
    rng = np.random.default_rng(seed)
    chosen = [int(np.argmax(weights))]
    for _ in range(1, k):
        similarity = (points @ points[chosen].T).max(axis=1)
        distance = np.clip(1.0 - similarity, 0.0, None) * weights
        if distance.sum() <= 1e-9:
            break
        chosen.append(int(rng.choice(n, p=distance / distance.sum())))
    centroids = points[chosen].copy()
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(iterations):
        new_labels = np.argmax(points @ centroids.T, axis=1)
        if _ > 0 and np.array_equal(new_labels, labels):
            break
        labels = new_labels
        for c in range(len(centroids)):
            mask = labels == c
            if mask.any():
                centroids[c] = (points[mask] * weights[mask, None]).sum(axis=0)
        centroids = normalize_rows(centroids)
    return centroids, labels


def normalize_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def duration_preference(durations_s: np.ndarray, weights: np.ndarray) -> tuple[float, float] | None:
    """(mean, spread) of log-duration over positively weighted episodes; None with fewer than 3."""
    mask = (weights > 0) & (durations_s > 0)
    if mask.sum() < 3:
        return None
    logs = np.log(durations_s[mask])
    w = weights[mask] / weights[mask].sum()
    mean = float((logs * w).sum())
    spread = math.sqrt(float((((logs - mean) ** 2) * w).sum())) + 0.25  # floor: never infinitely picky
    return mean, spread
