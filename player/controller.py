"""The playback controller: everything a listener does with an episode, over any :class:`Engine`.

It takes plain data (:class:`EpisodeMedia`: an id, a location, where to resume, chapters as
``(start_ms, title)``, the podcast's and the episode's speed) and publishes plain hooks; the app
stores what they carry. Positions and durations are milliseconds, intervals seconds.

Driving: call :meth:`PlaybackController.tick` every ~250 ms from one thread (a Qt timer, the
command line's loop, or :class:`Ticker`). The controller reads the engine's position there, saves
it at least every ``save_interval_s`` seconds of playback, advances the sleep timer and notices
chapter changes, completion and the engine's events (which it queues from the engine's thread and
handles in ``tick``, so every hook of the controller fires on the ticking thread or the thread
that called the command). A lock makes the commands safe to call from another thread.

Hooks:

- ``position_checkpointed(PositionCheckpoint)``: store the position (periodic, and on pause, seek,
  skip, stop, quit, completion and when another episode is opened).
- ``listening_event_occurred(ListeningEvent)``: play, pause, seek, skip, rate_change, complete.
- ``position_changed(position_ms, duration_ms | None)``: every tick while an episode is open.
- ``episode_started(EpisodeMedia)``, ``episode_completed(episode_id)``,
  ``chapter_changed(index, Chapter)``, ``chapters_changed(episode_id, list[Chapter])`` (chapters
  that arrived after the episode opened, see :meth:`PlaybackController.set_chapters`), ``error_occurred(episode_id, PlaybackError)``,
  ``sleep_timer_fired()``, ``playback_finished()`` (an episode ended and nothing follows: the
  queue is empty, auto-advance is off, or a sleep timer stopped at the end).
"""

from __future__ import annotations

import enum
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from player.chapters import Chapter, chapter_at, next_chapter_start, previous_chapter_start, sort_chapters
from player.engine import Engine, PlaybackError, PlaybackState, validate_rate, validate_volume
from player.hooks import Hook
from player.queue import PlayQueue
from player.sleep import SleepMode, SleepTimer

__all__ = [
    "Chapter",
    "EpisodeMedia",
    "EventKind",
    "ListeningEvent",
    "PlaybackController",
    "PositionCheckpoint",
    "SleepMode",
    "Ticker",
]

@dataclass(frozen=True)
class EpisodeMedia:
    """What the controller needs to play one episode (plain data from the library)."""

    episode_id: int
    location: str
    """A local path (preferred when downloaded) or an http(s) URL."""
    start_ms: int = 0
    """Where to resume (milliseconds)."""
    duration_ms: int | None = None
    """The feed's length; the engine's own measure wins once the medium is open."""
    chapters: Sequence[tuple[int, str]] = ()
    podcast_rate: float | None = None
    """The podcast's default speed (times normal), if the listener set one."""
    episode_rate: float | None = None
    """This episode's own speed, overriding the podcast's."""
    title: str = ""

    @property
    def rate(self) -> float:
        """The speed to play at: the episode's override, else the podcast's default, else 1.0."""
        return self.episode_rate or self.podcast_rate or 1.0

    def sorted_chapters(self) -> list[Chapter]:
        return sort_chapters(self.chapters)


class EventKind(enum.StrEnum):
    """Listening events; the values match the library's stored kinds."""

    PLAY = "play"
    PAUSE = "pause"
    SEEK = "seek"
    SKIP = "skip"
    RATE_CHANGE = "rate_change"
    COMPLETE = "complete"


@dataclass(frozen=True)
class ListeningEvent:
    """One listener action with positions (milliseconds) and the wall time it happened (seconds
    since the epoch)."""

    kind: EventKind
    episode_id: int
    position_ms: int
    at: float
    from_ms: int | None = None
    """For seek/skip: where the listener was."""
    to_ms: int | None = None
    """For seek/skip: where they went."""
    rate: float = 1.0
    """The speed in effect (after the change, for rate_change)."""
    previous_rate: float | None = None


@dataclass(frozen=True)
class PositionCheckpoint:
    """A position worth storing; ``reason`` is periodic/pause/seek/skip/stop/quit/complete/switch."""

    episode_id: int
    position_ms: int
    duration_ms: int | None
    reason: str
    completed: bool = False


@dataclass
class _Current:
    media: EpisodeMedia
    chapters: list[Chapter]
    rate: float
    completed: bool = False
    chapter_index: int = -1
    last_checkpoint_s: float = 0.0
    last_position_ms: int = 0


class PlaybackController:
    """See the module docstring. ``resolve`` turns a queued episode id into :class:`EpisodeMedia`
    (or None if it is gone) for auto-advance."""

    def __init__(
        self,
        engine: Engine,
        *,
        play_queue: PlayQueue | None = None,
        resolve: Callable[[int], EpisodeMedia | None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        skip_forward_s: float = 30.0,
        skip_back_s: float = 10.0,
        save_interval_s: float = 2.0,
        complete_within_ms: int = 2000,
        fade_s: float = 5.0,
        auto_advance: bool = True,
    ) -> None:
        self.engine = engine
        self.queue = play_queue if play_queue is not None else PlayQueue()
        self.resolve = resolve
        self.skip_forward_s = skip_forward_s
        self.skip_back_s = skip_back_s
        self.save_interval_s = save_interval_s
        """At most this many seconds of the episode (and of wall time) pass between saved positions."""
        self.complete_within_ms = complete_within_ms
        """An episode counts as complete once fewer than this many milliseconds remain."""
        self.fade_s = fade_s
        self.auto_advance = auto_advance
        """Play the queue's next episode when one ends."""
        self._clock = clock
        self._wall_clock = wall_clock
        self._lock = threading.RLock()
        self._current: _Current | None = None
        self._sleep: SleepTimer | None = None
        self._volume = engine.volume  # the listener's volume (a fade only lowers the engine's)
        self._last_tick_s: float | None = None
        self._engine_events: queue.SimpleQueue[tuple[str, PlaybackError | None]] = queue.SimpleQueue()
        engine.media_ended.connect(lambda: self._engine_events.put(("ended", None)))
        engine.error_occurred.connect(lambda error: self._engine_events.put(("error", error)))

        self.position_checkpointed: Hook[[PositionCheckpoint]] = Hook("position_checkpointed")
        self.listening_event_occurred: Hook[[ListeningEvent]] = Hook("listening_event_occurred")
        self.position_changed: Hook[[int, int | None]] = Hook("position_changed")
        self.episode_started: Hook[[EpisodeMedia]] = Hook("episode_started")
        self.episode_completed: Hook[[int]] = Hook("episode_completed")
        self.chapter_changed: Hook[[int, Chapter]] = Hook("chapter_changed")
        self.chapters_changed: Hook[[int, list[Chapter]]] = Hook("chapters_changed")
        self.error_occurred: Hook[[int, PlaybackError]] = Hook("error_occurred")
        self.sleep_timer_fired: Hook[[]] = Hook("sleep_timer_fired")
        self.playback_finished: Hook[[]] = Hook("playback_finished")

    # -- what is playing ---------------------------------------------------------------------

    @property
    def current(self) -> EpisodeMedia | None:
        """The open episode, or None."""
        return self._current.media if self._current else None

    @property
    def state(self) -> PlaybackState:
        return self.engine.state

    @property
    def rate(self) -> float:
        return self._current.rate if self._current else self.engine.rate

    @property
    def chapters(self) -> list[Chapter]:
        return list(self._current.chapters) if self._current else []

    def position_ms(self) -> int:
        return self.engine.position_ms()

    def duration_ms(self) -> int | None:
        """The engine's length once known, else the feed's (milliseconds)."""
        duration = self.engine.duration_ms()
        if duration:
            return duration
        return self._current.media.duration_ms if self._current else None

    def current_chapter(self) -> int:
        """Index of the chapter at the current position, or -1 without chapters."""
        if not self._current:
            return -1
        return chapter_at(self._current.chapters, self.engine.position_ms())

    # -- commands ----------------------------------------------------------------------------

    def open(self, media: EpisodeMedia, *, play: bool = True) -> None:
        """Open ``media`` (saving the position of the episode it replaces) and play it from
        ``media.start_ms``. The episode leaves the queue if it was in it."""
        with self._lock:
            if self._current is not None:
                self._checkpoint("switch")
            self._drain_engine_events()  # events of the previous medium are moot now
            rate = validate_rate(media.rate)
            chapters = media.sorted_chapters()
            self._current = _Current(media, chapters, rate, last_position_ms=media.start_ms)
            self._current.last_checkpoint_s = self._last_tick_s = self._clock()
            self._current.chapter_index = chapter_at(chapters, media.start_ms)
            self.queue.remove(media.episode_id)
            self.engine.set_rate(rate)
            self.engine.set_volume(self._volume)
            self.engine.load(media.location, media.start_ms)
            if play:
                self.engine.play()
                self._record(EventKind.PLAY, media.start_ms)
            self.episode_started.emit(media)

    def set_chapters(self, episode_id: int, chapters: Sequence[tuple[int, str]]) -> bool:
        """Give the open episode chapters that arrived after it started (e.g. a chapters document
        fetched in the background), as (start ms, title). Ignored, returning False, when
        ``episode_id`` is no longer the open episode. Fires ``chapters_changed`` on the calling
        thread; ``chapter_changed`` follows on the next tick."""
        with self._lock:
            current = self._current
            if current is None or current.media.episode_id != episode_id:
                return False
            current.media = replace(current.media, chapters=tuple(chapters))
            current.chapters = current.media.sorted_chapters()
            current.chapter_index = -1  # so the next tick announces the chapter playing now
            self.chapters_changed.emit(episode_id, list(current.chapters))
            return True

    def play(self) -> None:
        """Play or resume the open episode (after the end, from the start)."""
        with self._lock:
            if self._current is None or self.engine.state in (PlaybackState.PLAYING, PlaybackState.LOADING):
                return
            self.engine.play()
            self._current.last_checkpoint_s = self._clock()
            self._record(EventKind.PLAY, self.engine.position_ms())

    def pause(self) -> None:
        """Pause and save the position."""
        with self._lock:
            if self._current is None or self.engine.state not in (PlaybackState.PLAYING, PlaybackState.LOADING):
                return
            self.engine.pause()
            self._record(EventKind.PAUSE, self.engine.position_ms())
            self._checkpoint("pause")

    def toggle(self) -> None:
        """Pause when playing, play otherwise."""
        with self._lock:
            if self.engine.state in (PlaybackState.PLAYING, PlaybackState.LOADING):
                self.pause()
            else:
                self.play()

    def seek(self, position_ms: int, *, kind: EventKind = EventKind.SEEK) -> None:
        """Go to ``position_ms`` (clamped to the episode); recorded with from/to and saved."""
        with self._lock:
            if self._current is None:
                return
            duration = self.duration_ms()
            target = max(0, int(position_ms))
            if duration:
                target = min(target, duration)
            origin = self.engine.position_ms()
            self.engine.seek(target)
            self._current.last_position_ms = target
            self._follow_chapters(target)
            self._record(kind, target, from_ms=origin, to_ms=target)
            self._checkpoint("seek" if kind is EventKind.SEEK else "skip", position_ms=target)

    def skip_forward(self) -> None:
        """Jump ``skip_forward_s`` seconds ahead."""
        self.seek(self.engine.position_ms() + round(self.skip_forward_s * 1000), kind=EventKind.SKIP)

    def skip_back(self) -> None:
        """Jump ``skip_back_s`` seconds back."""
        self.seek(self.engine.position_ms() - round(self.skip_back_s * 1000), kind=EventKind.SKIP)

    def next_chapter(self) -> bool:
        """Go to the start of the next chapter; False when there is none."""
        with self._lock:
            if not self._current:
                return False
            start = next_chapter_start(self._current.chapters, self.engine.position_ms())
            if start is None:
                return False
            self.seek(start)
            return True

    def previous_chapter(self) -> bool:
        """Go to the start of this chapter, or of the one before when just past this one's start
        (within 3 s); False without chapters."""
        with self._lock:
            if not self._current or not self._current.chapters:
                return False
            self.seek(previous_chapter_start(self._current.chapters, self.engine.position_ms()))
            return True

    def set_rate(self, rate: float) -> None:
        """Play at ``rate`` times normal (0.5-3.0, ValueError outside); recorded as rate_change.
        Whether it becomes the episode's or the podcast's default is the app's choice."""
        rate = validate_rate(rate)
        with self._lock:
            previous = self.rate
            self.engine.set_rate(rate)
            if self._current is None or previous == rate:
                return
            self._current.rate = rate
            self._record(EventKind.RATE_CHANGE, self.engine.position_ms(), previous_rate=previous)

    def set_volume(self, volume: int) -> None:
        """The listener's volume, 0-100 percent (a sleep fade starts from it and restores it)."""
        with self._lock:
            self._volume = validate_volume(volume)
            self.engine.set_volume(volume)

    @property
    def volume(self) -> int:
        return self._volume

    def stop(self) -> None:
        """Stop playing and save the position."""
        with self._lock:
            if self._current is None:
                return
            self._checkpoint("stop")
            self.engine.stop()

    def quit(self) -> None:
        """Save the position and release the engine; the controller is done."""
        with self._lock:
            if self._current is not None:
                self._checkpoint("quit")
            self.engine.stop()
            self.engine.close()

    def play_next_in_queue(self) -> bool:
        """Open the first playable episode of the queue; False (and ``playback_finished``) if none."""
        with self._lock:
            while (episode_id := self.queue.pop_next()) is not None:
                media = self.resolve(episode_id) if self.resolve else None
                if media is not None:
                    self.open(media)
                    return True
            self.playback_finished.emit()
            return False

    # -- sleep timer -------------------------------------------------------------------------

    def sleep_after(self, minutes: float) -> None:
        """Pause after ``minutes`` of playback, fading the volume out over the last ``fade_s`` s."""
        with self._lock:
            self._cancel_fade()
            self._sleep = SleepTimer.after(minutes)
            if self._last_tick_s is None:
                self._last_tick_s = self._clock()

    def sleep_at_end_of_episode(self) -> None:
        """Stop when this episode ends instead of playing the next one."""
        with self._lock:
            self._cancel_fade()
            self._sleep = SleepTimer(SleepMode.END_OF_EPISODE)

    def sleep_at_end_of_chapter(self) -> None:
        """Pause when the current chapter ends (at the end of the episode without chapters)."""
        with self._lock:
            self._cancel_fade()
            end = None
            if self._current:
                end = next_chapter_start(self._current.chapters, self.engine.position_ms())
            self._sleep = SleepTimer.at_end_of_chapter(end)

    def cancel_sleep(self) -> None:
        with self._lock:
            self._cancel_fade()
            self._sleep = None

    @property
    def sleep_mode(self) -> SleepMode | None:
        return self._sleep.mode if self._sleep else None

    def sleep_remaining_s(self) -> float | None:
        """Seconds of playback left on an "after N minutes" timer, else None."""
        sleep = self._sleep
        return sleep.remaining_s if sleep and sleep.mode is SleepMode.AFTER_TIME else None

    # -- the timer ---------------------------------------------------------------------------

    def tick(self) -> None:
        """Advance everything time-driven; call every ~250 ms (see the module docstring)."""
        with self._lock:
            now = self._clock()
            elapsed_s = 0.0 if self._last_tick_s is None else max(0.0, now - self._last_tick_s)
            self._last_tick_s = now
            self._handle_engine_events()
            current = self._current
            if current is None:
                return
            state = self.engine.state
            position = self.engine.position_ms()
            duration = self.duration_ms()
            if state is PlaybackState.PLAYING:
                current.last_position_ms = position
                self._follow_chapters(position)
                if duration and not current.completed and position >= duration - self.complete_within_ms:
                    self._complete()
                # Save now if waiting for the next tick would let more than save_interval_s of the
                # episode (or of wall time) pass unsaved: faster than 1x means more often.
                unsaved_s = (now - current.last_checkpoint_s + elapsed_s) * max(1.0, current.rate)
                if unsaved_s > self.save_interval_s:
                    self._checkpoint("periodic", position_ms=position)
                self._advance_sleep(elapsed_s, position)
            self.position_changed.emit(position, duration)

    # -- inside the lock ---------------------------------------------------------------------

    def _handle_engine_events(self) -> None:
        while True:
            try:
                name, error = self._engine_events.get_nowait()
            except queue.Empty:
                return
            if self._current is None:
                continue
            if name == "ended":
                self._on_ended()
            elif error is not None:
                self.error_occurred.emit(self._current.media.episode_id, error)

    def _drain_engine_events(self) -> None:
        while True:
            try:
                self._engine_events.get_nowait()
            except queue.Empty:
                return

    def _on_ended(self) -> None:
        assert self._current is not None
        if not self._current.completed:
            self._complete()
        sleep = self._sleep
        if sleep is not None and sleep.fires_at_end_of_episode:
            self._sleep = None
            self.sleep_timer_fired.emit()
            self.playback_finished.emit()
            return
        if self.auto_advance:
            self.play_next_in_queue()
        else:
            self.playback_finished.emit()

    def _complete(self) -> None:
        assert self._current is not None
        current = self._current
        current.completed = True
        duration = self.duration_ms()
        position = duration if self.engine.state is PlaybackState.ENDED and duration else self.engine.position_ms()
        self._record(EventKind.COMPLETE, position)
        self._checkpoint("complete", position_ms=position)
        self.episode_completed.emit(current.media.episode_id)

    def _follow_chapters(self, position: int) -> None:
        assert self._current is not None
        index = chapter_at(self._current.chapters, position)
        if index != self._current.chapter_index:
            self._current.chapter_index = index
            if index >= 0:
                self.chapter_changed.emit(index, self._current.chapters[index])

    def _advance_sleep(self, elapsed_s: float, position: int) -> None:
        sleep = self._sleep
        if sleep is None:
            return
        if sleep.advance(elapsed_s, position):
            self._fire_sleep()
            return
        factor = sleep.volume_factor(self.fade_s)
        if factor < 1.0:
            self.engine.set_volume(max(0, min(100, round(self._volume * factor))))

    def _fire_sleep(self) -> None:
        self._sleep = None
        self.pause()
        self.engine.set_volume(self._volume)  # ready at full volume for the next play
        self.sleep_timer_fired.emit()

    def _cancel_fade(self) -> None:
        if self.engine.volume != self._volume:
            self.engine.set_volume(self._volume)

    def _record(self, kind: EventKind, position_ms: int, **extra: object) -> None:
        assert self._current is not None
        event = ListeningEvent(
            kind=kind,
            episode_id=self._current.media.episode_id,
            position_ms=int(position_ms),
            at=self._wall_clock(),
            rate=self._current.rate,
            **extra,  # type: ignore[arg-type]
        )
        self.listening_event_occurred.emit(event)

    def _checkpoint(self, reason: str, *, position_ms: int | None = None) -> None:
        assert self._current is not None
        current = self._current
        if position_ms is None:
            state = self.engine.state
            if state in (PlaybackState.PLAYING, PlaybackState.PAUSED, PlaybackState.STOPPED, PlaybackState.ENDED):
                position_ms = self.engine.position_ms()
            else:  # loading or failed: the engine knows no better than what we last saw
                position_ms = current.last_position_ms
        current.last_checkpoint_s = self._clock()
        current.last_position_ms = position_ms
        self.position_checkpointed.emit(
            PositionCheckpoint(
                episode_id=current.media.episode_id,
                position_ms=int(position_ms),
                duration_ms=self.duration_ms(),
                reason=reason,
                completed=current.completed,
            )
        )


class Ticker:
    """Calls ``controller.tick()`` every ``interval_s`` seconds on a daemon thread (for headless
    use; the GUI drives ``tick`` from a Qt timer instead)."""

    def __init__(self, controller: PlaybackController, interval_s: float = 0.25) -> None:
        self._controller = controller
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="castwise-playback-tick", daemon=True)

    def start(self) -> Ticker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=2)

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            self._controller.tick()
