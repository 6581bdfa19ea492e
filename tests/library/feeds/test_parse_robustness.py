"""Damaged feeds never crash the parser: a result or a FeedParseError, nothing else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from library.errors import FeedParseError
from library.feeds.parse import parse_feed
from tests.library.feeds.corpus_manifest import CORPUS, feed_rows

SMALL_FEEDS = sorted(row["path"] for row in feed_rows() if int(row["size"]) < 20_000)[::7]


@st.composite
def damaged_feeds(draw: st.DrawFn) -> bytes:
    data = bytearray((CORPUS / draw(st.sampled_from(SMALL_FEEDS))).read_bytes())
    action = draw(st.sampled_from(["truncate", "flip", "cut", "append"]))
    if action == "truncate" and data:
        return bytes(data[: draw(st.integers(0, len(data)))])
    if action == "flip" and data:
        for _ in range(draw(st.integers(1, 16))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    if action == "cut" and data:
        start = draw(st.integers(0, len(data)))
        return bytes(data[:start] + data[draw(st.integers(start, len(data))) :])
    return bytes(data) + draw(st.binary(max_size=64))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_feeds(), st.sampled_from([None, "https://host.test/show/feed.xml"]))
def test_damaged_corpus_feeds_give_a_result_or_a_typed_error(data: bytes, url: str | None) -> None:
    try:
        feed = parse_feed(data, url)
    except FeedParseError as error:
        assert error.message
        return
    feed.to_json()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=512))
def test_arbitrary_bytes_give_a_result_or_a_typed_error(data: bytes) -> None:
    try:
        parse_feed(data)
    except FeedParseError as error:
        assert error.message
