"""Playback for the window: engine hooks become queued Qt signals, and the position is read on a
250 ms GUI-thread timer (never relayed tick by tick from VLC's threads).

The adapter plays :class:`app.catalog.EpisodeDetails`: it picks the local download when there is
one, starts at the saved position, and advances to the next episode of the queue when one ends
(``next_episode`` is asked for it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.catalog import EpisodeDetails
from player.engine import Engine, PlaybackError, PlaybackState

log = logging.getLogger(__name__)

POSITION_INTERVAL_MS = 250


class PlaybackAdapter(QObject):
    state_changed = Signal(str)
    """The :class:`PlaybackState` value (``playing``, ``paused``, ...)."""
    episode_changed = Signal(object)
    """The :class:`EpisodeDetails` now loaded."""
    position_changed = Signal(int, int)
    """Position and duration, milliseconds (duration 0 while unknown); every 250 ms while loaded."""
    media_ended = Signal(int)
    """The episode id that played to its end."""
    error_occurred = Signal(str)
    """A message for the listener."""
    rate_changed = Signal(float)
    volume_changed = Signal(int)

    # Private relays: emitted on the engine's thread, delivered queued on the GUI thread.
    _engine_state_changed = Signal(str)
    _engine_media_ended = Signal()
    _engine_error_occurred = Signal(str)

    def __init__(
        self,
        engine: Engine,
        *,
        next_episode: Callable[[int], EpisodeDetails | None] | None = None,
        local_file: Callable[[int], str | None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._next_episode = next_episode
        self._local_file = local_file
        self._episode: EpisodeDetails | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POSITION_INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._engine_state_changed.connect(self._on_engine_state_changed)
        self._engine_media_ended.connect(self._on_engine_media_ended)
        self._engine_error_occurred.connect(self._on_engine_error_occurred)
        engine.state_changed.connect(self._relay_state)
        engine.media_ended.connect(self._relay_ended)
        engine.error_occurred.connect(self._relay_error)

    # -- hooks (any thread): only emit ------------------------------------------------------
    def _relay_state(self, _old: PlaybackState, new: PlaybackState) -> None:
        self._engine_state_changed.emit(new.value)

    def _relay_ended(self) -> None:
        self._engine_media_ended.emit()

    def _relay_error(self, error: PlaybackError) -> None:
        self._engine_error_occurred.emit(str(error))

    # -- commands (GUI thread) ------------------------------------------------------------------
    @property
    def episode(self) -> EpisodeDetails | None:
        return self._episode

    @property
    def state(self) -> PlaybackState:
        return self._engine.state

    def play_episode(self, episode: EpisodeDetails, *, start_ms: int | None = None) -> None:
        """Load and play ``episode`` from ``start_ms`` (default: where the listener left off)."""
        location = (self._local_file(episode.episode_id) if self._local_file else None) or episode.media_url
        if not location:
            self.error_occurred.emit(self.tr("This episode has nothing to play."))
            return
        self._episode = episode
        start = episode.position_ms if start_ms is None else start_ms
        duration = episode.duration_ms or 0
        if duration and start >= duration - 5_000:
            start = 0  # finished before: play it again from the start
        self._engine.load(location, start_ms=max(0, start))
        self._engine.play()
        self.episode_changed.emit(episode)
        self._timer.start()
        self._on_timer_timeout()

    def toggle_play_pause(self) -> None:
        state = self._engine.state
        if state in (PlaybackState.PLAYING, PlaybackState.LOADING):
            self._engine.pause()
        elif state is PlaybackState.PAUSED:
            self._engine.resume()
        elif self._engine.location is not None:
            self._engine.play()
            self._timer.start()

    def seek(self, position_ms: int) -> None:
        self._engine.seek(max(0, position_ms))
        self._on_timer_timeout()

    def skip(self, delta_ms: int) -> None:
        self.seek(self._engine.position_ms() + delta_ms)

    def set_rate(self, rate: float) -> None:
        try:
            self._engine.set_rate(rate)
        except ValueError as error:
            self.error_occurred.emit(str(error))
            return
        self.rate_changed.emit(self._engine.rate)

    def set_volume(self, volume: int) -> None:
        self._engine.set_volume(min(100, max(0, volume)))
        self.volume_changed.emit(self._engine.volume)

    def position_ms(self) -> int:
        return self._engine.position_ms()

    def stop(self) -> None:
        self._engine.stop()
        self._timer.stop()

    # -- slots (GUI thread) ---------------------------------------------------------------------
    @Slot()
    def _on_timer_timeout(self) -> None:
        self.position_changed.emit(self._engine.position_ms(), self._engine.duration_ms() or 0)

    @Slot(str)
    def _on_engine_state_changed(self, state: str) -> None:
        if state in (PlaybackState.STOPPED.value, PlaybackState.ERROR.value, PlaybackState.IDLE.value):
            self._timer.stop()
        self.state_changed.emit(state)

    @Slot()
    def _on_engine_media_ended(self) -> None:
        finished = self._episode
        self._on_timer_timeout()
        self._timer.stop()
        if finished is None:
            return
        self.media_ended.emit(finished.episode_id)
        following = self._next_episode(finished.episode_id) if self._next_episode else None
        if following is not None:
            self.play_episode(following, start_ms=0)

    @Slot(str)
    def _on_engine_error_occurred(self, message: str) -> None:
        self._timer.stop()
        self.error_occurred.emit(message)
