"""From listening events to per-episode outcomes, and the profile built on them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from recommend.catalog import EpisodeInfo, EventInfo, episode_text
from recommend.profile import Signal, build_profile
from recommend.ranking import diversify
from recommend.signals import summarise

NOW = datetime(2026, 11, 20, tzinfo=UTC)
HOUR_MS = 3_600_000


def _episode(episode_id: int, *, played: bool = False, position_ms: int = 0) -> EpisodeInfo:
    return EpisodeInfo(episode_id, 1, "Show", f"Episode {episode_id}", "text", NOW, HOUR_MS, played, position_ms)


def _event(episode_id: int, kind: str, *, position_ms: int | None = None, from_ms: int | None = None,
           to_ms: int | None = None, days_ago: float = 3) -> EventInfo:
    return EventInfo(episode_id, kind, position_ms, from_ms, to_ms, NOW - timedelta(days=days_ago))


def test_finishing_liking_and_dismissing_weigh_as_a_listener_means_them() -> None:
    episodes = [_episode(i) for i in range(1, 8)]
    events = [
        _event(1, "play", position_ms=0), _event(1, "complete", position_ms=HOUR_MS),
        _event(2, "play", position_ms=0), _event(2, "complete", position_ms=HOUR_MS), _event(2, "like"),
        _event(3, "play", position_ms=0), _event(3, "pause", position_ms=HOUR_MS // 2),
        _event(4, "play", position_ms=0), _event(4, "skip", from_ms=60_000, to_ms=HOUR_MS),
        _event(5, "play", position_ms=0), _event(5, "pause", position_ms=120_000),
        _event(6, "play", position_ms=0), _event(6, "not_interested"), _event(6, "complete", position_ms=HOUR_MS),
        _event(7, "like"), _event(7, "clear_rating"),
    ]
    outcomes = summarise(episodes, events, now=NOW)
    assert outcomes[1].weight == 1.0 and outcomes[1].finished
    assert outcomes[2].weight == 2.0 and outcomes[2].liked
    assert outcomes[3].weight == 0.5 and outcomes[3].completion == 0.5
    assert outcomes[4].weight < 0 and outcomes[4].skipped_early and not outcomes[4].finished  # a skip to the end is no completion
    assert outcomes[5].weight < 0  # started, 3% heard, left for days: abandoned early
    assert outcomes[6].weight == -2.0 and outcomes[6].not_interested
    assert not outcomes[7].liked and outcomes[7].weight == 0


def test_a_fresh_start_is_not_yet_an_abandon() -> None:
    outcomes = summarise([_episode(1)], [_event(1, "play", position_ms=0, days_ago=0.01)], now=NOW)
    assert outcomes[1].weight == 0


def test_a_played_flag_alone_counts_as_finished() -> None:
    outcomes = summarise([_episode(1, played=True)], [], now=NOW)
    assert outcomes[1].finished and outcomes[1].weight == 1.0


def test_two_tastes_make_two_interests_not_one_blend() -> None:
    rng = np.random.default_rng(0)
    history, comedy = rng.standard_normal(16), rng.standard_normal(16)
    vectors = np.vstack([history + 0.1 * rng.standard_normal((6, 16)), comedy + 0.1 * rng.standard_normal((6, 16))])
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    profile = build_profile(vectors, [Signal(i, 1.0, float(i)) for i in range(12)])
    assert len(profile.centroids) >= 2
    groups = [set(members) for members in profile.members]
    assert all(group <= set(range(6)) or group <= set(range(6, 12)) for group in groups)


def test_recent_signals_count_more() -> None:
    vectors = np.eye(4, dtype=np.float32)
    profile = build_profile(vectors, [Signal(0, 1.0, 0.0), Signal(1, 1.0, 365.0)], max_interests=1)
    assert profile.positive_weights[0] > 10 * profile.positive_weights[1]


def test_diversity_never_lets_one_show_run_long() -> None:
    shows = ["a"] * 8 + ["b", "c"]
    picks = diversify(list(range(10)), shows, 10, max_run=2)
    runs = [shows[p] for p in picks]
    assert sorted(picks) == list(range(10))
    assert picks[:3] == [0, 1, 8]  # the third "a" waits for the best other show
    longest = max(len(run) for run in "".join(runs).replace("b", " ").replace("c", " ").split())
    assert longest <= 6  # only the leftover "a"s fill the tail once nothing else is left


def test_episode_text_is_plain_and_bounded() -> None:
    text = episode_text("Roman Times", "Caesar", "<p>The <b>Rubicon</b> &amp; the legions</p>" + "x" * 5000)
    assert text.startswith("Roman Times: Caesar. The Rubicon & the legions")
    assert "<" not in text and len(text) <= 2000
