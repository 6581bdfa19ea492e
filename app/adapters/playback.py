"""Playback for the window: the player's controller turned into Qt signals.

A 250 ms timer on the GUI thread calls :meth:`PlaybackController.tick`: the controller reads the
engine's position there, saves it, follows chapters and the sleep timer, and notices the end of an
episode, so its hooks fire on the GUI thread and are re-emitted directly. The engine's own state
changes arrive on VLC's threads, and chapters fetched in the background arrive on a worker thread
(``chapters_changed``); both are relayed through private signals, which Qt queues onto the GUI
thread. No position tick ever crosses a thread.

Positions and durations are milliseconds.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from app.playback import PlaybackStore
from app.time_text import format_position_ms
from player.controller import Chapter, EpisodeMedia, PlaybackController, SleepMode
from player.engine import PlaybackError, PlaybackState

log = logging.getLogger(__name__)

POSITION_INTERVAL_MS = 250

SLEEP_END_OF_EPISODE = -1
SLEEP_END_OF_CHAPTER = -2
SLEEP_OFF = 0


class PlaybackAdapter(QObject):
    state_changed = Signal(str)
    """The :class:`PlaybackState` value (``playing``, ``paused``, ...)."""
    episode_changed = Signal(object)
    """The :class:`EpisodeMedia` just opened."""
    position_changed = Signal(int, int)
    """Position and duration (0 while unknown), every 250 ms while an episode is open."""
    chapter_changed = Signal(int, str)
    """Index and title of the chapter now playing."""
    chapters_changed = Signal(int, object)
    """Episode id and its chapters as (start ms, title) pairs, when they arrive after it started
    (a ``podcast:chapters`` document fetched in the background); always on the GUI thread."""
    episode_completed = Signal(int)
    error_occurred = Signal(str)
    """A message for the listener."""
    rate_changed = Signal(float)
    volume_changed = Signal(int)
    sleep_changed = Signal(str)
    """What the sleep timer shows: remaining ``m:ss``, "end of episode/chapter", or empty."""
    queue_changed = Signal()

    _engine_state_changed = Signal(str)  # emitted on the engine's thread, delivered queued
    _chapters_arrived = Signal(int, object)  # emitted on a worker thread, delivered queued

    def __init__(self, controller: PlaybackController, store: PlaybackStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.store = store
        self._timer = QTimer(self)
        self._timer.setInterval(POSITION_INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._engine_state_changed.connect(self._on_engine_state_changed)
        self._chapters_arrived.connect(self.chapters_changed, Qt.ConnectionType.QueuedConnection)
        controller.engine.state_changed.connect(self._relay_engine_state)
        controller.position_changed.connect(self._on_controller_position_changed)
        controller.episode_started.connect(self._on_controller_episode_started)
        controller.episode_completed.connect(self.episode_completed.emit)
        controller.chapter_changed.connect(self._on_controller_chapter_changed)
        controller.chapters_changed.connect(self._relay_chapters)
        controller.error_occurred.connect(self._on_controller_error_occurred)
        controller.sleep_timer_fired.connect(lambda: self.sleep_changed.emit(""))
        controller.queue.changed.connect(lambda _ids: self.queue_changed.emit())

    def _relay_engine_state(self, _old: PlaybackState, new: PlaybackState) -> None:
        self._engine_state_changed.emit(new.value)

    def _relay_chapters(self, episode_id: int, chapters: list[Chapter]) -> None:
        self._chapters_arrived.emit(episode_id, [(chapter.start_ms, chapter.title) for chapter in chapters])

    # -- commands (GUI thread) ------------------------------------------------------------------
    @property
    def current(self) -> EpisodeMedia | None:
        return self.controller.current

    @property
    def state(self) -> PlaybackState:
        return self.controller.state

    def open(self, media: EpisodeMedia, *, start_ms: int | None = None) -> None:
        """Play ``media`` (from ``start_ms`` when given, else where the listener left off)."""
        if start_ms is not None:
            media = EpisodeMedia(**{**media.__dict__, "start_ms": max(0, start_ms)})
        try:
            self.controller.open(media)
        except ValueError as error:
            self.error_occurred.emit(str(error))
            return
        self._timer.start()

    def toggle_play_pause(self) -> None:
        self.controller.toggle()
        self._timer.start()

    def seek(self, position_ms: int) -> None:
        self.controller.seek(position_ms)
        self._on_timer_timeout()

    def skip(self, delta_ms: int) -> None:
        if delta_ms >= 0:
            self.controller.skip_forward_s = delta_ms / 1000
            self.controller.skip_forward()
        else:
            self.controller.skip_back_s = -delta_ms / 1000
            self.controller.skip_back()
        self._on_timer_timeout()

    def next_chapter(self) -> None:
        self.controller.next_chapter()

    def previous_chapter(self) -> None:
        self.controller.previous_chapter()

    def set_rate(self, rate: float) -> None:
        try:
            self.controller.set_rate(rate)
        except ValueError as error:
            self.error_occurred.emit(str(error))
            return
        self.rate_changed.emit(self.controller.rate)

    def set_volume(self, volume: int) -> None:
        self.controller.set_volume(min(100, max(0, volume)))
        self.volume_changed.emit(self.controller.volume)

    def set_sleep(self, minutes: int) -> None:
        """Minutes from now, or SLEEP_END_OF_EPISODE / SLEEP_END_OF_CHAPTER / SLEEP_OFF."""
        if minutes == SLEEP_OFF:
            self.controller.cancel_sleep()
        elif minutes == SLEEP_END_OF_EPISODE:
            self.controller.sleep_at_end_of_episode()
        elif minutes == SLEEP_END_OF_CHAPTER:
            self.controller.sleep_at_end_of_chapter()
        else:
            self.controller.sleep_after(minutes)
        self._show_sleep()

    def position_ms(self) -> int:
        return self.controller.position_ms()

    def stop(self) -> None:
        self.controller.stop()
        self._timer.stop()

    def quit(self) -> None:
        """Save the position and release the engine (window closing)."""
        self._timer.stop()
        self.controller.quit()

    # -- slots (GUI thread) ---------------------------------------------------------------------
    @Slot()
    def _on_timer_timeout(self) -> None:
        self.controller.tick()
        self._show_sleep()

    def _on_controller_position_changed(self, position_ms: int, duration_ms: int | None) -> None:
        self.position_changed.emit(position_ms, duration_ms or 0)

    def _on_controller_episode_started(self, media: EpisodeMedia) -> None:
        self._timer.start()
        self.episode_changed.emit(media)
        self.rate_changed.emit(self.controller.rate)

    def _on_controller_chapter_changed(self, index: int, chapter: Chapter) -> None:
        self.chapter_changed.emit(index, chapter.title)

    def _on_controller_error_occurred(self, _episode_id: int, error: PlaybackError) -> None:
        self.error_occurred.emit(str(error))

    @Slot(str)
    def _on_engine_state_changed(self, state: str) -> None:
        self.state_changed.emit(state)

    def _show_sleep(self) -> None:
        mode = self.controller.sleep_mode
        if mode is None:
            text = ""
        elif mode is SleepMode.AFTER_TIME:
            text = format_position_ms((self.controller.sleep_remaining_s() or 0) * 1000)
        elif mode is SleepMode.END_OF_EPISODE:
            text = self.tr("End of episode")
        else:
            text = self.tr("End of chapter")
        self.sleep_changed.emit(text)
