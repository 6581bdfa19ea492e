"""Refreshing 300 feeds served from 127.0.0.1: a first pass that fetches, parses and stores every
feed, and a second pass where every server answers 304 Not Modified.

The feeds are the corpus' real podcast feeds (well-formed, with at least three enclosures; 65 of
them, 9 KB to 2.6 MB), each served under several paths to make 300 subscriptions. The first pass
is the OPML-import path (:meth:`library.subscriptions.Subscriptions.add_many`); the second is
``refresh --all``. Fetches run 8 at a time (the default); the server is a separate process.

    python -m benchmarks.feed_refresh [--feeds 300] [--concurrency 8]

Last line: ``{"first_pass_s": ..., "second_pass_s": ..., "feeds": ..., "episodes": ..., ...}``.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


# The child process: serve each feed under /INDEX/NAME on 127.0.0.1, print the base URL, wait.
_SERVER = """
import sys, time
from pathlib import Path
from tests.support.httpserver import LocalHTTPServer, Resource
count, sources = int(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
server = LocalHTTPServer().start()
bodies = [source.read_bytes() for source in sources]
for index in range(count):
    source = sources[index % len(sources)]
    server.add(f"/{index}/{source.name}", Resource(body=bodies[index % len(sources)], content_type="application/rss+xml"))
print(server.url("").rstrip("/"), flush=True)
while True:
    time.sleep(60)
"""


def corpus_feeds(minimum_enclosures: int = 3) -> list[Path]:
    """Well-formed corpus feeds with at least ``minimum_enclosures`` enclosures, by path."""
    with (CORPUS / "MANIFEST.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    chosen = [
        CORPUS / row["path"]
        for row in rows
        if row["category"] == "feeds"
        and row["xml_wellformed"] == "True"
        and (row["enclosures"] or "0").isdigit()
        and int(row["enclosures"] or 0) >= minimum_enclosures
    ]
    return sorted(chosen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)

    from sqlalchemy import func, select

    from library.db import open_library
    from library.db.models import Episode, FeedOutcome
    from library.secrets import SecretStore
    from library.subscriptions import Subscriptions

    sources = corpus_feeds()
    if not sources:
        print("the shared corpus is missing", file=sys.stderr)
        return 1
    # The server runs in its own process, so its work is not counted as Castwise's (and does not
    # compete with the refresh for this process's interpreter lock).
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(args.feeds), *map(str, sources)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    home = ""
    try:
        assert server.stdout is not None
        base = server.stdout.readline().strip()
        urls = [f"{base}/{index}/{sources[index % len(sources)].name}" for index in range(args.feeds)]
        home = tempfile.mkdtemp(prefix="castwise-bench-")
        with open_library(database=Path(home) / "library.sqlite3") as library:
            service = Subscriptions(library, secrets=SecretStore(), concurrency=args.concurrency)
            started = time.perf_counter()
            first, _already = service.add_many([(url, None) for url in urls])
            first_pass_s = time.perf_counter() - started
            started = time.perf_counter()
            second = service.refresh_all()
            second_pass_s = time.perf_counter() - started
            with library.session() as session:
                episodes = session.scalar(select(func.count()).select_from(Episode))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(home, ignore_errors=True)

    def tally(reports: list) -> dict[str, int]:  # type: ignore[type-arg]
        counts: dict[str, int] = {}
        for report in reports:
            counts[str(report.outcome)] = counts.get(str(report.outcome), 0) + 1
        return counts

    failures = [f"{r.url}: {r.message}" for r in first if r.outcome is FeedOutcome.FAILED]
    for failure in failures[:5]:
        print(f"failed: {failure}", file=sys.stderr)
    print(
        json.dumps(
            {
                "first_pass_s": round(first_pass_s, 2),
                "second_pass_s": round(second_pass_s, 2),
                "feeds": args.feeds,
                "distinct_documents": len(sources),
                "episodes": episodes,
                "first_pass_outcomes": tally(first),
                "second_pass_outcomes": tally(second),
                "concurrency": args.concurrency,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
