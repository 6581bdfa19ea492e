"""The GUI's background helper: results on the GUI thread, stale results dropped, inline mode."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread, QThreadPool

from app.tasks import TaskRunner


@pytest.fixture
def pool() -> QThreadPool:
    pool = QThreadPool()
    pool.setMaxThreadCount(2)
    return pool


def test_result_arrives_on_the_gui_thread(qtbot, pool) -> None:
    runner = TaskRunner(pool)
    worker_threads: list[int] = []
    seen: list[tuple[int, bool]] = []

    def job(value: int) -> int:
        worker_threads.append(threading.get_ident())
        return value * 2

    def on_result(result: int) -> None:
        seen.append((result, QThread.currentThread() is runner.thread()))

    runner.submit(job, 21, on_result=on_result)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(42, True)]
    assert worker_threads[0] != threading.get_ident()
    assert runner.pending_count() == 0


def test_a_newer_task_with_the_same_key_drops_the_older_result(qtbot, pool) -> None:
    runner = TaskRunner(pool)
    release = threading.Event()
    results: list[str] = []

    def slow() -> str:
        release.wait(5)
        return "old"

    runner.submit(slow, key="search", on_result=results.append)
    runner.submit(lambda: "new", key="search", on_result=results.append)
    qtbot.waitUntil(lambda: results == ["new"])
    release.set()
    runner.wait_for_done()
    qtbot.waitUntil(lambda: runner.pending_count() == 0)
    assert results == ["new"]


def test_errors_reach_on_error_not_the_event_loop(qtbot, pool) -> None:
    runner = TaskRunner(pool)
    errors: list[BaseException] = []

    def broken() -> None:
        raise ValueError("feed is not XML")

    runner.submit(broken, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValueError)
    assert str(errors[0]) == "feed is not XML"


def test_cancelled_token_stops_a_cooperative_job(qtbot, pool) -> None:
    runner = TaskRunner(pool)
    started = threading.Event()
    stopped_early: list[bool] = []
    results: list[object] = []

    def long_job(cancel_token) -> int:
        started.set()
        for step in range(500):
            if cancel_token.cancelled:
                stopped_early.append(True)
                return step
            threading.Event().wait(0.01)
        return 500

    handle = runner.submit(long_job, wants_token=True, on_result=results.append)
    assert started.wait(5)
    handle.cancel()
    runner.wait_for_done()
    qtbot.waitUntil(lambda: runner.pending_count() == 0)
    assert stopped_early == [True]
    assert results == []  # a cancelled task never calls back


def test_inline_mode_runs_synchronously_with_the_same_semantics() -> None:
    runner = TaskRunner(inline=True)
    results: list[int] = []
    errors: list[BaseException] = []
    runner.submit(lambda: 7, on_result=results.append)
    runner.submit(lambda: 1 / 0, on_error=errors.append)
    assert results == [7]
    assert isinstance(errors[0], ZeroDivisionError)
    assert runner.pending_count() == 0


def test_after_close_nothing_runs_or_calls_back(qtbot, pool) -> None:
    runner = TaskRunner(pool)
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []
    delivered: list[object] = []

    def slow_job() -> str:
        started.set()
        release.wait(5)
        ran.append("before")
        return "before"

    runner.submit(slow_job, on_result=delivered.append)
    assert started.wait(5)
    runner.close()  # the application shuts down while that job still runs
    runner.submit(lambda: ran.append("after"), on_result=delivered.append, on_error=delivered.append)
    release.set()
    assert runner.wait_for_done(5_000)
    qtbot.wait(50)  # let any queued delivery reach the event loop
    assert ran == ["before"]  # the job started earlier finished; the later one never ran
    assert delivered == []
