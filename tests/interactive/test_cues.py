"""Time cues fire when playback crosses their moment, once, and not for parts a seek skipped."""

from __future__ import annotations

import pytest

from interactive.cues import Cue, CueTracker, cues_from_document
from protocol.interactions_document import InteractionsDocument

POLL = Cue("poll", "1", 60_000, "Best segment?")
QUESTION = Cue("question", "2", 120_000, "What next?")
COMMENT = Cue("comment", "9", 60_500, "Great intro")


def _labels(cues: list[Cue]) -> list[str]:
    return [cue.label for cue in cues]


def test_playback_crossing_a_moment_fires_its_cue_once() -> None:
    tracker = CueTracker([QUESTION, POLL])
    assert tracker.update(59_000) == []
    assert tracker.update(59_750) == []
    assert tracker.update(60_000) == [POLL]
    assert tracker.update(60_250) == []
    assert tracker.update(119_999 - 250) == []  # a seek forward (jump > 5 s) skipping nothing timed
    assert tracker.update(119_999) == []
    assert tracker.update(120_249) == [QUESTION]


def test_several_cues_between_two_ticks_fire_in_time_order() -> None:
    tracker = CueTracker([COMMENT, POLL])
    tracker.update(59_900)
    assert tracker.update(60_650) == [POLL, COMMENT]  # 3x speed: 750 ms per tick


def test_a_seek_past_a_cue_does_not_fire_it_but_landing_on_one_does() -> None:
    tracker = CueTracker([POLL, QUESTION])
    tracker.update(0)
    assert tracker.update(90_000) == []  # jumped over the poll
    assert tracker.update(60_000) == [POLL]  # clicked the poll's mark: landing exactly on it
    assert tracker.seek(120_000) == [QUESTION]


def test_replaying_a_part_does_not_fire_again_until_rearmed() -> None:
    tracker = CueTracker([POLL])
    tracker.update(59_800)
    assert tracker.update(60_100) == [POLL]
    tracker.seek(59_000)
    tracker.update(59_800)
    assert tracker.update(60_100) == []
    tracker.rearm()
    tracker.seek(59_800)
    assert tracker.update(60_100) == [POLL]


def test_starting_mid_episode_fires_nothing_behind_the_start() -> None:
    tracker = CueTracker([POLL, QUESTION])
    assert tracker.update(100_000) == []
    assert tracker.update(100_250) == []


def test_a_cue_at_the_very_start_fires_when_playback_starts_there() -> None:
    opening = Cue("poll", "0", 0, "Ready?")
    assert CueTracker([opening]).update(0) == [opening]


def test_cues_added_live_and_removed_take_effect() -> None:
    tracker = CueTracker()
    tracker.update(10_000)
    tracker.add([COMMENT])
    tracker.remove("comment", "9")
    tracker.add([Cue("comment", "10", 10_200, "late")])
    assert _labels(tracker.update(10_250)) == ["late"]
    assert [cue.id for cue in tracker.cues] == ["10"]


def test_cues_without_a_moment_are_listed_not_fired() -> None:
    anytime = Cue("question", "5", None, "Any feedback?")
    tracker = CueTracker([anytime, POLL])
    assert tracker.anytime == [anytime]
    tracker.update(59_999)
    assert tracker.update(60_000) == [POLL]


def test_cues_come_from_the_open_interactions_document() -> None:
    document = InteractionsDocument.model_validate({
        "episode": {"guid": "g", "title": "Episode"},
        "interactions": [
            {"type": "poll", "id": "7", "prompt": "Tea or coffee?", "kind": "single", "anchor_ms": 1_000,
             "options": [{"id": "1", "label": "Tea"}, {"id": "2", "label": "Coffee"}]},
            {"type": "question", "id": "8", "prompt": "Why?", "anchor_ms": None},
        ]})
    cues = cues_from_document(document)
    assert cues == [Cue("poll", "7", 1_000, "Tea or coffee?"), Cue("question", "8", None, "Why?")]


def test_a_non_positive_step_is_refused() -> None:
    with pytest.raises(ValueError):
        CueTracker(max_step_ms=0)


def test_replacing_the_cues_keeps_what_already_fired() -> None:
    tracker = CueTracker([POLL])
    tracker.update(59_900)
    assert tracker.update(60_000) == [POLL]
    tracker.replace([POLL, QUESTION])
    tracker.update(119_900)
    assert tracker.update(120_000) == [QUESTION]
    tracker.seek(59_000)
    tracker.update(59_900)
    assert tracker.update(60_100) == []
