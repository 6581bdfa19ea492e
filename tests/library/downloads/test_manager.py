"""The download manager against a real HTTP server on 127.0.0.1 that misbehaves on purpose."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from library.downloads import (
    DownloadAuthError,
    DownloadHTTPError,
    DownloadLengthError,
    DownloadManager,
    DownloadNetworkError,
    DownloadProgress,
    DownloadState,
    DownloadTargetError,
    RetryPolicy,
)
from library.errors import ErrorKind
from tests.support.httpserver import LocalHTTPServer, Resource

FAST_RETRY = RetryPolicy(attempts=3, base_delay_s=0.01, max_delay_s=0.05)
WAIT_S = 60.0  # a generous bound so a hung download fails the test instead of hanging it


def payload(size: int, seed: int = 1) -> bytes:
    """Deterministic random bytes: a wrong offset anywhere changes the file."""
    return random.Random(seed).randbytes(size)


@pytest.fixture
def manager() -> Iterator[DownloadManager]:
    with DownloadManager(max_concurrent=2, retry=FAST_RETRY, timeout_s=10, progress_interval_s=0.0) as manager:
        yield manager


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.rglob("*") if path.is_file())


def test_a_complete_download_lands_byte_identical_with_progress(
    http_server: LocalHTTPServer, manager: DownloadManager, tmp_path: Path
) -> None:
    body = payload(3_000_000)
    url = http_server.add("/episode.mp3", Resource(body=body, content_type="audio/mpeg"))
    seen: list[DownloadProgress] = []
    manager.progressed.connect(seen.append)
    target = tmp_path / "Show" / "Episode.mp3"

    handle = manager.enqueue(url, target)

    assert handle.wait(WAIT_S) is DownloadState.COMPLETED, handle.error
    assert target.read_bytes() == body
    assert leftovers(tmp_path) == ["Episode.mp3"]  # no .part or sidecar left behind
    assert handle.progress.bytes_done == handle.progress.total_bytes == len(body)
    done = [progress.bytes_done for progress in seen]
    assert done == sorted(done) and done[-1] == len(body)
    assert all(progress.total_bytes == len(body) for progress in seen)


def test_a_dropped_connection_resumes_with_a_validated_range(
    http_server: LocalHTTPServer, manager: DownloadManager, tmp_path: Path
) -> None:
    body = payload(2_500_000, seed=2)
    url = http_server.add("/cut.mp3", Resource(body=body, cut_after=1_000_000, cut_times=2))
    target = tmp_path / "cut.mp3"

    handle = manager.enqueue(url, target)

    assert handle.wait(WAIT_S) is DownloadState.COMPLETED, handle.error
    assert target.read_bytes() == body
    requests = http_server.requests_for("/cut.mp3")
    assert len(requests) == 3
    assert "Range" not in requests[0].headers
    etag = http_server.requests_for("/cut.mp3")[1].headers.get("If-Range")
    assert etag and etag.startswith('"')  # the strong ETag the server sent first
    offsets = [int(request.headers["Range"].removeprefix("bytes=").rstrip("-")) for request in requests[1:]]
    assert 0 < offsets[0] <= 1_000_000 < offsets[1] <= 2_000_000


def test_resume_validates_with_last_modified_when_there_is_no_etag(
    http_server: LocalHTTPServer, manager: DownloadManager, tmp_path: Path
) -> None:
    body = payload(1_500_000, seed=3)
    url = http_server.add("/dated.mp3", Resource(body=body, etag=None, last_modified=1_700_000_000,
                                                   cut_after=600_000, cut_times=1))
    handle = manager.enqueue(url, tmp_path / "dated.mp3")

    assert handle.wait(WAIT_S) is DownloadState.COMPLETED, handle.error
    assert (tmp_path / "dated.mp3").read_bytes() == body
    resumed = http_server.requests_for("/dated.mp3")[1].headers
    assert resumed["If-Range"] == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert resumed["Range"].startswith("bytes=")


def test_a_server_without_range_support_restarts_from_zero(
    http_server: LocalHTTPServer, manager: DownloadManager, tmp_path: Path
) -> None:
    body = payload(2_000_000, seed=4)
    url = http_server.add("/norange.mp3", Resource(body=body, ranges=False, cut_after=700_000, cut_times=1))
    target = tmp_path / "norange.mp3"

    handle = manager.enqueue(url, target)

    assert handle.wait(WAIT_S) is DownloadState.COMPLETED, handle.error
    # The second answer was the whole file again (200): appending it would double the start.
    assert target.read_bytes() == body
    assert len(http_server.requests_for("/norange.mp3")) == 2


def test_a_server_that_sends_less_than_it_announced_leaves_no_file(
    http_server: LocalHTTPServer, tmp_path: Path
) -> None:
    body = payload(400_000, seed=5)
    url = http_server.add("/short.mp3", Resource(body=body, declared_length=len(body) + 50_000))
    target = tmp_path / "short.mp3"
    # The lying server then waits for more requests on the same connection: only a read
    # timeout tells us no more bytes are coming.
    with DownloadManager(retry=FAST_RETRY, timeout_s=1.0) as manager:
        handle = manager.enqueue(url, target)
        assert handle.wait(WAIT_S) is DownloadState.FAILED

    error = handle.error
    assert isinstance(error, DownloadLengthError)
    assert (error.expected, error.received) == (len(body) + 50_000, len(body))
    assert "announced 450,000 bytes" in str(error) and "short.mp3" in str(error)
    assert leftovers(tmp_path) == []


def test_a_missing_file_is_a_clear_fatal_error(
    http_server: LocalHTTPServer, manager: DownloadManager, tmp_path: Path
) -> None:
    handle = manager.enqueue(http_server.url("/gone.mp3"), tmp_path / "gone.mp3")

    assert handle.wait(WAIT_S) is DownloadState.FAILED
    error = handle.error
    assert isinstance(error, DownloadHTTPError) and error.status == 404
    assert error.kind is ErrorKind.FATAL
    assert "gone from the server (404" in str(error)
    assert leftovers(tmp_path) == []
    assert len(http_server.requests_for("/gone.mp3")) == 1  # a 404 is not retried


def test_a_protected_file_asks_for_credentials(
    http_server: LocalHTTPServer, manager: DownloadManager, tmp_path: Path
) -> None:
    url = http_server.add("/premium.mp3", Resource(body=b"x" * 100, basic_auth=("ann", "secret")))
    handle = manager.enqueue(url, tmp_path / "premium.mp3")

    assert handle.wait(WAIT_S) is DownloadState.FAILED
    assert isinstance(handle.error, DownloadAuthError) and handle.error.kind is ErrorKind.AUTH_REQUIRED

    headers = {"Authorization": "Basic YW5uOnNlY3JldA=="}
    handle = manager.enqueue(url, tmp_path / "premium.mp3", headers=headers)
    assert handle.wait(WAIT_S) is DownloadState.COMPLETED
    assert (tmp_path / "premium.mp3").read_bytes() == b"x" * 100


def test_temporary_server_errors_are_retried_then_reported_as_temporary(
    http_server: LocalHTTPServer, manager: DownloadManager, tmp_path: Path
) -> None:
    url = http_server.add("/busy.mp3", Resource(body=b"busy", status=503))
    handle = manager.enqueue(url, tmp_path / "busy.mp3")

    assert handle.wait(WAIT_S) is DownloadState.FAILED
    assert isinstance(handle.error, DownloadNetworkError) and handle.error.kind is ErrorKind.TEMPORARY
    assert "503" in str(handle.error)
    assert len(http_server.requests_for("/busy.mp3")) == FAST_RETRY.attempts

    # The server recovers: trying again (resume) succeeds.
    http_server.add("/busy.mp3", Resource(body=b"back again"))
    handle.resume()
    assert handle.wait(WAIT_S) is DownloadState.COMPLETED
    assert (tmp_path / "busy.mp3").read_bytes() == b"back again"


def wait_for_bytes(manager: DownloadManager, minimum: int) -> threading.Event:
    """An event set once any download has reported at least ``minimum`` bytes."""
    reached = threading.Event()

    def check(progress: DownloadProgress) -> None:
        if progress.bytes_done >= minimum:
            reached.set()

    manager.progressed.connect(check)
    return reached


def test_pause_keeps_the_partial_file_and_resume_continues_with_range(
    http_server: LocalHTTPServer, manager: DownloadManager, tmp_path: Path
) -> None:
    body = payload(300_000, seed=6)
    url = http_server.add("/slow.mp3", Resource(body=body, drip_bytes_per_s=200_000))
    target = tmp_path / "slow.mp3"
    reached = wait_for_bytes(manager, 60_000)
    rates: list[DownloadProgress] = []
    manager.progressed.connect(rates.append)

    handle = manager.enqueue(url, target)
    assert reached.wait(WAIT_S)
    handle.pause()

    assert handle.wait(WAIT_S) is DownloadState.PAUSED
    assert not target.exists()
    partial = tmp_path / "slow.mp3.part"
    paused_size = partial.stat().st_size
    assert 60_000 <= paused_size < len(body)
    assert body.startswith(partial.read_bytes())
    assert any(progress.rate_bytes_per_s > 0 and progress.eta_s is not None for progress in rates)

    http_server.add("/slow.mp3", Resource(body=body))  # no need to drip the rest
    handle.resume()
    assert handle.wait(WAIT_S) is DownloadState.COMPLETED, handle.error
    assert target.read_bytes() == body
    assert http_server.requests_for("/slow.mp3")[-1].headers["Range"] == f"bytes={paused_size}-"


def test_a_paused_download_resumes_in_a_new_manager(http_server: LocalHTTPServer, tmp_path: Path) -> None:
    body = payload(300_000, seed=7)
    url = http_server.add("/restart.mp3", Resource(body=body, drip_bytes_per_s=200_000))
    target = tmp_path / "restart.mp3"
    with DownloadManager(retry=FAST_RETRY, progress_interval_s=0.0) as first:
        reached = wait_for_bytes(first, 50_000)
        handle = first.enqueue(url, target)
        assert reached.wait(WAIT_S)
    assert handle.state is DownloadState.PAUSED  # closing pauses, keeping the part file
    paused_size = (tmp_path / "restart.mp3.part").stat().st_size
    assert paused_size >= 50_000

    http_server.add("/restart.mp3", Resource(body=body))
    with DownloadManager(retry=FAST_RETRY) as second:
        again = second.enqueue(url, target)
        assert again.wait(WAIT_S) is DownloadState.COMPLETED, again.error
    assert target.read_bytes() == body
    assert http_server.requests_for("/restart.mp3")[-1].headers["Range"] == f"bytes={paused_size}-"
    assert leftovers(tmp_path) == ["restart.mp3"]


def test_cancel_removes_the_partial_file(
    http_server: LocalHTTPServer, manager: DownloadManager, tmp_path: Path
) -> None:
    url = http_server.add("/cancel.mp3", Resource(body=payload(300_000), drip_bytes_per_s=200_000))
    reached = wait_for_bytes(manager, 40_000)
    handle = manager.enqueue(url, tmp_path / "cancel.mp3")
    assert reached.wait(WAIT_S)
    assert (tmp_path / "cancel.mp3.part").exists()

    handle.cancel()

    assert handle.wait(WAIT_S) is DownloadState.CANCELLED
    assert leftovers(tmp_path) == []


def test_cancelling_a_paused_download_removes_its_partial_file(
    http_server: LocalHTTPServer, manager: DownloadManager, tmp_path: Path
) -> None:
    url = http_server.add("/paused.mp3", Resource(body=payload(300_000), drip_bytes_per_s=200_000))
    reached = wait_for_bytes(manager, 40_000)
    handle = manager.enqueue(url, tmp_path / "paused.mp3")
    assert reached.wait(WAIT_S)
    handle.pause()
    assert handle.wait(WAIT_S) is DownloadState.PAUSED
    assert leftovers(tmp_path) == ["paused.mp3.part", "paused.mp3.part.json"]

    handle.cancel()

    assert handle.state is DownloadState.CANCELLED
    assert leftovers(tmp_path) == []


class CountingServer(LocalHTTPServer):
    """The test server, also counting how many response bodies it streams at the same time."""

    def __init__(self) -> None:
        super().__init__()
        self.active = 0
        self.peak = 0
        self._count_lock = threading.Lock()

    def _write_body(self, handler, body, cut, drip):  # type: ignore[no-untyped-def,override]
        with self._count_lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            LocalHTTPServer._write_body(handler, body, cut, drip)
        finally:
            with self._count_lock:
                self.active -= 1


def test_no_more_than_the_bound_download_at_once(tmp_path: Path) -> None:
    bodies = {f"/ep{number}.mp3": payload(100_000, seed=number) for number in range(5)}
    with CountingServer() as server, DownloadManager(max_concurrent=2, retry=FAST_RETRY) as manager:
        for path, body in bodies.items():
            server.add(path, Resource(body=body, drip_bytes_per_s=150_000))
        handles = [manager.enqueue(server.url(path), tmp_path / path.strip("/")) for path in bodies]
        states = [handle.wait(WAIT_S) for handle in handles]
        peak = server.peak

    assert states == [DownloadState.COMPLETED] * 5
    assert peak == 2
    for path, body in bodies.items():
        assert (tmp_path / path.strip("/")).read_bytes() == body


def test_bad_requests_are_refused_up_front(http_server: LocalHTTPServer, manager: DownloadManager,
                                           tmp_path: Path) -> None:
    with pytest.raises(DownloadTargetError, match="only http and https"):
        manager.enqueue("file:///etc/passwd", tmp_path / "passwd")
    url = http_server.add("/twice.mp3", Resource(body=payload(200_000), drip_bytes_per_s=100_000))
    manager.enqueue(url, tmp_path / "twice.mp3")
    with pytest.raises(DownloadTargetError, match="already being downloaded"):
        manager.enqueue(url, tmp_path / "twice.mp3")


def test_pause_and_cancel_take_effect_while_the_server_is_silent(
    http_server: LocalHTTPServer, tmp_path: Path
) -> None:
    # The server announces more than it sends, then says nothing: the read blocks. With an
    # hour-long read timeout only an active abort lets pause and cancel through.
    body = payload(100_000, seed=9)
    url = http_server.add("/stall.mp3", Resource(body=body, declared_length=len(body) + 1))
    with DownloadManager(retry=FAST_RETRY, timeout_s=3600, progress_interval_s=0.0) as manager:
        for action, expected in (("pause", DownloadState.PAUSED), ("cancel", DownloadState.CANCELLED)):
            everything = wait_for_bytes(manager, len(body))
            target = tmp_path / f"{action}.mp3"
            handle = manager.enqueue(url, target)
            assert everything.wait(WAIT_S)

            getattr(handle, action)()

            assert handle.wait(WAIT_S) is expected
            assert not target.exists()
    assert leftovers(tmp_path) == ["pause.mp3.part", "pause.mp3.part.json"]


def test_a_redirected_enclosure_downloads_from_where_it_leads(
    http_server: LocalHTTPServer, manager: DownloadManager, tmp_path: Path
) -> None:
    body = payload(200_000, seed=10)
    final = http_server.add("/cdn/file.mp3", Resource(body=body, cut_after=80_000, cut_times=1))
    url = http_server.add("/track/ep.mp3", Resource(status=302, redirect_to=final))

    handle = manager.enqueue(url, tmp_path / "ep.mp3")

    assert handle.wait(WAIT_S) is DownloadState.COMPLETED, handle.error
    assert (tmp_path / "ep.mp3").read_bytes() == body
    assert "Range" in http_server.requests_for("/cdn/file.mp3")[1].headers


def test_a_file_replaced_on_the_server_while_paused_is_downloaded_afresh(
    http_server: LocalHTTPServer, manager: DownloadManager, tmp_path: Path
) -> None:
    old, new = payload(300_000, seed=11), payload(250_000, seed=12)
    url = http_server.add("/replaced.mp3", Resource(body=old, drip_bytes_per_s=200_000))
    reached = wait_for_bytes(manager, 40_000)
    handle = manager.enqueue(url, tmp_path / "replaced.mp3")
    assert reached.wait(WAIT_S)
    handle.pause()
    assert handle.wait(WAIT_S) is DownloadState.PAUSED

    http_server.add("/replaced.mp3", Resource(body=new))  # a re-encoded episode: another length
    handle.resume()

    assert handle.wait(WAIT_S) is DownloadState.COMPLETED, handle.error
    # Never the start of the old file spliced onto the rest of the new one.
    assert (tmp_path / "replaced.mp3").read_bytes() == new
    assert "Range" not in http_server.requests_for("/replaced.mp3")[-1].headers


def test_observers_never_see_a_download_go_back_to_an_earlier_state(
    http_server: LocalHTTPServer, manager: DownloadManager, tmp_path: Path
) -> None:
    order = [DownloadState.QUEUED, DownloadState.RUNNING, DownloadState.COMPLETED]
    seen: dict[int, list[DownloadState]] = {}
    manager.state_changed.connect(lambda progress: seen.setdefault(progress.download_id, []).append(progress.state))
    url = http_server.add("/tiny.mp3", Resource(body=b"tiny episode"))

    handles = [manager.enqueue(url, tmp_path / f"tiny{number}.mp3") for number in range(20)]

    assert [handle.wait(WAIT_S) for handle in handles] == [DownloadState.COMPLETED] * 20
    for handle in handles:
        states = seen[handle.id]
        assert states[-1] is DownloadState.COMPLETED
        assert [order.index(state) for state in states] == sorted(order.index(state) for state in states)
