"""The fast path and feedparser agree: for every well-formed feed of the corpus that the fast path
takes, both give the same episodes (guids, titles, enclosure URLs, count, order).

Deliberate normalisation, applied identically on both paths by ``parse_feed``: titles and guids
are stripped of surrounding whitespace (empty becomes absent); relative links and enclosures
resolve against the feed URL, never guids; duplicates are merged by guid, then enclosure URL.
The comparison is made against feedparser's own reading (``extensions=False``), so the fast path
is checked against an independent parser, not against itself.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from library.errors import FeedParseError
from library.feeds.model import ParsedEpisode, ParsedFeed
from library.feeds.parse import parse_feed_fast, parse_feed_tolerant
from tests.library.feeds.corpus_manifest import feed_rows

FEED_URL = "https://feeds.example.test/show/feed.xml"

# Where feedparser reads something else, on purpose of ours.
DELIBERATE = {
    "feeds/feedparser/wellformed/rss/feedparser_item_category_image.xml": "feedparser takes the <title> of an "
    "<image> nested in a <category> as the item's title; we read only the item's own title element",
}


def _episodes(feed: ParsedFeed) -> list[tuple[str | None, str | None, str | None]]:
    return [
        (episode.guid, episode.title, episode.enclosure.url if episode.enclosure else None)
        for episode in feed.episodes
    ]


def _live(feed: ParsedFeed) -> list[tuple[object, ...]]:
    return [
        (episode.guid, episode.title, episode.live_status, episode.live_start, episode.live_end)
        for episode in feed.episodes
        if episode.live_status is not None
    ]


def _extensions(episode: ParsedEpisode) -> tuple[object, ...]:
    return (
        episode.duration_s,
        episode.season,
        episode.episode,
        episode.explicit,
        episode.chapters_url,
        episode.chapters,
        episode.transcripts,
        episode.persons,
        episode.alternate_enclosures,
    )


@dataclass(frozen=True)
class Compared:
    """One feed compared: whether the fast path took it, how its episodes differ from
    feedparser's (None: they agree) and what else disagreed."""

    relative: str
    taken: bool
    difference: str | None = None
    problems: tuple[str, ...] = ()


def compare(corpus: Path, relative: str) -> Compared:
    data = (corpus / relative).read_bytes()
    try:
        fast = parse_feed_fast(data, FEED_URL)
    except FeedParseError as error:  # entity refusals, tested in test_safe_xml
        return Compared(relative, False, problems=() if "entit" in error.message else (error.message,))
    if fast is None:
        return Compared(relative, False)
    reference = parse_feed_tolerant(data, FEED_URL, extensions=False)
    # feedparser alone does not know podcast:liveItem: compare the ordinary items with it,
    # and the live items with the extension pass of the fallback below.
    regular = ParsedFeed(fast.podcast, [episode for episode in fast.episodes if episode.live_status is None])
    ours, theirs = _episodes(regular), _episodes(reference)
    difference = None
    if ours != theirs:
        first = next((pair for pair in zip(ours, theirs, strict=False) if pair[0] != pair[1]), None)
        difference = f"{len(ours)} vs {len(theirs)} episodes; first difference {first}"
    # The fallback a listener gets if the fast path ever fails agrees on everything it reads
    # with the extension pass too (durations, numbers, chapters, transcripts, people...).
    fallback = parse_feed_tolerant(data, FEED_URL)
    problems = []
    if _live(fallback) != _live(fast):
        problems.append("live items differ")
    if relative not in DELIBERATE and [_extensions(e) for e in fallback.episodes] != [
            _extensions(e) for e in fast.episodes]:
        problems.append("extensions differ")
    return Compared(relative, True, difference, tuple(problems))


def test_fast_path_and_feedparser_give_the_same_episodes(corpus: Path) -> None:
    well_formed = [row["path"] for row in feed_rows() if row["xml_wellformed"] == "True"]
    # Both cores: the suite runs one test at a time, and feedparser is the slow half.
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(partial(compare, corpus), well_formed, chunksize=16))
    assert [(r.relative, r.problems) for r in results if r.problems] == []
    differences = {r.relative: r.difference for r in results if r.difference is not None}
    assert sum(r.taken for r in results) >= 400, "the fast path should take most of the corpus' RSS 2.0 feeds"
    assert {path: why for path, why in differences.items() if path not in DELIBERATE} == {}
    assert sorted(set(DELIBERATE) - set(differences)) == [], "no longer differs: remove from DELIBERATE"


def test_the_largest_feeds_take_the_fast_path(corpus: Path) -> None:
    largest = sorted(
        (row for row in feed_rows() if row["format"] == "rss20" and row["xml_wellformed"] == "True"),
        key=lambda row: -int(row["size"]),
    )[:5]
    for row in largest:
        feed = parse_feed_fast((corpus / row["path"]).read_bytes())
        assert feed is not None, row["path"]
        assert len(feed.episodes) == int(row["items_or_entries"]), row["path"]
