"""Every feed of the shared corpus parses (or fails with a typed error), and where another parser
published its result for a feed, we read the same items: titles, enclosure URLs, counts."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from library.errors import FeedParseError
from library.feeds.parse import parse_feed
from tests.library.feeds.corpus_manifest import feed_rows, manifest_rows
from tests.library.feeds.expected_adapters import enclosures_match, load_expected, normalise_title

# Corpus documents that are not usable feeds, and the error a listener gets for each.
UNUSABLE = {
    "feeds/badpod/badpod_empty_file.xml": "empty",
    "feeds/gofeed/universal/gofeed_empty_feed.xml": "empty",
    "feeds/newsboat/newsboat_empty.xml": "empty",
    "feeds/feedkit/feedkit_FeedNotFound.xml": "not a podcast feed",  # an XML error document
    "feeds/feedparser/illformed/feedparser_rss_empty_document.xml": "not a podcast feed",
    "feeds/gofeed/universal/gofeed_unknown_feed.xml": "not a podcast feed",
    "feeds/podcastfeedparser/podcastfeedparser_products.xml": "not a podcast feed",  # a product catalogue
    "feeds/rssparser/rssparser_unrecognized.rss": "HTML",
    # Declares an entity in its DOCTYPE: Castwise refuses every entity declaration (no expansion).
    "feeds/feedparser/wellformed/rss/feedparser_entity_in_doctype.xml": "entities",
}

# Pairs where the published result and ours differ on purpose, with the reason. Nothing here is a
# bug of ours; each is re-checked below so that the list cannot go stale silently.
KNOWN_DIFFERENCES = {
    **{
        path: "critrolesync's extraction keeps only the show's main episodes (no Talks Machina, "
        "one-shots or other shows in the same feed); every item it lists is among ours, same title and URL"
        for path in (
            "feeds/critrolesync/critical-role/critrolesync_feed-2020-07-12.xml",
            "feeds/critrolesync/critical-role/critrolesync_feed-2022-03-30a.xml",
            "feeds/critrolesync/critical-role/critrolesync_feed-2022-03-31.xml",
            "feeds/critrolesync/geek-and-sundry/critrolesync_feed-2026-07-21.xml",
            "feeds/critrolesync/nerdist/critrolesync_feed-2021-09-16.xml",
        )
    },
    "feeds/feedsmith/atom/references/feedsmith_atom-03.xml": "two entries share one Atom id, so they are "
    "one episode to us (merged); feedsmith also leaves the enclosure href relative to xml:base",
    "feeds/feedsmith/rss/references/feedsmith_rss-092.xml": "two guid-less items share one enclosure URL, "
    "so they are one episode to us (merged by enclosure URL)",
    "feeds/podcastfeedparser/podcastfeedparser_podlove.xml": "podcast-feed-parser ignores the Atom-style "
    '<link rel="enclosure"> Podlove writes into RSS; feedparser and we read it',
    "feeds/podcastparser/podcastparser_no_guid.rss": "podcastparser invents a title from the enclosure "
    "file name for an item without <title>; we leave the title empty",
    "feeds/podcastparser/podcastparser_no_title_multi_enclosure.rss": "podcastparser drops an item without "
    "a title; Castwise lists every item",
    "feeds/podcastparser/podcastparser_no_url.rss": "podcastparser drops an item without an enclosure; "
    "Castwise lists every item",
    "feeds/rssparser/rssparser_uolNoticias.rss": "rss-parser decoded this ISO-8859-1 feed as UTF-8 "
    "(U+FFFD in its titles); we decode it correctly",
}


@pytest.mark.parametrize("relative", [row["path"] for row in feed_rows()])
def test_every_corpus_feed_parses_or_fails_with_a_typed_error(corpus: Path, relative: str) -> None:
    data = (corpus / relative).read_bytes()
    try:
        feed = parse_feed(data)
    except FeedParseError as error:
        assert relative in UNUSABLE, f"{relative} refused: {error}"
        assert UNUSABLE[relative] in error.message
        return
    assert relative not in UNUSABLE, f"{relative} should have been refused"
    json.dumps(feed.to_json())  # the CLI contract holds for every feed
    for episode in feed.episodes:
        assert episode.published is None or episode.published.utcoffset() is not None
        assert episode.duration_s is None or episode.duration_s >= 0


def test_the_corpus_is_complete(corpus: Path) -> None:
    assert len(feed_rows()) >= 700


def _expected_pairs() -> list[dict[str, str]]:
    return [
        row
        for row in manifest_rows()
        if row["category"] == "expected"
        and row["pair"].startswith("feeds/")
        and row["source"] != "transcriptator"
    ]


def _compare(corpus: Path, row: dict[str, str], by_path: dict[str, dict[str, str]]) -> list[str]:
    """The differences between the source's published result and ours (empty: they agree)."""
    feed_row = by_path[row["pair"]]
    expected = load_expected(row["source"], corpus / row["path"], feed_row["orig_path"])
    try:
        episodes = parse_feed((corpus / row["pair"]).read_bytes(), expected.feed_url).episodes
    except FeedParseError as error:
        return [f"we refused it: {error}"]
    # The published results list a feed's items; podcast:liveItem streams are not among them.
    episodes = [episode for episode in episodes if episode.live_status is None]
    if expected.max_items is not None:  # podcastparser kept only the newest N
        episodes = sorted(episodes, key=lambda e: e.published.timestamp() if e.published else 0, reverse=True)
        episodes = episodes[: expected.max_items]
    problems = []
    if len(expected.titles) != len(episodes):
        problems.append(f"{len(expected.titles)} items, we have {len(episodes)}")
    theirs = Counter(normalise_title(title) for title in expected.titles)
    ours = Counter(normalise_title(episode.title) for episode in episodes)
    if theirs != ours:
        problems.append(
            f"titles only theirs {sorted(map(str, theirs - ours))[:3]}, only ours {sorted(map(str, ours - theirs))[:3]}"
        )
    our_urls = [episode.enclosure.url for episode in episodes if episode.enclosure]
    if not enclosures_match(expected.enclosures, our_urls):
        problems.append("enclosure URLs differ")
    return problems


def test_published_results_of_other_parsers_match_for_at_least_95_percent(corpus: Path) -> None:
    by_path = {row["path"]: row for row in manifest_rows()}
    pairs = _expected_pairs()
    assert len(pairs) >= 200
    differences = {row["pair"]: _compare(corpus, row, by_path) for row in pairs}
    differing = {path: problems for path, problems in differences.items() if problems}
    unexplained = {path: problems for path, problems in differing.items() if path not in KNOWN_DIFFERENCES}
    assert unexplained == {}
    stale = sorted(set(KNOWN_DIFFERENCES) - set(differing))
    assert stale == [], "these now match: remove them from KNOWN_DIFFERENCES"
    matching = len(pairs) - len(differing)
    assert matching / len(pairs) >= 0.95, f"{matching}/{len(pairs)} match"


def test_critrolesync_lists_a_subset_of_our_episodes(corpus: Path) -> None:
    by_path = {row["path"]: row for row in manifest_rows()}
    rows = [row for row in _expected_pairs() if row["source"] == "critrolesync"]
    assert rows
    for row in rows:
        expected = load_expected("critrolesync", corpus / row["path"], by_path[row["pair"]]["orig_path"])
        episodes = parse_feed((corpus / row["pair"]).read_bytes()).episodes
        ours = {(normalise_title(e.title), e.enclosure.url if e.enclosure else None) for e in episodes}
        theirs = {
            (normalise_title(title), next(iter(enclosure.accepted)))
            for title, enclosure in zip(expected.titles, expected.enclosures, strict=True)
        }
        assert theirs <= ours, row["pair"]
