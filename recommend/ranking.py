"""Scoring candidates against a profile, diversity, and the features behind each explanation.

Everything here works on plain arrays so the same code ranks the listener's library and the
offline evaluation (``benchmarks.rec_quality``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from recommend.head import FEATURES, RankingHead
from recommend.profile import Profile

# Sharpness of the soft maximum over interests: high enough that a strong match to one small
# interest beats a weak match to the big one.
INTEREST_TEMPERATURE = 12.0
NEAREST_K = 3
FRESH_HALF_LIFE_DAYS = 7.0
MAX_RUN_PER_SHOW = 2
"""No more than this many episodes of one show in a row (the issue asks for fewer than five)."""


@dataclass(frozen=True)
class CandidateContext:
    """Per-candidate facts beyond the text vector; arrays of length m (0 where unknown)."""

    popularity: np.ndarray
    """log(1 + plays) or any monotone popularity prior."""
    show_affinity: np.ndarray
    """How the listener treats the show: completion share in [0, 1], 0 when never played."""
    age_days: np.ndarray
    """Days since publication (large when unknown)."""
    length_fit: np.ndarray
    """How well the duration fits the lengths the listener finishes, in [0, 1]; 0.5 unknown."""

    @classmethod
    def neutral(cls, m: int) -> CandidateContext:
        return cls(np.zeros(m), np.zeros(m), np.full(m, 1e4), np.full(m, 0.5))


@dataclass(frozen=True)
class Scored:
    """Scores and, per candidate, the strongest reason: its nearest history item and interest."""

    scores: np.ndarray
    features: np.ndarray
    nearest_item: np.ndarray
    """``Signal.item`` of the most similar positive history item (-1 when there is none)."""
    nearest_similarity: np.ndarray
    interest: np.ndarray
    """Index of the best-matching interest (-1 when there is none)."""


def candidate_features(profile: Profile, vectors: np.ndarray, context: CandidateContext) -> Scored:
    """Features ([m, len(FEATURES)]) of candidates ``vectors`` ([m, dims] unit rows); scores are 0."""
    m = len(vectors)
    features = np.zeros((m, len(FEATURES)), dtype=np.float64)
    nearest_item = np.full(m, -1, dtype=np.int64)
    nearest_similarity = np.zeros(m, dtype=np.float64)
    interest = np.full(m, -1, dtype=np.int64)
    if not profile.empty and m:
        to_interests = vectors @ profile.centroids.T  # [m, k]
        logits = INTEREST_TEMPERATURE * to_interests + np.log(profile.interest_weights + 1e-9)
        top = logits.max(axis=1, keepdims=True)
        features[:, 0] = (top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))) / INTEREST_TEMPERATURE
        interest = np.argmax(to_interests, axis=1)
        to_history = vectors @ profile.positive_vectors.T  # [m, p]
        k = min(NEAREST_K, to_history.shape[1])
        best = np.partition(to_history, -k, axis=1)[:, -k:]
        features[:, 1] = best.mean(axis=1)
        nearest = np.argmax(to_history, axis=1)
        nearest_item = profile.positive_items[nearest]
        nearest_similarity = to_history[np.arange(m), nearest]
    if len(profile.negative_items) and m:
        features[:, 2] = (vectors @ profile.negative_vectors.T).max(axis=1)
    features[:, 3] = context.popularity
    features[:, 4] = context.show_affinity
    features[:, 5] = np.power(0.5, np.clip(context.age_days, 0, None) / FRESH_HALF_LIFE_DAYS)
    features[:, 6] = context.length_fit
    return Scored(np.zeros(m), features, nearest_item, nearest_similarity, interest)


def score_candidates(
    profile: Profile, vectors: np.ndarray, context: CandidateContext, head: RankingHead | None = None
) -> Scored:
    """Candidates scored by ``head`` (the default head when None) on :func:`candidate_features`."""
    scored = candidate_features(profile, vectors, context)
    scores = (head or RankingHead()).score(scored.features)
    return Scored(scores, scored.features, scored.nearest_item, scored.nearest_similarity, scored.interest)


def diversify(order: Sequence[int], shows: Sequence[object], limit: int, *, max_run: int = MAX_RUN_PER_SHOW) -> list[int]:
    """Take ``order`` (best first) into at most ``limit`` picks with no more than ``max_run``
    consecutive picks from one show; a held-back pick comes back as soon as it is allowed.

    ``shows[i]`` is the show of candidate ``i``. When only one show is left, its episodes fill up
    the list rather than leaving it short.
    """
    picked: list[int] = []
    waiting: list[int] = []
    remaining = deque(order)

    def allowed(candidate: int) -> bool:
        run = 0
        for index in reversed(picked[-max_run:]):
            if shows[index] != shows[candidate]:
                break
            run += 1
        return run < max_run

    while len(picked) < limit and (waiting or remaining):
        choice = next((candidate for candidate in waiting if allowed(candidate)), None)
        if choice is not None:
            waiting.remove(choice)
        else:
            while remaining:
                candidate = remaining.popleft()
                if allowed(candidate):
                    choice = candidate
                    break
                waiting.append(candidate)
            if choice is None:  # only over-represented shows remain: fill up anyway
                choice = waiting.pop(0)
        picked.append(choice)
    return picked
