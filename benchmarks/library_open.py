"""Opening a 100,000-episode library and reading its first page, as the app does at start-up.

Each run is a fresh Python process (so nothing is cached in memory but the operating system's
file cache, as on a second launch): it imports the library code, opens the database (revision
check, pragmas), lists the podcasts, and reads the first page of 50 newest episodes with their
podcast titles and playback state. The synthetic library (100 podcasts x 1,000 episodes) is
generated once and cached under ``.bench/``.

    python -m benchmarks.library_open [--runs 15] [--podcasts 100] [--episodes 1000]

Last line: ``{"ms": median open + first page, "p95_ms": ..., "import_ms": median import time,
"cpu_ms": median CPU time of open + first page (not inflated by a busy machine), ...}``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = 50

# Runs in the child process; prints {"import_ms": ..., "open_ms": ..., "page_ms": ...}.
_CHILD = """
import json, sys, time
started = time.perf_counter()
cpu_started = time.process_time()
from sqlalchemy import select
from library.db import open_library
from library.db.models import Episode, PlaybackState, Podcast
imported = time.perf_counter()
cpu_imported = time.process_time()
library = open_library(database=sys.argv[1])
opened = time.perf_counter()
with library.session() as session:
    podcasts = session.execute(select(Podcast.id, Podcast.title).order_by(Podcast.title)).all()
    page = session.execute(
        select(Episode.id, Episode.title, Episode.published, Episode.duration_ms, Podcast.title,
               PlaybackState.position_ms, PlaybackState.played)
        .join(Podcast, Podcast.id == Episode.podcast_id)
        .outerjoin(PlaybackState, PlaybackState.episode_id == Episode.id)
        .order_by(Episode.published.desc())
        .limit(int(sys.argv[2]))
    ).all()
done = time.perf_counter()
cpu_done = time.process_time()
assert len(page) == int(sys.argv[2]) and podcasts
print(json.dumps({"import_ms": (imported - started) * 1000, "open_ms": (opened - imported) * 1000,
                  "page_ms": (done - opened) * 1000, "cpu_ms": (cpu_done - cpu_imported) * 1000}))
library.close()
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--podcasts", type=int, default=100)
    parser.add_argument("--episodes", type=int, default=1000, help="episodes per podcast")
    args = parser.parse_args(argv)

    from benchmarks.synthetic import cached_library

    database = cached_library(args.podcasts, args.episodes)
    samples = []
    for _ in range(args.runs + 1):  # the first run warms the file cache and is not counted
        result = subprocess.run(
            [sys.executable, "-c", _CHILD, str(database), str(PAGE)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        samples.append(json.loads(result.stdout.strip().splitlines()[-1]))
    samples = samples[1:]
    totals = sorted(sample["open_ms"] + sample["page_ms"] for sample in samples)
    print(
        json.dumps(
            {
                "ms": round(statistics.median(totals), 2),
                "p95_ms": round(totals[min(len(totals) - 1, int(len(totals) * 0.95))], 2),
                "open_ms": round(statistics.median(s["open_ms"] for s in samples), 2),
                "page_ms": round(statistics.median(s["page_ms"] for s in samples), 2),
                "import_ms": round(statistics.median(s["import_ms"] for s in samples), 2),
                "cpu_ms": round(statistics.median(s["cpu_ms"] for s in samples), 2),
                "episodes": args.podcasts * args.episodes,
                "page_size": PAGE,
                "runs": args.runs,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
