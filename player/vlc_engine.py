"""The VLC engine: :class:`player.engine.Engine` on python-vlc (libvlc 3).

How it copes with VLC's habits:

- VLC calls its event callbacks on its own threads. The callbacks here only put the event on a
  queue; an engine-owned worker thread takes it from there, calls libvlc if it must (a callback
  that calls libvlc can deadlock the input thread) and emits the hooks. Only discrete events are
  forwarded (playing, end reached, error); the position is read by polling ``get_time()``.
- ``get_time()`` moves in steps (up to ~500 ms) and lags behind a seek: right after a seek the
  engine reports the seek target until VLC's clock has moved.
- End-of-media fires up to ~1.5 s before ``get_time()`` reaches the length, so an end is "the
  end" when the last known position is within ``end_tolerance_ms`` of the length; an earlier
  end is a dropped stream (URLs) or a truncated file (local).
- A missing file or an HTTP error raises ``EncounteredError``; a non-audio file "plays" and ends
  at once with no length. An HTTP error is classified (404 or not) with one small request of
  our own, since VLC does not report the status. A medium that never reaches ``Playing`` fails
  after ``start_timeout_s`` seconds.
- Each :meth:`VlcEngine.play` from a stop or an end opens a fresh media object with a
  ``:start-time`` option, so the start position is applied while opening, not by a late seek.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import vlc

from player.engine import (
    Engine,
    PlaybackErrorKind,
    PlaybackState,
    is_remote,
    playback_error,
    validate_rate,
    validate_volume,
)

_log = logging.getLogger(__name__)

BASE_OPTIONS: tuple[str, ...] = ("--no-video", "--quiet", "--no-xlib", "--no-stats")
"""Options for every engine's ``vlc.Instance``; audio-only, silent on stderr."""

_CLOSE = object()  # sentinel: the worker thread stops
_PLAYING, _ENDED, _FAILED = "playing", "ended", "failed"


class VlcEngine(Engine):
    """Plays local files and http(s) URLs through one private ``vlc.Instance``.

    ``extra_options`` are appended to :data:`BASE_OPTIONS` (tests pass ``--aout=adummy``).
    ``start_timeout_s``: seconds a medium may take to reach ``Playing`` before it fails.
    ``end_tolerance_ms``: how far before the length (milliseconds) an end still counts as the end.
    """

    def __init__(
        self,
        *,
        extra_options: Sequence[str] = (),
        start_timeout_s: float = 15.0,
        end_tolerance_ms: int = 3000,
        user_agent: str = "Castwise",
    ) -> None:
        super().__init__()
        self.start_timeout_s = start_timeout_s
        self.end_tolerance_ms = end_tolerance_ms
        self._user_agent = user_agent
        instance = vlc.Instance([*BASE_OPTIONS, *extra_options])
        if instance is None:
            raise RuntimeError("VLC could not start; is VLC (libvlc) installed?")
        self._instance: Any = instance
        self._player: Any = instance.media_player_new()
        self._location: str | None = None
        self._start_ms = 0  # where the next play() starts (milliseconds)
        self._rate = 1.0
        self._volume = 100
        self._pause_when_playing = False  # pause() arrived while still loading
        self._deadline: float | None = None  # monotonic seconds by which Playing must arrive
        self._generation = 0  # bumped per opened media; stale events are dropped
        self._seek_target: int | None = None
        self._pending_seek: int | None = None  # a seek asked for while the medium was opening
        self._time_at_seek = 0
        self._last_ms = 0  # the last position known (milliseconds)
        self._stopped_ms = 0
        self._events: queue.Queue[object] = queue.Queue()
        manager = self._player.event_manager()
        for vlc_event, name in (
            (vlc.EventType.MediaPlayerPlaying, _PLAYING),
            (vlc.EventType.MediaPlayerEndReached, _ENDED),
            (vlc.EventType.MediaPlayerEncounteredError, _FAILED),
        ):
            manager.event_attach(vlc_event, self._on_vlc_event, name)
        self._worker = threading.Thread(target=self._work, name="castwise-vlc-events", daemon=True)
        self._worker.start()

    # -- Engine: properties ------------------------------------------------------------------

    @property
    def location(self) -> str | None:
        return self._location

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def volume(self) -> int:
        return self._volume

    @property
    def vlc_player(self) -> Any:
        """The underlying ``vlc.MediaPlayer`` (for diagnostics and tests, not for control)."""
        return self._player

    # -- Engine: commands --------------------------------------------------------------------

    def load(self, location: str, start_ms: int = 0) -> None:
        with self._locked():
            self._halt()
            self.last_error = None
            self._location = location
            self._start_ms = max(0, int(start_ms))
            self._stopped_ms = self._last_ms = self._start_ms
        self._move_to(PlaybackState.STOPPED)

    def play(self) -> None:
        with self._locked():
            state = self._state
            location = self._location
            if location is None or state in (PlaybackState.PLAYING, PlaybackState.LOADING):
                return
            if state is PlaybackState.PAUSED:
                self.resume()
                return
            self.last_error = None
            if not is_remote(location) and not _local_path(location).exists():
                # No need to ask VLC: fail at once, with the precise reason.
                self._move_to(PlaybackState.LOADING)
                self._fail(playback_error(PlaybackErrorKind.NOT_FOUND, location))
                return
            self._open(location, self._start_ms)
            self._move_to(PlaybackState.LOADING)

    def pause(self) -> None:
        with self._locked():
            if self._state is PlaybackState.LOADING:
                self._pause_when_playing = True
                self._move_to(PlaybackState.PAUSED)
            elif self._state is PlaybackState.PLAYING:
                self._last_ms = self._read_position()
                self._player.set_pause(1)
                self._move_to(PlaybackState.PAUSED)

    def resume(self) -> None:
        with self._locked():
            if self._state is not PlaybackState.PAUSED:
                return
            if self._pause_when_playing:  # still opening: let the Playing event decide
                self._pause_when_playing = False
                self._move_to(PlaybackState.LOADING)
                return
            self._player.set_pause(0)
            self._move_to(PlaybackState.PLAYING)

    def stop(self) -> None:
        with self._locked():
            if self._state not in (PlaybackState.PLAYING, PlaybackState.PAUSED, PlaybackState.LOADING):
                return
            pending = self._pending_seek
            position = pending if pending is not None else self._read_position()
            self._halt()
            self._start_ms = self._stopped_ms = self._last_ms = position
        self._move_to(PlaybackState.STOPPED)

    def seek(self, position_ms: int) -> None:
        with self._locked():
            target = max(0, int(position_ms))
            duration = self._length()
            if duration:
                target = min(target, duration)
            opening = self._state is PlaybackState.LOADING or self._pause_when_playing
            if self._state in (PlaybackState.PLAYING, PlaybackState.PAUSED) and not opening:
                self._time_at_seek = int(self._player.get_time())
                self._seek_target = target
                self._last_ms = target
                self._player.set_time(target)
            elif opening:
                self._pending_seek = self._start_ms = self._last_ms = target  # applied on Playing
            elif self._location is not None:
                # Not open: remembered as the start position of the next play(); after the
                # end the medium is ready again from there.
                self._start_ms = self._stopped_ms = self._last_ms = target
                if self._state is PlaybackState.ENDED:
                    self._move_to(PlaybackState.STOPPED)

    def set_rate(self, rate: float) -> None:
        rate = validate_rate(rate)
        with self._locked():
            self._rate = rate
            self._player.set_rate(rate)

    def set_volume(self, volume: int) -> None:
        volume = validate_volume(volume)
        with self._locked():
            self._volume = volume
            self._player.audio_set_volume(volume)

    def position_ms(self) -> int:
        with self._locked():
            state = self._state
            if state is PlaybackState.ENDED:
                return self._length() or self._last_ms
            if state is PlaybackState.LOADING or self._pause_when_playing:
                return self._start_ms
            if state in (PlaybackState.PLAYING, PlaybackState.PAUSED):
                self._last_ms = self._read_position()
                return self._last_ms
            return self._stopped_ms if state is PlaybackState.STOPPED else self._last_ms

    def duration_ms(self) -> int | None:
        with self._locked():
            if self._state in (PlaybackState.IDLE, PlaybackState.ERROR):
                return None
            return self._length() or None

    def close(self) -> None:
        """Stop, end the worker thread and release VLC. Idempotent."""
        if not self._worker.is_alive():
            return
        with self._locked():
            self._halt()
        self._events.put(_CLOSE)
        self._worker.join(timeout=5)
        self._player.release()
        self._instance.release()

    # -- inside the lock ---------------------------------------------------------------------

    def _open(self, location: str, start_ms: int) -> None:
        """Give VLC a fresh media object starting at ``start_ms`` and start it."""
        self._generation += 1
        if is_remote(location):
            media = self._instance.media_new(location)
            media.add_option(f":http-user-agent={self._user_agent}")
        else:
            media = self._instance.media_new_path(str(_local_path(location)))
        if start_ms > 0:
            media.add_option(f":start-time={start_ms / 1000:.3f}")
        self._player.set_media(media)
        media.release()  # the player holds its own reference
        # Until VLC's clock shows the start position it reads 0: report the start meanwhile.
        self._seek_target = start_ms if start_ms > 0 else None
        self._time_at_seek = 0
        self._last_ms = start_ms
        self._deadline = time.monotonic() + self.start_timeout_s
        self._player.play()

    def _halt(self) -> None:
        """Stop VLC and forget the open media's events (stop() is synchronous in libvlc 3)."""
        self._generation += 1
        self._deadline = None
        self._pause_when_playing = False
        self._seek_target = self._pending_seek = None
        self._player.stop()

    def _length(self) -> int:
        length = int(self._player.get_length())
        return length if length > 0 else 0

    def _read_position(self) -> int:
        """VLC's clock in milliseconds, or the pending seek target while VLC has not caught up."""
        now = int(self._player.get_time())
        if self._seek_target is not None:
            if now == self._time_at_seek or now < 0:
                return self._seek_target
            self._seek_target = None
        return now if now >= 0 else self._last_ms

    # -- VLC's thread: hand off only -------------------------------------------------------------

    def _on_vlc_event(self, _event: object, name: str) -> None:
        # Runs on a VLC thread: never call libvlc here.
        self._events.put((self._generation, name))

    # -- the worker thread -------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            try:
                item = self._events.get(timeout=0.1)
            except queue.Empty:
                item = None
            if item is _CLOSE:
                return
            try:
                if isinstance(item, tuple):
                    self._handle(*item)
                self._check_deadline()
            except Exception:  # keep the worker alive whatever one event did
                _log.exception("handling a VLC event failed")

    def _handle(self, generation: int, name: str) -> None:
        with self._locked():
            if generation != self._generation or self._location is None:
                return  # an event of a medium that is gone
            location = self._location
            if name == _PLAYING:
                self._deadline = None
                if self._state not in (PlaybackState.LOADING, PlaybackState.PAUSED):
                    return  # a resume after a pause: the state is already right
                self._player.audio_set_volume(self._volume)
                self._player.set_rate(self._rate)
                if self._pending_seek is not None:
                    self._time_at_seek = int(self._player.get_time())
                    self._seek_target, self._pending_seek = self._pending_seek, None
                    self._player.set_time(self._seek_target)
                if self._pause_when_playing:
                    self._pause_when_playing = False
                    self._player.set_pause(1)
                    return
                self._move_to(PlaybackState.PLAYING)
            elif name == _ENDED:
                self._deadline = None
                self._on_end(location)
            elif name == _FAILED:
                self._deadline = None
                kind, status = _classify_failure(location, self._user_agent)
                self._last_ms = self._start_ms
                self._fail(playback_error(kind, location, status=status))

    def _on_end(self, location: str) -> None:
        length = self._length()
        position = max(self._read_position(), self._seek_target or 0, self._last_ms)
        self._last_ms = position
        if length == 0 and position <= 0:
            self._fail(playback_error(PlaybackErrorKind.UNREADABLE, location))
        elif length and position < length - self.end_tolerance_ms:
            kind = PlaybackErrorKind.STREAM_DROPPED if is_remote(location) else PlaybackErrorKind.UNREADABLE
            self._fail(playback_error(kind, location, position_ms=position, duration_ms=length))
        else:
            self._start_ms = 0  # play() after the end starts over (unless a seek says otherwise)
            self._end()

    def _check_deadline(self) -> None:
        with self._locked():
            if self._deadline is None or time.monotonic() < self._deadline or self._location is None:
                return
            location = self._location
            self._halt()
            self._fail(playback_error(PlaybackErrorKind.TIMEOUT, location, timeout_s=self.start_timeout_s))


def _local_path(location: str) -> Path:
    if location.lower().startswith("file://"):
        return Path(urllib.request.url2pathname(location[7:]))
    return Path(os.path.expanduser(location))


def _classify_failure(location: str, user_agent: str) -> tuple[PlaybackErrorKind, int | None]:
    """Why VLC could not open ``location``: VLC does not say, so look for ourselves."""
    if not is_remote(location):
        if not _local_path(location).exists():
            return PlaybackErrorKind.NOT_FOUND, None
        return PlaybackErrorKind.UNREADABLE, None
    # One byte is enough to learn the status; a HEAD is not always answered like a GET.
    request = urllib.request.Request(location, headers={"Range": "bytes=0-0", "User-Agent": user_agent})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read(1)
    except urllib.error.HTTPError as error:
        if error.code in (404, 410):
            return PlaybackErrorKind.HTTP_NOT_FOUND, error.code
        return PlaybackErrorKind.HTTP_ERROR, error.code
    except (urllib.error.URLError, OSError):
        return PlaybackErrorKind.HTTP_ERROR, None
    return PlaybackErrorKind.UNREADABLE, None
