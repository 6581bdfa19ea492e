"""The playback engine contract every backend (VLC, null) fulfils.

Units: every position and duration is in **milliseconds**; rates are multiples of normal speed
(0.5 to 3.0); volume is a percentage (0 to 100).

Threads: the public methods may be called from one controlling thread (the GUI thread, or the
command line's main thread). Hooks carry only *discrete* events (state changes, the end of the
media, errors) and may be called on an engine-owned thread (never on one of VLC's), always after
the engine's lock is released, so a handler may call the engine; it should be quick. The position
is never pushed: read :meth:`Engine.position_ms` on a timer (~250 ms).

Errors: problems with a medium (missing file, HTTP 404, a corrupt or non-audio file, a stream that
drops) are not raised; the engine moves to :attr:`PlaybackState.ERROR`, keeps the
:class:`PlaybackError` in :attr:`Engine.last_error` and emits :attr:`Engine.error_occurred`. The
engine stays usable: the next :meth:`Engine.load` starts afresh. Calls with bad arguments (a rate
out of range) raise :class:`ValueError` at once.
"""

from __future__ import annotations

import abc
import contextlib
import enum
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from player.hooks import Hook

MIN_RATE = 0.5
MAX_RATE = 3.0


class PlaybackState(enum.Enum):
    """Where an engine is. ``ENDED`` means the medium played to its end; ``ERROR`` that it failed."""

    IDLE = "idle"
    """Nothing loaded yet."""
    LOADING = "loading"
    """:meth:`Engine.play` was called; the medium is opening and buffering."""
    PLAYING = "playing"
    PAUSED = "paused"
    STOPPED = "stopped"
    """Loaded (or stopped by :meth:`Engine.stop`), not playing; :meth:`Engine.play` starts it."""
    ENDED = "ended"
    ERROR = "error"


class PlaybackErrorKind(enum.Enum):
    """Why a medium could not be played; each kind has a listener-facing message."""

    NOT_FOUND = "not-found"
    """A local file that does not exist."""
    HTTP_NOT_FOUND = "http-not-found"
    """The server answered 404 (or 410)."""
    HTTP_ERROR = "http-error"
    """Another HTTP failure (401/403/5xx) or the server could not be reached."""
    UNREADABLE = "unreadable"
    """A corrupt, truncated or non-audio file."""
    STREAM_DROPPED = "stream-dropped"
    """A stream that stopped delivering data before its end."""
    TIMEOUT = "timeout"
    """The medium did not start playing within the engine's start timeout."""


@dataclass(frozen=True)
class PlaybackError(Exception):
    """A typed playback failure: ``kind`` for code, ``message`` for the listener."""

    kind: PlaybackErrorKind
    location: str
    message: str
    status: int | None = None
    """The HTTP status, where one is known."""

    def __str__(self) -> str:
        return self.message


def validate_rate(rate: float) -> float:
    """Return ``rate`` if it is within 0.5-3.0 (times normal speed); raise ValueError otherwise."""
    if not MIN_RATE <= rate <= MAX_RATE:
        raise ValueError(f"playback speed must be between {MIN_RATE}x and {MAX_RATE}x, not {rate}x")
    return float(rate)


def validate_volume(volume: int) -> int:
    """Return ``volume`` if it is within 0-100 (percent); raise ValueError otherwise."""
    if not 0 <= volume <= 100:
        raise ValueError(f"volume must be between 0 and 100, not {volume}")
    return int(volume)


class Engine(abc.ABC):
    """One audio output that plays one medium at a time.

    Hooks (discrete events only):

    - ``state_changed(old: PlaybackState, new: PlaybackState)``
    - ``media_ended()``: the medium played to its end (the state is now ``ENDED``). VLC signals the
      end up to ~1.5 s before its clock reaches the duration; treat this event, not
      ``position == duration``, as "finished".
    - ``error_occurred(error: PlaybackError)``: the state is now ``ERROR``.
    """

    def __init__(self) -> None:
        self.state_changed: Hook[[PlaybackState, PlaybackState]] = Hook("state_changed")
        self.media_ended: Hook[[]] = Hook("media_ended")
        self.error_occurred: Hook[[PlaybackError]] = Hook("error_occurred")
        self.last_error: PlaybackError | None = None
        """The error of the current medium, if it failed; cleared by :meth:`load`."""
        self._state = PlaybackState.IDLE
        self._state_lock = threading.RLock()
        self._lock_depth = 0  # nesting of _locked() by the thread holding the lock
        self._outbox: list[tuple[Hook[Any], tuple[Any, ...]]] = []

    @property
    def state(self) -> PlaybackState:
        """The current :class:`PlaybackState`."""
        return self._state

    # -- for implementations: every state change goes through these, so hooks never miss one --

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the engine's lock; hooks raised inside run only once it is fully released, so a
        listener never runs while the engine is locked (and cannot deadlock it)."""
        with self._state_lock:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
                pending: list[tuple[Hook[Any], tuple[Any, ...]]] = []
                if self._lock_depth == 0:
                    pending, self._outbox = self._outbox, []
        for hook, args in pending:
            hook.emit(*args)

    def _move_to(self, new: PlaybackState) -> None:
        """Set the state and emit ``state_changed`` if it changed."""
        with self._locked():
            old, self._state = self._state, new
            if old is not new:
                self._outbox.append((self.state_changed, (old, new)))

    def _fail(self, error: PlaybackError) -> None:
        """Record ``error``, move to ``ERROR`` and emit ``error_occurred``."""
        with self._locked():
            self.last_error = error
            self._move_to(PlaybackState.ERROR)
            self._outbox.append((self.error_occurred, (error,)))

    def _end(self) -> None:
        """Move to ``ENDED`` and emit ``media_ended``."""
        with self._locked():
            self._move_to(PlaybackState.ENDED)
            self._outbox.append((self.media_ended, ()))

    @property
    @abc.abstractmethod
    def location(self) -> str | None:
        """The loaded medium's path or URL, or None."""

    @abc.abstractmethod
    def load(self, location: str, start_ms: int = 0) -> None:
        """Load a local path or an http(s) URL, to start ``start_ms`` milliseconds in.

        Stops whatever was playing and moves to ``STOPPED`` (problems with the medium surface
        only once :meth:`play` opens it). Rate and volume carry over from the previous medium.
        """

    @abc.abstractmethod
    def play(self) -> None:
        """Start the loaded medium (``LOADING`` then ``PLAYING``), or restart it after ``ENDED``.

        From ``PAUSED`` this is :meth:`resume`. Without a loaded medium it does nothing.
        """

    @abc.abstractmethod
    def pause(self) -> None:
        """Pause (``PAUSED``); the position in milliseconds is kept. Ignored unless playing/loading."""

    @abc.abstractmethod
    def resume(self) -> None:
        """Continue after :meth:`pause` (``PLAYING``). Ignored unless paused."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Stop playing (``STOPPED``); the last position stays readable. :meth:`play` starts over
        from that position."""

    @abc.abstractmethod
    def seek(self, position_ms: int) -> None:
        """Move to ``position_ms`` milliseconds (clamped to 0..duration), playing or paused.

        Before the medium plays (``STOPPED``) it sets the start position instead. Positions read
        right after a seek report the target; some formats (Ogg) land slightly past it.
        """

    @abc.abstractmethod
    def set_rate(self, rate: float) -> None:
        """Playback speed, 0.5 to 3.0 times normal (ValueError outside). Pitch is kept."""

    @property
    @abc.abstractmethod
    def rate(self) -> float:
        """The playback speed set by :meth:`set_rate` (times normal)."""

    @abc.abstractmethod
    def set_volume(self, volume: int) -> None:
        """Output volume, 0 to 100 percent (ValueError outside)."""

    @property
    @abc.abstractmethod
    def volume(self) -> int:
        """The volume set by :meth:`set_volume` (percent)."""

    @abc.abstractmethod
    def position_ms(self) -> int:
        """Current position in milliseconds (0 when nothing is loaded).

        Poll it (the VLC clock moves in steps of up to ~500 ms). After ``ENDED`` it is the duration.
        """

    @abc.abstractmethod
    def duration_ms(self) -> int | None:
        """Length of the medium in milliseconds, or None while unknown (not opened yet, live)."""

    def close(self) -> None:  # noqa: B027 - optional for engines that hold nothing
        """Release the audio output and any threads. The engine cannot be used afterwards."""


def is_remote(location: str) -> bool:
    """True for http(s) URLs, False for local paths and file: URLs."""
    return location.lower().startswith(("http://", "https://"))


def _display_name(location: str) -> str:
    """The last path segment of a path or URL, for messages (never a URL's query string)."""
    trimmed = location.split("?", 1)[0].rstrip("/")
    return trimmed.rsplit("/", 1)[-1] or location


def format_clock(ms: int) -> str:
    """``ms`` milliseconds as ``h:mm:ss`` or ``m:ss``."""
    seconds = max(0, ms) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def playback_error(
    kind: PlaybackErrorKind,
    location: str,
    *,
    status: int | None = None,
    position_ms: int | None = None,
    duration_ms: int | None = None,
    timeout_s: float | None = None,
) -> PlaybackError:
    """Build a :class:`PlaybackError` with the listener-facing message for ``kind``."""
    name = _display_name(location)
    if kind is PlaybackErrorKind.NOT_FOUND:
        message = f"The file {name} does not exist; it may have been moved or deleted."
    elif kind is PlaybackErrorKind.HTTP_NOT_FOUND:
        message = f"The server no longer has {name} (HTTP {status or 404}); the episode may have been removed."
    elif kind is PlaybackErrorKind.HTTP_ERROR:
        message = (
            f"The server refused {name} (HTTP {status})."
            if status
            else f"The server for {name} could not be reached; check the connection."
        )
    elif kind is PlaybackErrorKind.UNREADABLE:
        message = f"{name} is not playable audio: the file is corrupt, incomplete or not audio at all."
    elif kind is PlaybackErrorKind.STREAM_DROPPED:
        where = ""
        if position_ms is not None and duration_ms:
            where = f" at {format_clock(position_ms)} of {format_clock(duration_ms)}"
        message = f"The stream of {name} stopped{where}: the connection dropped."
    else:
        message = f"{name} did not start playing within {timeout_s or 0:g} seconds."
    return PlaybackError(kind=kind, location=location, message=message, status=status)
