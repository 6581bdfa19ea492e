"""Learning the shipped parts of the ranker from public interaction data (numpy only).

Two things are learned from a *population* of listeners who are never the ones being served:
the text -> collaborative :class:`~recommend.adapter.Adapter` and the default
:class:`~recommend.head.RankingHead` weights. Each population history is split in time: its early
part builds a profile exactly as on the device, its late part (plus popular unseen items as
negatives) provides labelled examples of what the listener went on to like.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from recommend.adapter import Adapter
from recommend.head import RankingHead
from recommend.profile import Signal, build_profile
from recommend.ranking import CandidateContext, candidate_features


@dataclass(frozen=True)
class History:
    """One listener's time-ordered history: item rows, labels (1 liked, 0 not) and signal weights."""

    items: np.ndarray
    labels: np.ndarray
    weights: np.ndarray
    """Signed signal weights for the profile (positive liked, negative disliked, 0 neutral)."""
    ages_days: np.ndarray


def fit_adapter(
    text_vectors: np.ndarray,
    histories: Sequence[History],
    *,
    factors: int = 48,
    ridge: float = 1.0,
    mix: float = 1.0,
    min_listeners: int = 2,
) -> Adapter | None:
    """Ridge map from text vectors to item factors of the population's positives.

    Item factors come from a truncated SVD of the listener x item matrix (rows scaled to unit
    length so heavy listeners do not dominate). Items liked by fewer than ``min_listeners``
    listeners are left out of the regression. None when there is too little data.
    """
    n_items = len(text_vectors)
    rows = [np.unique(h.items[h.labels > 0]) for h in histories]
    rows = [r for r in rows if len(r)]
    if len(rows) < 8:
        return None
    matrix = np.zeros((len(rows), n_items), dtype=np.float32)
    for index, items in enumerate(rows):
        matrix[index, items] = 1.0 / np.sqrt(len(items))
    counts = (matrix > 0).sum(axis=0)
    warm = np.flatnonzero(counts >= min_listeners)
    if len(warm) < factors * 2:
        return None
    _, singular, right = np.linalg.svd(matrix[:, warm], full_matrices=False)
    k = min(factors, len(singular))
    item_factors = (right[:k].T * np.sqrt(singular[:k])).astype(np.float64)  # [warm, k]
    x = text_vectors[warm].astype(np.float64)
    gram = x.T @ x + ridge * np.eye(x.shape[1])
    weights = np.linalg.solve(gram, x.T @ item_factors)
    return Adapter(weights=weights.astype(np.float32), mix=mix)


def training_examples(
    vectors: np.ndarray,
    histories: Sequence[History],
    popularity: np.ndarray,
    *,
    negatives_per_listener: int = 50,
    profile_share: float = 0.8,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels for fitting a head: early history -> profile, late history -> labels.

    ``popularity`` is the per-item prior (log counts); negatives are sampled in proportion to it,
    among items the listener never touched.
    """
    rng = np.random.default_rng(seed)
    sample_p = np.expm1(popularity)
    sample_p = sample_p / sample_p.sum()
    all_features: list[np.ndarray] = []
    all_labels: list[np.ndarray] = []
    for history in histories:
        cut = int(len(history.items) * profile_share)
        late_labels = history.labels[cut:]
        if cut < 3 or late_labels.sum() == 0:
            continue
        signals = [
            Signal(int(i), float(w), float(a))
            for i, w, a in zip(history.items[:cut], history.weights[:cut], history.ages_days[:cut], strict=True)
            if w != 0
        ]
        profile = build_profile(vectors, signals, seed=seed)
        if profile.empty:
            continue
        seen = set(history.items.tolist())
        drawn = rng.choice(len(vectors), size=negatives_per_listener * 2, replace=False, p=sample_p)
        negatives = np.array([i for i in drawn if i not in seen][:negatives_per_listener], dtype=np.int64)
        candidates = np.concatenate([history.items[cut:], negatives])
        labels = np.concatenate([late_labels, np.zeros(len(negatives))])
        context = CandidateContext.neutral(len(candidates))
        context = CandidateContext(popularity[candidates], context.show_affinity, context.age_days, context.length_fit)
        all_features.append(candidate_features(profile, vectors[candidates], context).features)
        all_labels.append(labels)
    if not all_features:
        return np.zeros((0, 7)), np.zeros(0)
    return np.vstack(all_features), np.concatenate(all_labels)


def fit_head(features: np.ndarray, labels: np.ndarray, *, l2: float = 1.0) -> RankingHead:
    """The shipped head fitted on population examples (the default head when there are none)."""
    if len(labels) == 0:
        return RankingHead()
    return RankingHead().fit(features, labels, l2=l2)
