"""The one background helper of the GUI: run blocking work on a QThreadPool, get results back on
the GUI thread, and drop stale results.

Every network, disk-heavy or model call the GUI makes goes through :class:`TaskRunner`:

    runner.submit(library.search, text, key="search", on_result=self._on_search_finished)

* ``on_result`` / ``on_error`` always run on the GUI thread (the thread that owns the runner).
* A task submitted with a ``key`` cancels the previous task of the same key: typing in a search
  box starts a query per keystroke and only the last answer reaches the screen.
* :meth:`TaskHandle.cancel` drops a result explicitly; jobs that loop for long can pass
  ``wants_token=True`` and poll ``cancel_token.cancelled`` to stop early.
* After :meth:`close` (the application shutting down) nothing is run or delivered any more: a
  timer or a late signal that submits work while the window is being torn down cannot call back
  into objects that are gone.
* ``inline=True`` runs each job synchronously inside :meth:`submit` (tests, benchmarks of the
  job itself) with the same callback semantics.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

ResultCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class CancelToken:
    """Set by :meth:`TaskHandle.cancel`; a cooperative job polls :attr:`cancelled`."""

    def __init__(self) -> None:
        self._event = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        self._event.set()


@dataclass
class TaskHandle:
    """A submitted job. Cancelling it guarantees neither callback runs afterwards."""

    task_id: int
    key: str | None
    token: CancelToken = field(default_factory=CancelToken)
    done: bool = False

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled

    def cancel(self) -> None:
        self.token.cancel()


class _Relay(QObject):
    """Lives on the GUI thread; emitting from a worker queues the call onto the GUI thread."""

    finished = Signal(int, object, object)  # task id, result, error


class _Job(QRunnable):
    def __init__(self, handle: TaskHandle, call: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._handle = handle
        self._call = call
        self._relay = relay

    def run(self) -> None:
        if self._handle.cancelled:
            self._report(None, None)
            return
        try:
            result = self._call()
        except BaseException as error:  # delivered to on_error on the GUI thread
            self._report(None, error)
            return
        self._report(result, None)

    def _report(self, result: object, error: BaseException | None) -> None:
        try:
            self._relay.finished.emit(self._handle.task_id, result, error)
        except RuntimeError:
            pass  # the runner is gone (the app is closing): nobody is left to tell


@dataclass
class _Pending:
    handle: TaskHandle
    on_result: ResultCallback | None
    on_error: ErrorCallback | None


class TaskRunner(QObject):
    """Runs jobs off the GUI thread; see the module docstring for the contract."""

    def __init__(
        self,
        pool: QThreadPool | None = None,
        *,
        inline: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = pool if pool is not None else QThreadPool.globalInstance()
        self._inline = inline
        self._ids = count(1)
        self._pending: dict[int, _Pending] = {}
        self._latest_by_key: dict[str, TaskHandle] = {}
        self._closed = False
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_relay_finished)

    @property
    def inline(self) -> bool:
        return self._inline

    def submit(
        self,
        function: Callable[..., Any],
        *args: Any,
        key: str | None = None,
        on_result: ResultCallback | None = None,
        on_error: ErrorCallback | None = None,
        wants_token: bool = False,
        **kwargs: Any,
    ) -> TaskHandle:
        """Run ``function(*args, **kwargs)`` in the background.

        ``key`` groups tasks whose older results are stale once a newer one is submitted.
        ``wants_token`` passes the task's :class:`CancelToken` as ``cancel_token=``.
        Without ``on_error``, errors are logged (never raised into the event loop).
        """
        handle = TaskHandle(task_id=next(self._ids), key=key)
        if self._closed:
            handle.cancel()
            handle.done = True
            return handle
        if key is not None:
            previous = self._latest_by_key.get(key)
            if previous is not None:
                previous.cancel()
            self._latest_by_key[key] = handle
        if wants_token:
            kwargs["cancel_token"] = handle.token
        self._pending[handle.task_id] = _Pending(handle, on_result, on_error)

        def call() -> Any:
            return function(*args, **kwargs)

        if self._inline:
            try:
                result = call()
            except Exception as error:
                self._deliver(handle.task_id, None, error)
            else:
                self._deliver(handle.task_id, result, None)
        else:
            self._pool.start(_Job(handle, call, self._relay))
        return handle

    def pending_count(self) -> int:
        """Tasks submitted whose callbacks have not run (nor been dropped) yet."""
        return len(self._pending)

    def cancel_all(self) -> None:
        """Drop every outstanding result (window closing, library switched)."""
        for pending in self._pending.values():
            pending.handle.cancel()

    def close(self) -> None:
        """Drop every outstanding result and refuse new work (the application is closing)."""
        self._closed = True
        self.cancel_all()

    def wait_for_done(self, timeout_ms: int = -1) -> bool:
        """Block until the pool is idle (tests, shutdown). Results still arrive via the event loop."""
        return bool(self._pool.waitForDone(timeout_ms))

    @Slot(int, object, object)
    def _on_relay_finished(self, task_id: int, result: object, error: object) -> None:
        self._deliver(task_id, result, error if isinstance(error, BaseException) else None)

    def _deliver(self, task_id: int, result: Any, error: BaseException | None) -> None:
        pending = self._pending.pop(task_id, None)
        if pending is None:
            return
        handle = pending.handle
        handle.done = True
        if handle.key is not None and self._latest_by_key.get(handle.key) is handle:
            del self._latest_by_key[handle.key]
        if handle.cancelled:
            return  # stale: a newer task of the same key, or the caller, superseded it
        if error is not None:
            if pending.on_error is not None:
                pending.on_error(error)
            else:
                log.error("background task failed", exc_info=error)
            return
        if pending.on_result is not None:
            pending.on_result(result)
