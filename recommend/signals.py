"""From listening events to one outcome per episode: how far, liked or not, and how long ago.

Rules (weights feed :func:`recommend.profile.build_profile`):
- finished (a ``complete`` event, a played flag, or 90% heard): +1.0; an explicit ``like``: +1.0
  more; a vote or comment: +0.5 (engagement).
- heard half: +0.5; a little: +0.1.
- abandoned early (started, under 10% heard, and left for a day) or skipped away at under 20%:
  -0.5; "not interested": -2.0 and nothing positive counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from recommend.catalog import EpisodeInfo, EventInfo

FINISHED_SHARE = 0.9
EARLY_SHARE = 0.1
SKIP_SHARE = 0.2
ABANDON_AFTER = timedelta(days=1)


@dataclass
class Outcome:
    """What one episode says about the listener."""

    episode_id: int
    weight: float
    last_at: datetime
    completion: float
    """Share of the episode heard, 0..1 (1 when finished)."""
    finished: bool = False
    liked: bool = False
    not_interested: bool = False
    skipped_early: bool = False
    reasons: list[str] = field(default_factory=list)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def summarise(
    episodes: Sequence[EpisodeInfo], events: Sequence[EventInfo], *, now: datetime | None = None
) -> dict[int, Outcome]:
    """One :class:`Outcome` per episode with any event or playback state."""
    now = _aware(now or datetime.now(UTC))
    by_id = {episode.id: episode for episode in episodes}
    per_episode: dict[int, list[EventInfo]] = defaultdict(list)
    for event in events:
        per_episode[event.episode_id].append(event)
    for episode in episodes:
        if episode.played and episode.id not in per_episode:
            per_episode[episode.id] = []
    outcomes: dict[int, Outcome] = {}
    for episode_id, items in per_episode.items():
        episode = by_id.get(episode_id)
        if episode is None:
            continue
        kinds = [event.kind for event in items]
        # Where a seek or skip *started* was heard; where it landed was not (a skip to the end is
        # no completion), so ``to_ms`` and a stored position left by such a jump do not count.
        positions = [p for e in items for p in (e.position_ms, e.from_ms) if p is not None]
        jumped = any(e.kind in ("skip", "seek") for e in items)
        heard_ms = max([0 if jumped else episode.position_ms, *positions])
        duration = episode.duration_ms or 0
        finished = episode.played or "complete" in kinds or (duration > 0 and heard_ms >= FINISHED_SHARE * duration)
        completion = 1.0 if finished else (min(1.0, heard_ms / duration) if duration > 0 else 0.0)
        last_at = _aware(max((e.at for e in items), default=now))
        outcome = Outcome(episode_id, 0.0, last_at, completion, finished=finished)
        if finished:
            outcome.weight += 1.0
            outcome.reasons.append("finished")
        elif completion >= 0.5:
            outcome.weight += 0.5
        elif completion >= EARLY_SHARE:
            outcome.weight += 0.1
        skipped_early = any(
            e.kind == "skip" and (e.from_ms or e.position_ms or 0) < SKIP_SHARE * max(duration, 1) for e in items
        )
        abandoned = (
            "play" in kinds and not finished and completion < EARLY_SHARE and now - last_at >= ABANDON_AFTER
        )
        if (skipped_early or abandoned) and not finished:
            outcome.weight -= 0.5
            outcome.skipped_early = True
        latest_like = max((i for i, kind in enumerate(kinds) if kind == "like"), default=-1)
        latest_clear = max((i for i, kind in enumerate(kinds) if kind == "clear_rating"), default=-1)
        if latest_like > latest_clear:
            outcome.weight += 1.0
            outcome.liked = True
        if "vote" in kinds or "comment" in kinds:
            outcome.weight += 0.5
        if "not_interested" in kinds:
            outcome.weight = -2.0
            outcome.not_interested = True
        outcomes[episode_id] = outcome
    return outcomes


def age_days(moment: datetime, now: datetime) -> float:
    return max(0.0, (_aware(now) - _aware(moment)).total_seconds() / 86400.0)
