"""The playback controller over the null engine with a hand-driven clock: resume, skips,
chapters, speed, sleep timer, completion, position saving, listening events and auto-advance.
(The VLC engine is held to the same engine contract in test_engine_contract.py.)"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest

from player.controller import (
    EpisodeMedia,
    EventKind,
    ListeningEvent,
    PlaybackController,
    PositionCheckpoint,
    SleepMode,
)
from player.engine import PlaybackError, PlaybackErrorKind, PlaybackState
from player.null_engine import ManualClock, NullEngine, NullMedia
from player.queue import PlayQueue

MINUTE_MS = 60_000
CHAPTERS = [(0, "Intro"), (60_000, "Interview"), (240_000, "Outro")]


@dataclass
class Harness:
    clock: ManualClock
    engine: NullEngine
    controller: PlaybackController
    checkpoints: list[PositionCheckpoint] = field(default_factory=list)
    events: list[ListeningEvent] = field(default_factory=list)
    completed: list[int] = field(default_factory=list)
    errors: list[tuple[int, PlaybackError]] = field(default_factory=list)
    slept: int = 0

    def run(self, seconds: float, step: float = 0.25) -> None:
        """Let ``seconds`` of wall time pass, ticking like the GUI's timer."""
        for _ in range(round(seconds / step)):
            self.clock.advance(step)
            self.controller.tick()

    def kinds(self) -> list[EventKind]:
        return [event.kind for event in self.events]

    def _on_sleep(self) -> None:
        self.slept += 1


MEDIA = {
    1: EpisodeMedia(1, "/episodes/one.mp3", duration_ms=5 * MINUTE_MS, chapters=CHAPTERS, title="One"),
    2: EpisodeMedia(2, "https://example.invalid/two.mp3", duration_ms=2 * MINUTE_MS, podcast_rate=1.5),
    3: EpisodeMedia(3, "/episodes/gone.mp3"),
}


@pytest.fixture
def harness() -> Harness:
    clock = ManualClock(1000.0)
    engine = NullEngine(clock=clock)
    engine.add_media("/episodes/one.mp3", NullMedia(duration_ms=5 * MINUTE_MS))
    engine.add_media("https://example.invalid/two.mp3", NullMedia(duration_ms=2 * MINUTE_MS))
    controller = PlaybackController(
        engine, play_queue=PlayQueue(), resolve=MEDIA.get, clock=clock, wall_clock=clock,
        skip_forward_s=30, skip_back_s=15,
    )
    h = Harness(clock, engine, controller)
    controller.position_checkpointed.connect(h.checkpoints.append)
    controller.listening_event_occurred.connect(h.events.append)
    controller.episode_completed.connect(h.completed.append)
    controller.error_occurred.connect(lambda episode, error: h.errors.append((episode, error)))
    controller.sleep_timer_fired.connect(h._on_sleep)
    return h


def test_resumes_where_the_listener_left_off_and_saves_the_position_every_two_seconds(harness: Harness) -> None:
    media = EpisodeMedia(1, "/episodes/one.mp3", start_ms=90_000, duration_ms=5 * MINUTE_MS)
    harness.controller.open(media)
    assert harness.controller.position_ms() == 90_000
    harness.run(10)
    assert harness.controller.position_ms() == 100_000
    periodic = [c for c in harness.checkpoints if c.reason == "periodic"]
    assert len(periodic) >= 4
    # Never more than 2 s of playback between two saved positions.
    saved = [90_000] + [c.position_ms for c in periodic]
    assert max(b - a for a, b in itertools.pairwise(saved)) <= 2000
    assert harness.events[0].kind is EventKind.PLAY and harness.events[0].position_ms == 90_000


def test_at_high_speed_positions_are_saved_every_two_seconds_of_the_episode(harness: Harness) -> None:
    harness.controller.open(EpisodeMedia(1, "/episodes/one.mp3", episode_rate=3.0))
    harness.run(6)  # 18 s of the episode
    saved = [0] + [c.position_ms for c in harness.checkpoints if c.reason == "periodic"]
    assert saved[-1] >= 16_000
    assert max(b - a for a, b in itertools.pairwise(saved)) <= 2000


def test_pause_seek_stop_and_quit_each_save_the_position_and_are_recorded(harness: Harness) -> None:
    harness.controller.open(MEDIA[1])
    harness.run(3)
    harness.controller.pause()
    assert harness.checkpoints[-1].reason == "pause" and harness.checkpoints[-1].position_ms == 3000
    harness.run(5)  # paused: time passes, the position does not
    assert harness.controller.position_ms() == 3000
    harness.controller.seek(100_000)
    assert harness.checkpoints[-1].reason == "seek" and harness.checkpoints[-1].position_ms == 100_000
    harness.controller.play()
    harness.run(1)
    harness.controller.stop()
    assert harness.checkpoints[-1].reason == "stop" and harness.checkpoints[-1].position_ms == 101_000
    harness.controller.quit()
    assert harness.checkpoints[-1].reason == "quit"
    assert harness.kinds() == [EventKind.PLAY, EventKind.PAUSE, EventKind.SEEK, EventKind.PLAY]
    seek = harness.events[2]
    assert (seek.from_ms, seek.to_ms) == (3000, 100_000)


def test_skips_use_the_configured_seconds_and_stay_inside_the_episode(harness: Harness) -> None:
    harness.controller.open(MEDIA[1])
    harness.run(5)
    harness.controller.skip_forward()
    assert harness.controller.position_ms() == 35_000
    harness.controller.skip_back()
    harness.controller.skip_back()
    harness.controller.skip_back()
    assert harness.controller.position_ms() == 0  # clamped at the start
    harness.controller.seek(4 * MINUTE_MS + 50_000)
    harness.controller.skip_forward()
    assert harness.controller.position_ms() == 5 * MINUTE_MS
    skips = [e for e in harness.events if e.kind is EventKind.SKIP]
    assert [(e.from_ms, e.to_ms) for e in skips[:2]] == [(5000, 35_000), (35_000, 20_000)]


def test_chapter_navigation_and_chapter_changes(harness: Harness) -> None:
    changes: list[tuple[int, str]] = []
    harness.controller.chapter_changed.connect(lambda index, chapter: changes.append((index, chapter.title)))
    harness.controller.open(MEDIA[1])
    assert harness.controller.next_chapter() is True
    assert harness.controller.position_ms() == 60_000
    harness.run(1)
    assert harness.controller.current_chapter() == 1
    harness.run(5)
    harness.controller.previous_chapter()  # 6 s into "Interview": back to its start
    assert harness.controller.position_ms() == 60_000
    harness.run(1)
    harness.controller.previous_chapter()  # just past its start: the chapter before
    assert harness.controller.position_ms() == 0
    harness.controller.seek(250_000)
    assert harness.controller.next_chapter() is False  # in the last chapter
    harness.run(0.5)
    assert changes == [(1, "Interview"), (0, "Intro"), (2, "Outro")]


def test_chapters_that_arrive_after_the_start_are_used_for_the_open_episode_only(harness: Harness) -> None:
    announced: list[tuple[int, list[str]]] = []
    changes: list[str] = []
    harness.controller.chapters_changed.connect(
        lambda episode, chapters: announced.append((episode, [c.title for c in chapters])))
    harness.controller.chapter_changed.connect(lambda _index, chapter: changes.append(chapter.title))
    harness.controller.open(MEDIA[2])  # no chapters of its own
    harness.run(2)
    assert harness.controller.next_chapter() is False
    assert harness.controller.set_chapters(1, CHAPTERS) is False  # not the open episode
    assert harness.controller.set_chapters(2, [(30_000, "Later"), (0, "Start")]) is True
    assert announced == [(2, ["Start", "Later"])]
    harness.run(0.5)
    assert changes == ["Start"]  # the chapter playing now is announced on the next tick
    assert harness.controller.next_chapter() is True
    assert harness.controller.position_ms() == 30_000
    assert harness.controller.current is not None and list(harness.controller.current.chapters) == [
        (30_000, "Later"), (0, "Start")]


def test_speed_comes_from_the_episode_then_the_podcast_and_changes_are_recorded(harness: Harness) -> None:
    harness.controller.open(MEDIA[2])  # the podcast's default: 1.5x
    assert harness.engine.rate == 1.5
    harness.run(2)
    assert harness.controller.position_ms() == 3000
    harness.controller.set_rate(2.0)
    assert harness.events[-1].kind is EventKind.RATE_CHANGE
    assert (harness.events[-1].previous_rate, harness.events[-1].rate) == (1.5, 2.0)
    with pytest.raises(ValueError):
        harness.controller.set_rate(3.5)
    override = EpisodeMedia(1, "/episodes/one.mp3", podcast_rate=1.5, episode_rate=0.75)
    harness.controller.open(override)
    assert harness.engine.rate == 0.75


def test_sleep_timer_fades_out_then_pauses_and_restores_the_volume(harness: Harness) -> None:
    harness.controller.set_volume(80)
    harness.controller.open(MEDIA[1])
    harness.controller.sleep_after(0.5)  # 30 s of playback
    harness.run(10)
    harness.controller.pause()  # paused time does not count
    harness.run(60)
    harness.controller.play()
    harness.run(14)  # 24 s played, 6 s left: no fade yet
    assert harness.engine.volume == 80 and harness.slept == 0
    harness.run(4.5)  # 1.5 s left of a 5 s fade
    assert 20 <= harness.engine.volume <= 30
    harness.run(2)
    assert harness.slept == 1
    assert harness.controller.state is PlaybackState.PAUSED
    assert harness.controller.position_ms() == 30_000
    assert harness.engine.volume == 80
    assert harness.controller.sleep_mode is None


def test_sleep_at_the_end_of_a_chapter(harness: Harness) -> None:
    harness.controller.open(MEDIA[1])
    harness.controller.sleep_at_end_of_chapter()
    assert harness.controller.sleep_mode is SleepMode.END_OF_CHAPTER
    harness.run(59.5)
    assert harness.slept == 0
    harness.run(1)
    assert harness.slept == 1 and harness.controller.state is PlaybackState.PAUSED
    assert 60_000 <= harness.controller.position_ms() <= 60_500


def test_completion_marks_played_and_auto_advances_through_the_queue(harness: Harness) -> None:
    harness.controller.queue.add(4)  # no longer in the library: skipped
    harness.controller.queue.add(2)
    started: list[int] = []
    harness.controller.episode_started.connect(lambda media: started.append(media.episode_id))
    harness.controller.open(MEDIA[1])
    harness.controller.seek(5 * MINUTE_MS - 10_000)
    harness.run(7.5)
    assert harness.completed == []
    harness.run(1)  # within 2 s of the end: complete, still playing out
    assert harness.completed == [1]
    assert harness.controller.current is not None and harness.controller.current.episode_id == 1
    harness.run(2)  # the end: the next playable queued episode starts
    assert harness.completed == [1]
    assert started == [1, 2]
    assert harness.controller.queue.items == []
    complete = [c for c in harness.checkpoints if c.completed and c.episode_id == 1]
    assert complete and complete[0].reason == "complete"
    assert [e.kind for e in harness.events if e.episode_id == 1][-1] is EventKind.COMPLETE
    assert harness.controller.state is PlaybackState.PLAYING


def test_sleep_at_end_of_episode_stops_auto_advance(harness: Harness) -> None:
    finished: list[bool] = []
    harness.controller.playback_finished.connect(lambda: finished.append(True))
    harness.controller.queue.add(2)
    harness.controller.open(MEDIA[1])
    harness.controller.sleep_at_end_of_episode()
    harness.controller.seek(5 * MINUTE_MS - 1000)
    harness.run(2)
    assert harness.completed == [1] and harness.slept == 1
    assert harness.controller.queue.items == [2]
    assert harness.controller.current is not None and harness.controller.current.episode_id == 1
    assert finished == [True]


def test_without_auto_advance_the_end_finishes_playback_and_keeps_the_queue(harness: Harness) -> None:
    finished: list[bool] = []
    harness.controller.playback_finished.connect(lambda: finished.append(True))
    harness.controller.auto_advance = False
    harness.controller.queue.add(2)
    harness.controller.open(MEDIA[1])
    harness.controller.seek(5 * MINUTE_MS - 1000)
    harness.run(2)
    assert finished == [True] and harness.completed == [1]
    assert harness.controller.queue.items == [2]
    assert harness.controller.state is PlaybackState.ENDED


def test_a_failing_episode_reports_a_typed_error_and_the_next_one_plays(harness: Harness) -> None:
    harness.controller.open(MEDIA[3])
    harness.run(0.5)
    assert len(harness.errors) == 1
    episode_id, error = harness.errors[0]
    assert episode_id == 3 and error.kind is PlaybackErrorKind.NOT_FOUND
    assert "gone.mp3" in error.message
    harness.controller.open(MEDIA[1])
    harness.run(1)
    assert harness.controller.state is PlaybackState.PLAYING and harness.controller.position_ms() == 1000
