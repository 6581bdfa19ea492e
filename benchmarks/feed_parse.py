"""Feed parsing speed: Castwise's ``parse_feed`` against gPodder's podcastparser (and feedparser).

    python -m benchmarks.feed_parse [--feeds 5] [--rounds 9]

Takes the corpus' largest well-formed RSS 2.0 feeds (by size; The Daily, 845 items / 2.6 MB, is
the largest) and parses each from bytes in memory with all three parsers, interleaved round by round in the
same run, ``--rounds`` times after one unmeasured warm-up each. Per feed the median time of each
parser is kept; ``ratio_vs_podcastparser`` is the median over feeds of (ours / podcastparser's):
lower is better, at most 1.0 is the aim. Our figure includes what podcastparser does not do:
the Podcasting 2.0 pass, nh3 sanitizing of every show note and UTC dates.

The last line is one JSON object: ``ratio_vs_podcastparser``, ``feeds`` (per feed: ``path``,
``items``, ``bytes``, ``ours_ms``, ``podcastparser_ms``, ``feedparser_ms``, ``ratio``).
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import feedparser
import podcastparser

from library.feeds.parse import parse_feed

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def largest_feeds(count: int) -> list[Path]:
    with (CORPUS / "MANIFEST.csv").open(newline="", encoding="utf-8") as handle:
        rows = [
            row
            for row in csv.DictReader(handle)
            if row["category"] == "feeds" and row["format"] == "rss20" and row["xml_wellformed"] == "True"
        ]
    rows.sort(key=lambda row: -int(row["size"]))
    return [CORPUS / row["path"] for row in rows[:count]]


def _interleaved_medians_ms(actions: list[Callable[[], object]], rounds: int) -> list[float]:
    """Median milliseconds of each action; every round runs all of them back to back (in a
    rotating order), so load from other processes falls on all parsers alike."""
    for action in actions:
        action()  # warm-up: imports, caches
    timings: list[list[float]] = [[] for _ in actions]
    for round_index in range(rounds):
        order = list(range(len(actions)))
        order = order[round_index % len(order) :] + order[: round_index % len(order)]
        for index in order:
            gc.collect()
            started = time.perf_counter()
            actions[index]()
            timings[index].append((time.perf_counter() - started) * 1000)
    return [statistics.median(series) for series in timings]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--feeds", type=int, default=5, help="how many of the largest feeds (default 5)")
    parser.add_argument("--rounds", type=int, default=9, help="timed repeats per parser and feed (default 9)")
    args = parser.parse_args(argv)

    results = []
    for path in largest_feeds(args.feeds):
        data = path.read_bytes()
        url = "https://feeds.example.test/" + path.name
        items = len(parse_feed(data, url).episodes)
        ours, theirs, reference = _interleaved_medians_ms(
            [
                lambda data=data, url=url: parse_feed(data, url),  # type: ignore[misc]
                lambda data=data, url=url: podcastparser.parse(url, io.BytesIO(data)),  # type: ignore[misc]
                lambda data=data: feedparser.parse(io.BytesIO(data)),  # type: ignore[misc]
            ],
            args.rounds,
        )
        row = {
            "path": str(path.relative_to(CORPUS)),
            "items": items,
            "bytes": len(data),
            "ours_ms": round(ours, 1),
            "podcastparser_ms": round(theirs, 1),
            "feedparser_ms": round(reference, 1),
            "ratio": round(ours / theirs, 3),
        }
        results.append(row)
        print(
            f"{row['path']}: {items} items, {len(data) / 1e6:.2f} MB - ours {ours:.1f} ms, "
            f"podcastparser {theirs:.1f} ms, feedparser {reference:.1f} ms (ratio {ours / theirs:.2f})"
        )
    summary = {
        "ratio_vs_podcastparser": round(statistics.median(row["ratio"] for row in results), 3),  # type: ignore[misc]
        "rounds": args.rounds,
        "feeds": results,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
