"""A deterministic engine that plays no sound and keeps time with a clock.

For GUI tests and headless use. It "plays" media from a catalogue (:class:`NullMedia`: a duration,
or a failure to simulate) and computes the position from an injectable clock, so a test can drive
time by hand. It notices the end of a medium (or a simulated drop) whenever it is asked for its
state or position, which a controller does on its ~250 ms timer. Hooks run on the calling thread.

    clock = ManualClock()
    engine = NullEngine(clock=clock)
    engine.add_media("episode.mp3", NullMedia(duration_ms=60_000))
    engine.load("episode.mp3"); engine.play(); clock.advance(1.5)
    engine.position_ms()  # 1500
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from player.engine import (
    Engine,
    PlaybackErrorKind,
    PlaybackState,
    is_remote,
    playback_error,
    validate_rate,
    validate_volume,
)


@dataclass(frozen=True)
class NullMedia:
    """A simulated medium: its length in milliseconds, or the failure it produces."""

    duration_ms: int | None = None
    error: PlaybackErrorKind | None = None
    """Fail when played (not found, 404, unreadable...)."""
    drops_at_ms: int | None = None
    """Simulate a stream that drops once playback reaches this position (milliseconds)."""
    status: int | None = None
    """The HTTP status reported with an HTTP error."""


class ManualClock:
    """A clock (seconds) that only moves when told to; pass it as ``clock=``."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``."""
        self.now += seconds


class NullEngine(Engine):
    """An :class:`Engine` with no audio output; see the module docstring."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        default_duration_ms: int | None = None,
    ) -> None:
        """``clock`` returns seconds; ``default_duration_ms`` makes unknown locations playable
        with that length (otherwise they fail as not found)."""
        super().__init__()
        self._clock = clock
        self._catalogue: dict[str, NullMedia] = {}
        self._default_duration_ms = default_duration_ms
        self._location: str | None = None
        self._media: NullMedia | None = None
        self._anchor_ms = 0  # position when the clock anchor was taken
        self._anchor_s = 0.0
        self._rate = 1.0
        self._volume = 100

    def add_media(self, location: str, media: NullMedia) -> None:
        """Make ``location`` playable (or failing) as described by ``media``."""
        self._catalogue[location] = media

    # -- Engine ------------------------------------------------------------------------------

    @property
    def state(self) -> PlaybackState:
        self._update()
        return self._state

    @property
    def location(self) -> str | None:
        return self._location

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def volume(self) -> int:
        return self._volume

    def load(self, location: str, start_ms: int = 0) -> None:
        self.last_error = None
        self._location = location
        self._media = self._catalogue.get(location)
        if self._media is None and self._default_duration_ms is not None:
            self._media = NullMedia(duration_ms=self._default_duration_ms)
        self._anchor_ms = max(0, start_ms)
        self._move_to(PlaybackState.STOPPED)

    def play(self) -> None:
        state = self.state
        if self._location is None or state in (PlaybackState.PLAYING, PlaybackState.LOADING):
            return
        if state is PlaybackState.PAUSED:
            self.resume()
            return
        if state is PlaybackState.ENDED:
            self._anchor_ms = 0
        self.last_error = None
        self._move_to(PlaybackState.LOADING)
        media = self._media
        if media is None or media.error is not None:
            # Unknown locations behave like a missing file, or a 404 for URLs.
            kind = media.error if media is not None and media.error else PlaybackErrorKind.NOT_FOUND
            status = media.status if media else None
            if media is None and is_remote(self._location):
                kind, status = PlaybackErrorKind.HTTP_NOT_FOUND, 404
            self._fail(playback_error(kind, self._location, status=status))
            return
        self._anchor_ms = self._clamp(self._anchor_ms)
        self._anchor_s = self._clock()
        self._move_to(PlaybackState.PLAYING)

    def pause(self) -> None:
        if self.state in (PlaybackState.PLAYING, PlaybackState.LOADING):
            self._anchor_ms = self._position_now()
            self._move_to(PlaybackState.PAUSED)

    def resume(self) -> None:
        if self.state is PlaybackState.PAUSED:
            self._anchor_s = self._clock()
            self._move_to(PlaybackState.PLAYING)

    def stop(self) -> None:
        state = self.state
        if state in (PlaybackState.PLAYING, PlaybackState.PAUSED, PlaybackState.LOADING):
            self._anchor_ms = self._position_now()
            self._move_to(PlaybackState.STOPPED)

    def seek(self, position_ms: int) -> None:
        if self._location is None:
            return
        self._update()
        self._anchor_ms = self._clamp(position_ms)
        self._anchor_s = self._clock()
        if self._state is PlaybackState.ENDED:  # ready again from there
            self._move_to(PlaybackState.STOPPED)

    def set_rate(self, rate: float) -> None:
        rate = validate_rate(rate)
        # Re-anchor so the time already played keeps the old speed.
        self._anchor_ms = self._position_now()
        self._anchor_s = self._clock()
        self._rate = rate

    def set_volume(self, volume: int) -> None:
        self._volume = validate_volume(volume)

    def position_ms(self) -> int:
        self._update()
        if self._state is PlaybackState.ENDED and self._media is not None and self._media.duration_ms:
            return self._media.duration_ms
        return self._position_now()

    def duration_ms(self) -> int | None:
        if self._media is None or self._state in (PlaybackState.IDLE, PlaybackState.ERROR):
            return None
        return self._media.duration_ms

    # -- time keeping ------------------------------------------------------------------------

    def _clamp(self, position_ms: int) -> int:
        duration = self._media.duration_ms if self._media else None
        position_ms = max(0, int(position_ms))
        return min(position_ms, duration) if duration else position_ms

    def _position_now(self) -> int:
        if self._state is not PlaybackState.PLAYING:
            return self._anchor_ms
        elapsed_ms = (self._clock() - self._anchor_s) * 1000.0 * self._rate
        return self._clamp(self._anchor_ms + round(elapsed_ms))

    def _update(self) -> None:
        """Notice the end of the medium or a simulated drop, once the clock has passed it."""
        if self._state is not PlaybackState.PLAYING or self._media is None or self._location is None:
            return
        position = self._position_now()
        drops_at = self._media.drops_at_ms
        if drops_at is not None and position >= drops_at:
            # Re-anchor at the drop first: once the state is ERROR the clock stands still there.
            self._anchor_ms, self._anchor_s = drops_at, self._clock()
            self._fail(
                playback_error(
                    PlaybackErrorKind.STREAM_DROPPED,
                    self._location,
                    position_ms=drops_at,
                    duration_ms=self._media.duration_ms,
                )
            )
        elif self._media.duration_ms and position >= self._media.duration_ms:
            self._anchor_ms = self._media.duration_ms
            self._end()
