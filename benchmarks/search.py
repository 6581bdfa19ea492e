"""Search latency over a 1,000-podcast / 1,000,000-episode synthetic library.

Runs a seeded mix of listener queries (topic words, two-word queries, names, half-typed prefixes,
Chinese words, words found in most descriptions) through :func:`library.search.search` and reports
latency percentiles in milliseconds. The library is generated once and cached under ``.bench/``.

    python -m benchmarks.search [--podcasts 1000] [--episodes 1000] [--queries 300]

Last line: ``{"p95_ms": ..., "p50_ms": ..., "max_ms": ..., "p95_cpu_ms": ..., "queries": ..., ...}``;
``p95_cpu_ms`` is the thread CPU time per query, which a machine shared with other work does not
inflate (wall-clock latency there includes waiting for a CPU).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time

from benchmarks.synthetic import CHINESE_WORDS, FIRST_NAMES, LAST_NAMES, PLACES, TOPICS, cached_library


def query_mix(count: int, seed: int = 1) -> list[str]:
    """A seeded list of realistic queries (see the module docstring for the kinds)."""
    rng = random.Random(seed)
    words = sorted({word for vocabulary in TOPICS.values() for word in vocabulary})
    makers = [
        lambda: rng.choice(words),
        lambda: f"{rng.choice(words)} {rng.choice(words)}",
        lambda: f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        lambda: rng.choice(words)[: rng.randint(3, 5)],  # half-typed
        lambda: rng.choice(CHINESE_WORDS),
        lambda: f"{rng.choice(PLACES)} {rng.choice(words)}",
        lambda: rng.choice(("show", "the history of", "episodes", "interview", "a conversation with")),
    ]
    return [rng.choice(makers)() for _ in range(count)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--podcasts", type=int, default=1000)
    parser.add_argument("--episodes", type=int, default=1000, help="episodes per podcast")
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args(argv)

    from library.db import open_library
    from library.search import search

    database = cached_library(args.podcasts, args.episodes)
    queries = query_mix(args.queries)
    latencies_ms: list[float] = []
    cpu_ms: list[float] = []  # this thread's CPU time: the same work without waiting for a busy CPU
    empty = 0
    with open_library(database=database) as library, library.session() as session:
        for query in queries[:20]:  # warm the page cache, as an app that has been open a while
            search(session, query, 20)
        for query in queries:
            started, cpu_started = time.perf_counter(), time.thread_time()
            results = search(session, query, 20)
            latencies_ms.append((time.perf_counter() - started) * 1000)
            cpu_ms.append((time.thread_time() - cpu_started) * 1000)
            empty += not results
    slowest = sorted(zip(latencies_ms, queries, strict=True), reverse=True)[:3]
    latencies_ms.sort()
    p95 = latencies_ms[min(len(latencies_ms) - 1, int(len(latencies_ms) * 0.95))]
    print(f"slowest: {[(round(ms, 1), query) for ms, query in slowest]}", file=sys.stderr)
    print(
        json.dumps(
            {
                "p95_ms": round(p95, 2),
                "p50_ms": round(statistics.median(latencies_ms), 2),
                "max_ms": round(latencies_ms[-1], 2),
                "p95_cpu_ms": round(sorted(cpu_ms)[min(len(cpu_ms) - 1, int(len(cpu_ms) * 0.95))], 2),
                "queries": len(queries),
                "queries_without_results": empty,
                "episodes": args.podcasts * args.episodes,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
