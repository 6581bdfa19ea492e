"""The interactive outbox against the real service: durable enqueue latency and delivery rate.

    python -m benchmarks.outbox [--actions N]

Starts the service (uvicorn on 127.0.0.1, SQLite in a temporary folder), signs a listener in
through the account client, queues N timed comments in the outbox (each written to SQLite with
``synchronous=FULL`` before it returns), then delivers them all with their Idempotency-Keys and
counts what the service stored. Secrets go to a temporary plain-text store, never the machine's
keyring. Last line: ``{"enqueue_p50_ms", "enqueue_p95_ms", "deliver_per_s", "actions", "lost",
"duplicated"}``.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=500)
    args = parser.parse_args()

    import keyring
    import uvicorn
    from keyring.backends import fail
    from sqlalchemy import func, select

    from account.client import ServiceClient
    from interactive.outbox import Outbox
    from library.secrets import SecretStore
    from service import accounts
    from service.interactive.models import Interaction, InteractiveEpisode
    from service.main import create_app
    from service.models import Show
    from service.server import prepare
    from service.settings import Settings

    keyring.set_keyring(fail.Keyring())  # never the machine's keyring
    with tempfile.TemporaryDirectory() as folder:
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        settings = Settings(data_dir=Path(folder) / "service", public_url=url, argon2_time_cost=1,
                            argon2_memory_kib=1024).validated()
        prepare(settings)
        app = create_app(settings)
        context = app.state.context
        with context.sessions() as db:
            creator = accounts.sign_up(db, context, email="creator@example.org", username="creator",
                                       password="creator-password")
            listener = accounts.sign_up(db, context, email="listener@example.org", username="listener",
                                        password="listener-password")
            show = Show(owner_id=creator.id, title="Bench", feed_url="https://example.org/bench.xml")
            db.add(show)
            db.flush()
            episode = InteractiveEpisode(show_id=show.id, guid="bench-1", title="Bench", duration_ms=3_600_000)
            db.add(episode)
            db.commit()
            episode_id, listener_id = episode.id, listener.id
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                               lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.02)
        secrets = SecretStore(Path(folder) / "secrets", confirm_plaintext=lambda _message: True)
        with ServiceClient(url, secrets=secrets) as client:
            client.sign_in("listener", "listener-password", device_name="bench")
            outbox = Outbox(Path(folder) / "outbox.sqlite3", service_url=url, account_id=listener_id)
            enqueue_ms: list[float] = []
            for index in range(args.actions):
                started = time.perf_counter()
                outbox.comment(episode_id, f"comment {index}", (index * 997) % 3_600_000)
                enqueue_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            report = outbox.deliver(client)
            deliver_s = time.perf_counter() - started
        with context.sessions() as db:
            stored = db.scalar(select(func.count()).select_from(Interaction).where(
                Interaction.episode_id == episode_id, Interaction.kind == "comment")) or 0
        server.should_exit = True
        thread.join(timeout=10)
        context.close()
    quantiles = statistics.quantiles(enqueue_ms, n=20)
    result = {
        "enqueue_p50_ms": round(statistics.median(enqueue_ms), 2),
        "enqueue_p95_ms": round(quantiles[18], 2),
        "deliver_per_s": round(len(report.delivered) / deliver_s, 1),
        "actions": args.actions,
        "lost": max(0, args.actions - stored),
        "duplicated": max(0, stored - args.actions),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
