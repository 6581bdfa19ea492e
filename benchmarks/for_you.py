"""How long "For you" takes over a 100k-episode library (synthetic vectors; quality is measured by
``benchmarks.rec_quality``).

    python -m benchmarks.for_you [--podcasts 100 --episodes 1000 --calls 60]

The library is the shared synthetic one (``benchmarks.synthetic``, a real Castwise database),
copied to a temporary folder and given a listener history of 300 episodes (finished, skipped,
liked, not interested). Every episode gets a seeded random unit vector in the embedding cache under
the exported model's id, so no encoding is timed here. ``p95_ms`` is end to end through
:meth:`recommend.service.RecommenderService.for_you` (change check, events reload, profile rebuild,
scoring, diversity, reasons) after a new listening event each time, once the catalogue is in
memory; ``cold_ms`` is the first call, which loads it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
HISTORY = 300


def _model_folder() -> Path:
    from recommend.model_store import model_folder

    for candidate in (model_folder(), ROOT / ".bench" / "minilm"):
        if (candidate / "castwise_model.json").is_file():
            return candidate
    from recommend.training.export import export_model

    export_model(out=ROOT / ".bench" / "minilm")
    return ROOT / ".bench" / "minilm"


def _add_history(database: Path, rng: np.random.Generator) -> None:
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute("SELECT id, duration_ms FROM episodes ORDER BY id").fetchall()
        picks = rng.choice(len(rows), size=HISTORY, replace=False)
        now = datetime.now(UTC).replace(tzinfo=None)
        events = []
        for n, index in enumerate(picks):
            episode_id, duration = rows[int(index)]
            at = (now - timedelta(days=HISTORY - n)).isoformat(sep=" ")
            kind = ("complete", "complete", "complete", "skip", "like", "not_interested")[n % 6]
            events.append((episode_id, "play", 0, None, None, at))
            events.append((episode_id, kind, duration or 0, 60_000 if kind == "skip" else None, None, at))
        connection.executemany(
            "INSERT INTO listening_events (episode_id, kind, position_ms, from_ms, to_ms, at) VALUES (?, ?, ?, ?, ?, ?)",
            events,
        )
        connection.commit()
    finally:
        connection.close()


def _listen(database: Path, episode_id: int) -> None:
    connection = sqlite3.connect(database)
    try:
        at = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
        connection.execute(
            "INSERT INTO listening_events (episode_id, kind, position_ms, at) VALUES (?, 'complete', 0, ?)",
            (episode_id, at),
        )
        connection.commit()
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--podcasts", type=int, default=100)
    parser.add_argument("--episodes", type=int, default=1000, help="episodes per podcast")
    parser.add_argument("--calls", type=int, default=60)
    args = parser.parse_args(argv)
    from benchmarks.synthetic import cached_library
    from library.db import open_library
    from library.paths import resolve_paths
    from recommend.catalog import load_episodes
    from recommend.embedding_cache import CACHE_NAME, EmbeddingCache, text_hash
    from recommend.encoder import Encoder
    from recommend.service import RecommenderService

    source = cached_library(args.podcasts, args.episodes)
    encoder = Encoder(_model_folder())
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory(prefix="castwise-for-you-") as home:
        paths = resolve_paths(home).ensure()
        shutil.copyfile(source, paths.database)
        _add_history(paths.database, rng)
        library = open_library(paths)
        with library.session() as session:
            episodes = load_episodes(session)
        # Synthetic topics: vectors around 200 random centres, so interests are learnable.
        centres = rng.standard_normal((200, encoder.dims)).astype(np.float32)
        vectors = centres[np.arange(len(episodes)) % 200] + 0.8 * rng.standard_normal((len(episodes), encoder.dims)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        with EmbeddingCache(paths.data / CACHE_NAME) as cache:
            cache.put_many(encoder.model_id, [text_hash(e.text) for e in episodes], vectors)
        with RecommenderService(library, paths, encoder, owns_library=True) as service:
            started = time.perf_counter()
            first = service.for_you(limit=20)
            cold_ms = (time.perf_counter() - started) * 1000
            timings = []
            listened = rng.choice(len(episodes), size=args.calls, replace=False)
            for call in range(args.calls):
                # A new event before every call, so nothing cached from the last call can stand in
                # for the work a real "For you" refresh does (reload events, rebuild the profile).
                _listen(paths.database, episodes[int(listened[call])].id)
                started = time.perf_counter()
                result = service.for_you(limit=20)
                timings.append((time.perf_counter() - started) * 1000)
            centroids = service._profile(service._load(datetime.now(UTC)), datetime.now(UTC)).centroids
            matrix = service._load(datetime.now(UTC)).vectors
            started = time.perf_counter()
            for _ in range(10):
                scores = (matrix @ centroids.T).max(axis=1)
                np.argpartition(-scores, 50)[:50]
            top50_ms = (time.perf_counter() - started) * 100
    assert first.mode == "model" and len(result.items) == 20
    figures = {
        "episodes": len(episodes),
        "history": HISTORY,
        "p50_ms": round(float(np.percentile(timings, 50)), 2),
        "p95_ms": round(float(np.percentile(timings, 95)), 2),
        "cold_ms": round(cold_ms, 1),
        "top50_dot_ms": round(top50_ms, 2),
    }
    print(f"For you over {len(episodes):,} episodes: p95 {figures['p95_ms']} ms (aim < 50)", file=sys.stderr)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
