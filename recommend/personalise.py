"""On-device personalisation of the ranking head from the listener's own events (numpy only).

The history is cut in time: the oldest 60% builds a profile and the next 20% (plus episodes that
were available then but never started, as negatives) trains a head; the newest 20% is held out and
scored with a profile of the oldest 80% by both the current and the new head. The new head is
installed only when its held-out AUC is higher: a model that does not beat the one it replaces
is never installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from recommend.catalog import EpisodeInfo
from recommend.head import RankingHead
from recommend.profile import Signal, build_profile
from recommend.ranking import CandidateContext, candidate_features
from recommend.signals import Outcome, age_days

MIN_OUTCOMES = 12
NEGATIVES_PER_TARGET = 3


@dataclass(frozen=True)
class PersonalisationOutcome:
    installed: bool
    why: str
    before_auc: float | None = None
    after_auc: float | None = None
    examples: int = 0
    head: RankingHead | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "installed": self.installed, "why": self.why, "before_auc": self.before_auc,
            "after_auc": self.after_auc, "examples": self.examples,
        }


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Probability that a random positive outranks a random negative (ties count half)."""
    positives, negatives = scores[labels == 1], scores[labels == 0]
    greater = (positives[:, None] > negatives[None, :]).sum()
    ties = (positives[:, None] == negatives[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(positives) * len(negatives)))


def _examples(
    vectors: np.ndarray,
    episodes: Sequence[EpisodeInfo],
    history: Sequence[tuple[int, Outcome]],
    targets: Sequence[tuple[int, Outcome]],
    untouched: np.ndarray,
    now: datetime,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    signals = [Signal(row, o.weight, age_days(o.last_at, now)) for row, o in history if o.weight != 0]
    profile = build_profile(vectors, signals)
    if profile.empty or not targets:
        return np.zeros((0, 7)), np.zeros(0)
    count = min(len(untouched), NEGATIVES_PER_TARGET * len(targets))
    negatives = rng.choice(untouched, size=count, replace=False) if count else np.zeros(0, np.int64)
    rows = np.concatenate([np.array([row for row, _ in targets], dtype=np.int64), negatives.astype(np.int64)])
    labels = np.concatenate([np.array([1.0 if o.weight > 0 else 0.0 for _, o in targets]), np.zeros(len(negatives))])
    context = CandidateContext(
        popularity=np.zeros(len(rows)),
        show_affinity=np.zeros(len(rows)),
        age_days=np.array([age_days(episodes[r].published, now) if episodes[r].published else 1e4 for r in rows]),
        length_fit=np.full(len(rows), 0.5),
    )
    return candidate_features(profile, vectors[rows], context).features, labels


def personalise_head(
    vectors: np.ndarray,
    present: np.ndarray,
    episodes: Sequence[EpisodeInfo],
    outcomes: dict[int, Outcome],
    current: RankingHead,
    now: datetime,
    *,
    seed: int = 0,
) -> PersonalisationOutcome:
    """Fit, compare and decide (see the module docstring); never raises for thin data."""
    row_of = {episode.id: row for row, episode in enumerate(episodes)}
    history = sorted(
        ((row_of[i], o) for i, o in outcomes.items() if i in row_of and present[row_of[i]]), key=lambda p: p[1].last_at
    )
    if len(history) < MIN_OUTCOMES:
        return PersonalisationOutcome(False, f"needs at least {MIN_OUTCOMES} episodes with a signal, has {len(history)}")
    touched = {row for row, _ in history}
    untouched = np.array([r for r in range(len(episodes)) if r not in touched and present[r]], dtype=np.int64)
    rng = np.random.default_rng(seed)
    first, second = int(len(history) * 0.6), int(len(history) * 0.8)
    train_x, train_y = _examples(vectors, episodes, history[:first], history[first:second], untouched, now, rng)
    test_x, test_y = _examples(vectors, episodes, history[:second], history[second:], untouched, now, rng)
    if len(set(train_y.tolist())) < 2 or len(set(test_y.tolist())) < 2:
        return PersonalisationOutcome(False, "the history has no contrast yet (likes and dislikes/unplayed)")
    candidate = current.fit(train_x, train_y, l2=3.0)
    before = roc_auc(test_y, current.score(test_x))
    after = roc_auc(test_y, candidate.score(test_x))
    if after > before:
        return PersonalisationOutcome(True, "ranks your recent listening better", before, after, len(train_y), candidate)
    return PersonalisationOutcome(False, "not better than the current ranking; kept it", before, after, len(train_y))
