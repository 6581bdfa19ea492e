"""What a download reports while it runs: state, bytes, rate and estimated time left.

Snapshots are immutable values handed to observer callbacks, so a listener (the GUI adapter, the
CLI's progress line) can keep one without locking anything.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Generic, TypeVar

from library.downloads.errors import DownloadError

log = logging.getLogger(__name__)


class DownloadState(StrEnum):
    QUEUED = "queued"
    """Waiting for a free worker."""
    RUNNING = "running"
    PAUSED = "paused"
    """Stopped by the listener; the partial file is kept and :meth:`resume` continues it."""
    COMPLETED = "completed"
    """The file is at its target path with the announced length."""
    FAILED = "failed"
    """Gave up with :attr:`DownloadProgress.error`; nothing is left at the target path."""
    CANCELLED = "cancelled"
    """Stopped by the listener; the partial file is deleted."""

    @property
    def is_final(self) -> bool:
        return self in (DownloadState.COMPLETED, DownloadState.FAILED, DownloadState.CANCELLED)


@dataclass(frozen=True)
class DownloadProgress:
    """One download at one moment. Sizes in bytes, rate in bytes per second, ETA in seconds."""

    download_id: int
    url: str
    target: Path
    state: DownloadState
    bytes_done: int = 0
    total_bytes: int | None = None
    """``None`` while the server has not said (or never says) how long the file is."""
    rate_bytes_per_s: float = 0.0
    """Recent transfer rate, averaged over the last few seconds."""
    eta_s: float | None = None
    """Seconds until done at the recent rate; ``None`` when unknown."""
    error: DownloadError | None = None

    @property
    def fraction(self) -> float | None:
        """Share done, 0.0-1.0, or ``None`` when the total is unknown."""
        if not self.total_bytes:
            return None
        return min(1.0, self.bytes_done / self.total_bytes)


class RateMeter:
    """Transfer rate over a sliding window (seconds), robust to bursty chunk arrival."""

    def __init__(self, window_s: float = 3.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._window_s = window_s
        self._clock = clock
        self._samples: deque[tuple[float, int]] = deque()

    def reset(self, bytes_done: int) -> None:
        """Start measuring afresh (after a pause or a reconnect) from ``bytes_done``."""
        self._samples.clear()
        self._samples.append((self._clock(), bytes_done))

    def update(self, bytes_done: int) -> float:
        """Record the running byte count; returns the rate in bytes per second."""
        now = self._clock()
        samples = self._samples
        samples.append((now, bytes_done))
        while len(samples) > 2 and now - samples[1][0] >= self._window_s:
            samples.popleft()
        first_time, first_bytes = samples[0]
        elapsed = now - first_time
        return (bytes_done - first_bytes) / elapsed if elapsed > 0 else 0.0


def eta_seconds(bytes_done: int, total_bytes: int | None, rate_bytes_per_s: float) -> float | None:
    """Seconds left at ``rate_bytes_per_s``; ``None`` without a total or a rate."""
    if total_bytes is None or rate_bytes_per_s <= 0:
        return None
    return max(0.0, (total_bytes - bytes_done) / rate_bytes_per_s)


T = TypeVar("T")


class Hook(Generic[T]):
    """A tiny observer list. Callbacks run on the thread that emits (a download worker), so a
    GUI adapter must queue them to its own thread. A failing callback is logged and skipped: a
    listener's bug never breaks a download."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[T], None]] = []
        self._lock = threading.Lock()

    def connect(self, callback: Callable[[T], None]) -> None:
        with self._lock:
            self._callbacks.append(callback)

    def disconnect(self, callback: Callable[[T], None]) -> None:
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

    def emit(self, value: T) -> None:
        with self._lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            try:
                callback(value)
            except Exception:
                log.exception("a download observer failed")
