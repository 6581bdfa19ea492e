"""The download manager: a queue, a bounded set of worker threads, and handles to control them.

    with DownloadManager(max_concurrent=3) as manager:
        manager.progressed.connect(show_progress)
        handle = manager.enqueue(url, target_path)
        handle.wait()

At most ``max_concurrent`` downloads transfer at once; the rest wait in ``QUEUED`` order. A paused
download gives its worker to the next one and continues later from where it stopped (HTTP Range).
Temporary failures (dropped connections, timeouts, 5xx, 429) are retried with exponential backoff;
an attempt that made progress resets the backoff, so a flaky but working connection gets there.
Observer callbacks run on worker threads.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

import httpx

from library.downloads.errors import (
    DownloadError,
    DownloadNetworkError,
    DownloadStorageError,
    DownloadTargetError,
)
from library.downloads.progress import DownloadProgress, DownloadState, Hook, RateMeter, eta_seconds
from library.downloads.transfer import Attempt, AttemptOutcome, PartialFile, RetryableError, storage_error
from library.redact import redact_url

log = logging.getLogger(__name__)

USER_AGENT = "Castwise/0.1 (podcast player)"


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Delays in seconds."""

    attempts: int = 5
    """Consecutive failed attempts without new bytes before giving up."""
    max_total_attempts: int = 40
    """Attempts in all, progress or not, so a server that cuts every few bytes cannot loop us."""
    base_delay_s: float = 1.0
    """Delay after the first failure; doubles with each further one."""
    max_delay_s: float = 60.0

    def delay_s(self, failures: int, retry_after_s: float | None = None) -> float:
        """The wait before the next attempt after ``failures`` consecutive failures (>= 1)."""
        delay = min(self.max_delay_s, self.base_delay_s * (2 ** max(0, failures - 1)))
        if retry_after_s is not None:
            delay = max(delay, min(retry_after_s, self.max_delay_s))
        return delay


class DownloadHandle:
    """One download in a :class:`DownloadManager`: its latest progress and controls.

    All methods are thread-safe. The handle stays valid after the download ends.
    """

    def __init__(self, manager: DownloadManager, download_id: int, url: str, target: Path,
                 headers: dict[str, str] | None) -> None:
        self._manager = manager
        self.id = download_id
        self.url = url
        self.target = target
        self.headers = headers
        self._progress = DownloadProgress(download_id, url, target, DownloadState.QUEUED)
        self._stop = threading.Event()  # raised to pause or cancel a running attempt
        self._cancel_requested = False
        self._attempt: Attempt | None = None  # the HTTP attempt under way, to abort a stalled read
        self._settled = threading.Condition(manager._lock)
        # Every state change bumps _changes; _announced catches up once observers have heard of
        # it, so wait() returns only after the state_changed callbacks for that state ran.
        self._changes = 0
        self._announced = 0
        self._announcing = threading.RLock()  # reentrant: an observer may pause or cancel

    @property
    def progress(self) -> DownloadProgress:
        return self._progress

    @property
    def state(self) -> DownloadState:
        return self._progress.state

    @property
    def error(self) -> DownloadError | None:
        return self._progress.error

    def pause(self) -> None:
        """Stop transferring and keep the partial file; no effect once finished."""
        self._manager._pause(self)

    def resume(self) -> None:
        """Queue a paused (or temporarily failed) download again; it continues with Range."""
        self._manager._resume(self)

    def cancel(self) -> None:
        """Stop for good and delete the partial file; no effect on a completed download."""
        self._manager._cancel(self)

    def wait(self, timeout_s: float | None = None) -> DownloadState:
        """Block until the download is paused or finished (or ``timeout_s`` passes); returns the
        state at that moment."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        with self._settled:
            while self.state in (DownloadState.QUEUED, DownloadState.RUNNING) or self._announced < self._changes:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                self._settled.wait(remaining)
            return self.state

    def __repr__(self) -> str:
        return f"<DownloadHandle {self.id} {self.state} {redact_url(self.url)}>"  # private feeds' tokens


class DownloadManager:
    """Downloads files over HTTP(S) with at most ``max_concurrent`` transfers at a time.

    ``progressed`` fires with a :class:`DownloadProgress` at most every ``progress_interval_s``
    seconds per download while bytes flow; ``state_changed`` fires on every state change (queued,
    running, paused, completed, failed, cancelled) with the final numbers and any error. Both run
    on the thread that caused them (mostly a worker): keep callbacks short, queue GUI work to the
    GUI thread, and never :meth:`DownloadHandle.wait` inside one.
    """

    def __init__(
        self,
        *,
        max_concurrent: int = 3,
        client: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
        timeout_s: float = 30.0,
        chunk_size: int = 1 << 20,
        progress_interval_s: float = 0.25,
    ) -> None:
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self.max_concurrent = max_concurrent
        self.retry = retry or RetryPolicy()
        self.chunk_size = chunk_size
        self.progress_interval_s = progress_interval_s
        self.progressed: Hook[DownloadProgress] = Hook()
        self.state_changed: Hook[DownloadProgress] = Hook()
        self._owns_client = client is None
        self._client = client or httpx.Client(
            follow_redirects=True,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 15.0)),
            limits=httpx.Limits(max_connections=max_concurrent * 2, max_keepalive_connections=max_concurrent),
            headers={"User-Agent": USER_AGENT},
        )
        self._lock = threading.RLock()
        self._work_ready = threading.Condition(self._lock)
        self._queue: deque[DownloadHandle] = deque()
        self._handles: dict[int, DownloadHandle] = {}
        self._ids = itertools.count(1)
        self._workers: list[threading.Thread] = []
        self._closed = False

    # -- public API ----------------------------------------------------------------------------

    def enqueue(self, url: str, target: str | Path, *, headers: dict[str, str] | None = None) -> DownloadHandle:
        """Queue ``url`` to be saved at ``target`` (its folder is created). ``headers`` are sent
        with every request (e.g. an Authorization for a private feed). Raises
        :class:`DownloadTargetError` for a non-HTTP URL or a target already being downloaded."""
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            raise DownloadTargetError(f"Cannot download “{url}”: only http and https links are supported.", url=url)
        target = Path(target)
        with self._lock:
            if self._closed:
                raise DownloadTargetError("The download manager is closed.", url=url)
            for other in self._handles.values():
                if other.target == target and not other.state.is_final:
                    raise DownloadTargetError(f"“{target.name}” is already being downloaded.", url=url)
            handle = DownloadHandle(self, next(self._ids), url, target, headers)
            self._handles[handle.id] = handle
            self._queue.append(handle)
            self._start_workers()
            self._work_ready.notify()
            change = (handle.progress, 0)
        self._announce(handle, change)
        return handle

    def downloads(self) -> list[DownloadHandle]:
        """Every download this manager has seen, oldest first."""
        with self._lock:
            return list(self._handles.values())

    def wait_all(self, timeout_s: float | None = None) -> bool:
        """Wait until no download is queued or running; ``False`` if ``timeout_s`` passed first."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        for handle in self.downloads():
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            if handle.wait(remaining) in (DownloadState.QUEUED, DownloadState.RUNNING):
                return False
        return True

    def close(self) -> None:
        """Pause whatever runs (partial files stay for a later resume), stop the workers and
        release the HTTP client."""
        with self._lock:
            if self._closed and not self._workers:
                return  # closed before
            self._closed = True
            for handle in self._handles.values():
                if handle.state is DownloadState.RUNNING:
                    handle._stop.set()
                    if handle._attempt is not None:
                        handle._attempt.abort()
            self._work_ready.notify_all()
            workers = list(self._workers)
        for worker in workers:
            worker.join()
        with self._lock:
            self._workers = []
            changes = [(handle, self._set(handle, DownloadState.PAUSED)) for handle in self._queue]
            self._queue.clear()
        for handle, change in changes:
            self._announce(handle, change)
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> DownloadManager:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- controls (called through the handle) --------------------------------------------------

    def _pause(self, handle: DownloadHandle) -> None:
        with self._lock:
            if handle.state is DownloadState.RUNNING:
                handle._stop.set()  # the worker notices after the current chunk...
                if handle._attempt is not None:
                    handle._attempt.abort()  # ...or at once when the server is silent
                return
            if handle.state is not DownloadState.QUEUED:
                return
            self._queue.remove(handle)
            change = self._set(handle, DownloadState.PAUSED)
        self._announce(handle, change)

    def _resume(self, handle: DownloadHandle) -> None:
        with self._lock:
            if self._closed or handle.state not in (DownloadState.PAUSED, DownloadState.FAILED):
                return
            handle._stop.clear()
            self._queue.append(handle)
            change = self._set(handle, DownloadState.QUEUED)
            self._start_workers()
            self._work_ready.notify()
        self._announce(handle, change)

    def _cancel(self, handle: DownloadHandle) -> None:
        with self._lock:
            if handle.state is DownloadState.RUNNING:
                handle._cancel_requested = True
                handle._stop.set()  # the worker deletes the part file when it stops
                if handle._attempt is not None:
                    handle._attempt.abort()
                return
            if handle.state in (DownloadState.COMPLETED, DownloadState.CANCELLED):
                return
            if handle.state is DownloadState.QUEUED:
                self._queue.remove(handle)
            PartialFile(handle.target).discard()
            change = self._set(handle, DownloadState.CANCELLED)
        self._announce(handle, change)

    # -- workers -------------------------------------------------------------------------------

    def _start_workers(self) -> None:
        """Start workers up to the bound (called with the lock held)."""
        self._workers = [worker for worker in self._workers if worker.is_alive()]
        while len(self._workers) < min(self.max_concurrent, len(self._queue) + self._running_count()):
            worker = threading.Thread(target=self._work, name=f"castwise-download-{len(self._workers) + 1}",
                                      daemon=True)
            self._workers.append(worker)
            worker.start()

    def _running_count(self) -> int:
        return sum(1 for handle in self._handles.values() if handle.state is DownloadState.RUNNING)

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._closed:
                    # Idle workers leave after a while; enqueue starts new ones.
                    if not self._work_ready.wait(timeout=30.0) and not self._queue:
                        if threading.current_thread() in self._workers:
                            self._workers.remove(threading.current_thread())
                        return
                if self._closed:
                    return
                handle = self._queue.popleft()
                handle._stop.clear()
                change = self._set(handle, DownloadState.RUNNING)
            self._announce(handle, change)
            try:
                self._download(handle)
            except Exception as error:  # a bug must not kill the worker or leave a half state
                log.exception("download %s crashed", handle.id)
                self._finish(handle, DownloadState.FAILED,
                             DownloadStorageError(f"The download failed unexpectedly: {error}", url=handle.url))

    def _download(self, handle: DownloadHandle) -> None:
        try:
            handle.target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self._finish(handle, DownloadState.FAILED, storage_error(error, url=handle.url, target=handle.target))
            return
        partial = PartialFile(handle.target)
        meter = RateMeter()
        meter.reset(partial.size())
        last_report = 0.0
        interval = self.progress_interval_s

        def on_bytes(done: int, total: int | None) -> None:
            nonlocal last_report
            now = time.monotonic()
            if now - last_report < interval and done != total:
                return
            last_report = now
            rate = meter.update(done)
            progress = replace(handle._progress, bytes_done=done, total_bytes=total, rate_bytes_per_s=rate,
                               eta_s=eta_seconds(done, total, rate))
            handle._progress = progress
            self.progressed.emit(progress)

        failures = 0
        attempts = 0
        while True:
            attempts += 1
            before = partial.size()
            attempt = Attempt(self._client, handle.url, partial, handle._stop, on_bytes,
                              chunk_size=self.chunk_size, headers=handle.headers)
            with self._lock:
                handle._attempt = attempt
            try:
                outcome = attempt.run()
            except RetryableError as error:
                if handle._stop.is_set():  # the failure is the pause or cancel cutting the read
                    outcome = AttemptOutcome.STOPPED
                else:
                    failures = 0 if partial.size() > before else failures + 1
                    if failures >= self.retry.attempts or attempts >= self.retry.max_total_attempts:
                        self._finish(handle, DownloadState.FAILED, DownloadNetworkError(
                            f"Could not download “{handle.target.name}”: {error}. "
                            "It will resume from where it stopped when you try again.", url=handle.url))
                        return
                    delay = 0.0 if failures == 0 else self.retry.delay_s(failures, error.retry_after_s)
                    log.info("download %s: %s; retrying in %.1f s", handle.id, error, delay)
                    if delay and handle._stop.wait(delay):
                        outcome = AttemptOutcome.STOPPED
                    else:
                        meter.reset(partial.size())
                        continue
            except DownloadError as error:
                partial.discard()
                self._finish(handle, DownloadState.FAILED, error)
                return
            if outcome is AttemptOutcome.COMPLETED:
                self._finish(handle, DownloadState.COMPLETED, None)
                return
            # Stopped: a pause keeps the part file, a cancel deletes it.
            with self._lock:
                cancelled = handle._cancel_requested
            if cancelled:
                partial.discard()
                self._finish(handle, DownloadState.CANCELLED, None)
            else:
                self._finish(handle, DownloadState.PAUSED, None)
            return

    def _finish(self, handle: DownloadHandle, state: DownloadState, error: DownloadError | None) -> None:
        """Settle a download the worker has finished with, and tell observers."""
        with self._lock:
            if state is DownloadState.COMPLETED:
                size = handle.target.stat().st_size
                handle._progress = replace(handle._progress, bytes_done=size, total_bytes=size)
            handle._cancel_requested = False
            change = self._set(handle, state, error=error)
        self._announce(handle, change)

    def _set(self, handle: DownloadHandle, state: DownloadState, *, error: DownloadError | None = None
             ) -> tuple[DownloadProgress, int]:
        """Record a state change (lock held); returns the snapshot and its change number, which
        the caller announces once the lock is released: observers never run under the lock."""
        running = state is DownloadState.RUNNING
        handle._progress = replace(
            handle._progress,
            state=state,
            error=error,
            rate_bytes_per_s=handle._progress.rate_bytes_per_s if running else 0.0,
            eta_s=handle._progress.eta_s if running else (0.0 if state is DownloadState.COMPLETED else None),
        )
        handle._changes += 1
        return handle._progress, handle._changes

    def _announce(self, handle: DownloadHandle, change: tuple[DownloadProgress, int]) -> None:
        """Tell observers about a state change (outside the manager's lock), then wake waiters.

        Changes of one download can be announced from two threads at once (``enqueue`` on the
        caller's, the transfer on a worker's). One announcement at a time per download, and a
        change older than one already announced is dropped: observers (the database rows) never
        see a download go back to an earlier state."""
        event, number = change
        with handle._announcing:
            with self._lock:
                stale = number < handle._announced
            if not stale:
                self.state_changed.emit(event)
            with self._lock:
                handle._announced = max(handle._announced, number)
                handle._settled.notify_all()
