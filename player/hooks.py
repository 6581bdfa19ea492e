"""A small observer hook: the way core objects in ``player`` publish discrete events.

A :class:`Hook` holds callbacks and calls each with the event's arguments. A callback that raises
is reported through :mod:`logging` and does not stop the others (one faulty listener must not
break playback). Qt adapters in ``app/`` connect to hooks and re-emit them as queued signals.

    engine.state_changed.connect(lambda old, new: print(old, "->", new))
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, ParamSpec

P = ParamSpec("P")
_log = logging.getLogger(__name__)


class Hook(Generic[P]):
    """A list of callbacks sharing one signature, called in the order they were connected."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._callbacks: list[Callable[P, object]] = []
        self._lock = threading.Lock()

    def connect(self, callback: Callable[P, object]) -> Callable[P, object]:
        """Add ``callback``; returns it so the method can be used as a decorator."""
        with self._lock:
            self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[P, object]) -> None:
        """Remove ``callback``; removing one that is not connected does nothing."""
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Call every callback with the event's arguments, on the calling thread."""
        with self._lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            try:
                callback(*args, **kwargs)
            except Exception:  # a listener's bug must not stop playback
                _log.exception("a %s listener failed", self.name)

    def __len__(self) -> int:
        return len(self._callbacks)
