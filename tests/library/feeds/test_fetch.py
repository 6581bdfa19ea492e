"""fetch_feed / fetch_many / fetch_document against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import logging
import threading
import time

import pytest

from library.errors import ErrorKind, FeedAuthError, FeedFetchError
from library.feeds.fetch import (
    USER_AGENT,
    FailureReason,
    FetchOutcome,
    FetchRequest,
    fetch_document,
    fetch_feed,
    fetch_many,
)
from tests.support.httpserver import LocalHTTPServer, Resource

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Show</title>
<item><guid>1</guid><title>One</title><enclosure url="http://x.test/1.mp3" type="audio/mpeg"/></item>
</channel></rss>"""


def _feed_resource(**kwargs: object) -> Resource:
    return Resource(body=FEED, content_type="application/rss+xml", **kwargs)  # type: ignore[arg-type]


def test_a_plain_fetch_returns_the_body_validators_and_names_castwise(http_server: LocalHTTPServer) -> None:
    url = http_server.add("/feed.xml", _feed_resource(last_modified=1_700_000_000))
    result = fetch_feed(url)
    assert result.outcome is FetchOutcome.UPDATED
    assert result.content == FEED
    assert result.etag and result.last_modified
    assert result.content_type == "application/rss+xml"
    assert "Castwise" in http_server.requests_for("/feed.xml")[0].headers["User-Agent"]
    assert "Castwise" in USER_AGENT


def test_conditional_get_answers_not_modified_with_etag_and_with_last_modified(
    http_server: LocalHTTPServer,
) -> None:
    url = http_server.add("/feed.xml", _feed_resource(last_modified=1_700_000_000))
    first = fetch_feed(url)
    by_etag = fetch_feed(url, etag=first.etag)
    assert by_etag.outcome is FetchOutcome.NOT_MODIFIED
    assert by_etag.content is None
    assert by_etag.etag == first.etag
    http_server.add("/lm.xml", _feed_resource(etag=None, last_modified=1_700_000_000))
    first = fetch_feed(http_server.url("/lm.xml"))
    by_date = fetch_feed(http_server.url("/lm.xml"), last_modified=first.last_modified)
    assert by_date.outcome is FetchOutcome.NOT_MODIFIED
    sent = http_server.requests_for("/lm.xml")[-1].headers
    assert sent["If-Modified-Since"] == first.last_modified


def test_gzip_bodies_are_decompressed(http_server: LocalHTTPServer) -> None:
    url = http_server.add("/feed.xml", _feed_resource(gzip=True))
    result = fetch_feed(url)
    assert result.content == FEED
    assert "gzip" in http_server.requests_for("/feed.xml")[0].headers["Accept-Encoding"]


def test_a_gzip_bomb_is_cut_off_at_the_decompressed_size_cap(http_server: LocalHTTPServer) -> None:
    bomb = gzip.compress(b"<" + b" " * (64 * 1024 * 1024))  # 64 MiB inflating from ~64 KiB
    http_server.add(
        "/bomb.xml",
        Resource(body=bomb, content_type="application/rss+xml", extra_headers={"Content-Encoding": "gzip"}),
    )
    result = fetch_feed(http_server.url("/bomb.xml"), max_bytes=1024 * 1024)
    assert len(bomb) < 1024 * 1024  # the wire size alone would pass the cap
    assert result.outcome is FetchOutcome.FAILED
    assert result.reason is FailureReason.TOO_LARGE
    assert result.content is None


def test_an_oversized_plain_body_fails_as_too_large(http_server: LocalHTTPServer) -> None:
    url = http_server.add("/big.xml", Resource(body=b"x" * 200_000))
    result = fetch_feed(url, max_bytes=100_000)
    assert result.reason is FailureReason.TOO_LARGE
    assert isinstance(result.error, FeedFetchError)


def test_a_dripping_server_cannot_outlast_the_total_deadline(http_server: LocalHTTPServer) -> None:
    # 4 KiB at 20 bytes/s would take ~200 s; every single read still arrives well within a second.
    url = http_server.add("/drip.xml", Resource(body=b"x" * 4096, drip_bytes_per_s=20))
    # Without a working total deadline the fetch would succeed after ~200 s (under pytest's limit).
    result = fetch_feed(url, deadline_s=1.5)
    assert result.outcome is FetchOutcome.FAILED
    assert result.reason is FailureReason.TIMEOUT
    assert result.error is not None and result.error.kind is ErrorKind.TEMPORARY


def test_a_permanent_redirect_reports_the_new_url(http_server: LocalHTTPServer) -> None:
    new = http_server.add("/new.xml", _feed_resource())
    old = http_server.add("/old.xml", Resource(status=301, redirect_to=new))
    result = fetch_feed(old)
    assert result.outcome is FetchOutcome.MOVED
    assert result.new_url == new
    assert result.content == FEED


def test_a_temporary_redirect_is_followed_but_keeps_the_url(http_server: LocalHTTPServer) -> None:
    target = http_server.add("/today.xml", _feed_resource())
    start = http_server.add("/feed.xml", Resource(status=302, redirect_to=target))
    result = fetch_feed(start)
    assert result.outcome is FetchOutcome.UPDATED
    assert result.new_url is None
    assert result.final_url == target


def test_a_permanent_hop_after_a_temporary_one_does_not_move_the_feed(http_server: LocalHTTPServer) -> None:
    target = http_server.add("/c.xml", _feed_resource())
    http_server.add("/b.xml", Resource(status=308, redirect_to=target))
    start = http_server.add("/a.xml", Resource(status=307, redirect_to=http_server.url("/b.xml")))
    assert fetch_feed(start).outcome is FetchOutcome.UPDATED


def test_redirect_loops_fail_with_a_typed_reason(http_server: LocalHTTPServer) -> None:
    http_server.add("/loop-a", Resource(status=302, redirect_to=http_server.url("/loop-b")))
    http_server.add("/loop-b", Resource(status=302, redirect_to=http_server.url("/loop-a")))
    result = fetch_feed(http_server.url("/loop-a"))
    assert result.reason is FailureReason.TOO_MANY_REDIRECTS


def test_basic_auth_is_sent_and_a_missing_password_is_auth_required(http_server: LocalHTTPServer) -> None:
    url = http_server.add("/private.xml", _feed_resource(basic_auth=("listener", "s3cret")))
    denied = fetch_feed(url)
    assert denied.reason is FailureReason.AUTH_REQUIRED
    assert isinstance(denied.error, FeedAuthError)
    assert denied.error.kind is ErrorKind.AUTH_REQUIRED
    allowed = fetch_feed(url, auth=("listener", "s3cret"))
    assert allowed.content == FEED
    in_url = fetch_feed(url.replace("http://", "http://listener:s3cret@"))
    assert in_url.content == FEED


def test_token_in_url_is_sent_exactly_and_never_logged(
    http_server: LocalHTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    path = "/premium/feed.rss?auth=AbC%2F123-xyz_TOKEN&x="
    url = http_server.add(path, _feed_resource())
    http_server.add("/premium/feed.rss", _feed_resource())
    with caplog.at_level(logging.DEBUG):
        result = fetch_feed(url)
        failed = fetch_feed(http_server.url("/missing?auth=AbC%2F123-xyz_TOKEN"))
    assert result.content == FEED
    assert http_server.requests[0].path == path
    assert "AbC%2F123-xyz_TOKEN" not in caplog.text
    assert failed.error is not None and "AbC" not in failed.error.message
    assert "auth=***" in failed.error.message


def test_http_errors_become_typed_failures(http_server: LocalHTTPServer) -> None:
    http_server.add("/gone", Resource(status=410))
    http_server.add("/broken", Resource(status=503))
    missing = fetch_feed(http_server.url("/nothing-here"))
    assert missing.reason is FailureReason.NOT_FOUND
    assert missing.error is not None and missing.error.kind is ErrorKind.FATAL
    assert fetch_feed(http_server.url("/gone")).reason is FailureReason.GONE
    broken = fetch_feed(http_server.url("/broken"))
    assert broken.reason is FailureReason.SERVER_ERROR
    assert broken.error is not None and broken.error.kind is ErrorKind.TEMPORARY


def test_unreachable_and_invalid_urls_fail_without_raising(http_server: LocalHTTPServer) -> None:
    with LocalHTTPServer() as closed:
        dead_url = closed.url("/feed.xml")
    assert fetch_feed(dead_url).reason is FailureReason.CONNECTION
    assert fetch_feed("ftp://example.invalid/feed").reason is FailureReason.INVALID_URL
    assert fetch_feed("not a url").reason is FailureReason.INVALID_URL


def test_a_cut_connection_is_a_temporary_failure(http_server: LocalHTTPServer) -> None:
    url = http_server.add("/cut.xml", _feed_resource(cut_after=20))
    result = fetch_feed(url)
    assert result.outcome is FetchOutcome.FAILED
    assert result.error is not None and result.error.kind is ErrorKind.TEMPORARY


def test_fetch_many_bounds_concurrency_keeps_order_and_reports_progress(http_server: LocalHTTPServer) -> None:
    active = 0
    peak = 0
    lock = threading.Lock()
    original = http_server._serve

    def counting_serve(handler, *, head):  # type: ignore[no-untyped-def]
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        try:
            time.sleep(0.05)
            original(handler, head=head)
        finally:
            with lock:
                active -= 1

    http_server._serve = counting_serve  # type: ignore[method-assign]
    urls = [http_server.add(f"/feed{index}.xml", _feed_resource()) for index in range(12)]
    urls.append(http_server.url("/missing.xml"))
    progress: list[tuple[int, int]] = []
    results = fetch_many(
        [FetchRequest(url=url) for url in urls],
        concurrency=3,
        on_progress=lambda done, total, result: progress.append((done, total)),
    )
    assert [result.url for result in results] == urls
    assert [result.outcome for result in results[:-1]] == [FetchOutcome.UPDATED] * 12
    assert results[-1].reason is FailureReason.NOT_FOUND
    assert progress == [(done, 13) for done in range(1, 14)]
    assert 1 < peak <= 3


def test_fetch_document_returns_bytes_or_raises_typed_errors(http_server: LocalHTTPServer) -> None:
    url = http_server.add("/chapters.json", Resource(body=b'{"version": "1.2.0", "chapters": []}', gzip=True))
    assert fetch_document(url, 1024, 5.0).startswith(b'{"version"')
    with pytest.raises(FeedFetchError, match="larger than"):
        fetch_document(url, 10, 5.0)
    with pytest.raises(FeedFetchError, match="not found"):
        fetch_document(http_server.url("/none.json"))


def test_a_moved_feed_that_is_not_modified_reports_the_move_without_a_body(
    http_server: LocalHTTPServer,
) -> None:
    new = http_server.add("/new.xml", _feed_resource())
    old = http_server.add("/old.xml", Resource(status=308, redirect_to=new))
    first = fetch_feed(old)
    again = fetch_feed(old, etag=first.etag)
    assert again.outcome is FetchOutcome.MOVED
    assert again.new_url == new
    assert again.content is None
    assert again.status == 304


def test_a_server_that_sends_less_than_it_announced_is_a_temporary_failure(
    http_server: LocalHTTPServer,
) -> None:
    url = http_server.add("/short.xml", _feed_resource(declared_length=len(FEED) + 500))
    result = fetch_feed(url, deadline_s=2)  # the server then waits for bytes it will never send
    assert result.outcome is FetchOutcome.FAILED
    assert result.error is not None and result.error.kind is ErrorKind.TEMPORARY
