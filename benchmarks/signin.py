"""Sign-in latency with the production argon2id cost (time cost 3, 64 MiB).

    python -m benchmarks.signin [--rounds N]

Runs the service in-process on a temporary SQLite database and times full HTTP sign-in requests
(validation, rate-limit bookkeeping, argon2id verification, session and token creation).
Last line: ``{"p50_ms": ..., "p95_ms": ..., "rounds": N}``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from service.main import create_app
    from service.server import prepare
    from service.settings import Settings

    with tempfile.TemporaryDirectory() as folder:
        # A high limit: the benchmark signs in far more often than a listener would.
        settings = Settings(data_dir=Path(folder), signin_limit=10_000).validated()
        prepare(settings)
        app = create_app(settings)
        with TestClient(app) as client:
            client.post("/api/v1/auth/signup", json={"email": "bench@example.org", "username": "bench",
                                                     "password": "benchmark-password"}).raise_for_status()
            timings_ms: list[float] = []
            for _ in range(args.rounds):
                started = time.perf_counter()
                response = client.post("/api/v1/auth/signin", json={"login": "bench", "password": "benchmark-password"})
                timings_ms.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
        app.state.context.engine.dispose()
    timings_ms.sort()
    p95 = timings_ms[min(len(timings_ms) - 1, round(0.95 * (len(timings_ms) - 1)))]
    print(f"sign-in over {args.rounds} rounds: p50 {statistics.median(timings_ms):.1f} ms, p95 {p95:.1f} ms")
    print(json.dumps({"p50_ms": round(statistics.median(timings_ms), 1), "p95_ms": round(p95, 1),
                      "rounds": args.rounds}))


if __name__ == "__main__":
    main()
