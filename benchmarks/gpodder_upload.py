"""gpodder.net sync throughput: 3,000 episode actions uploaded in batches of 30 (as AntennaPod
sends them on a first sync), then one download with ``since=0``.

    python -m benchmarks.gpodder_upload [--actions N] [--batch N] [--database-url URL]

The service runs on a real uvicorn server on 127.0.0.1 (SQLite in a temporary folder unless a
database URL is given); the client authenticates with an app password, keeps the session cookie
as sync clients do, and checks that every action comes back. Last line:
``{"upload_s": ..., "actions_per_s": ..., "download_s": ..., "actions": N}``.
"""

from __future__ import annotations

import argparse
import json
import socket
import tempfile
import threading
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=30)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    import httpx
    import uvicorn

    from service import accounts
    from service.context import build_context
    from service.main import create_app
    from service.migrate import upgrade
    from service.models import AppPassword
    from service.settings import Settings

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), database_url=args.database_url).validated()
        context = build_context(settings)
        upgrade(context.engine)
        with context.sessions() as db:
            user = accounts.sign_up(db, context, email="bench@example.org", username="bench",
                                    password="benchmark-password")
            db.add(AppPassword(user_id=user.id, name="bench", token_hash=context.tokens.keyed_hash("app-password-1234")))
            db.commit()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(context=context), host="127.0.0.1", port=port,
                                               log_level="warning", access_log=False))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.01)

        actions = [
            {"podcast": f"https://feeds.example.org/show{index % 40}.xml",
             "episode": f"https://media.example.org/show{index % 40}/episode{index}.mp3",
             "device": "antennapod", "action": "play", "timestamp": f"2026-01-{1 + index % 28:02d}T12:00:{index % 60:02d}",
             "started": 0, "position": 60 + index % 3000, "total": 3600}
            for index in range(args.actions)
        ]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", auth=("bench", "app-password-1234"), timeout=60) as web:
            started = time.perf_counter()
            for start in range(0, len(actions), args.batch):
                web.post("/api/2/episodes/bench.json", json=actions[start:start + args.batch]).raise_for_status()
            upload_s = time.perf_counter() - started
            started = time.perf_counter()
            downloaded = web.get("/api/2/episodes/bench.json", params={"since": 0}).json()["actions"]
            download_s = time.perf_counter() - started
        server.should_exit = True
        thread.join(timeout=10)
        context.engine.dispose()
    if len(downloaded) != len(actions):
        raise SystemExit(f"expected {len(actions)} actions back, got {len(downloaded)}")
    rate = len(actions) / upload_s
    print(f"uploaded {len(actions)} actions in batches of {args.batch} in {upload_s:.2f} s ({rate:.0f}/s); "
          f"downloaded them in {download_s:.2f} s")
    print(json.dumps({"upload_s": round(upload_s, 3), "actions_per_s": round(rate, 1),
                      "download_s": round(download_s, 3), "actions": len(actions)}))


if __name__ == "__main__":
    main()
