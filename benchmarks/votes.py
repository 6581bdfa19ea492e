"""Votes on one poll while 500 listeners follow the episode's live stream.

    python -m benchmarks.votes [--voters 20000] [--listeners 500] [--concurrency 48] [--workers 2]

A throw-away PostgreSQL 15 (Debian ``postgresql``, the tests' server: fsync and synchronous
commit off, so the figures measure the service, not the disk) holds the data; the service runs as
``uvicorn --workers 2`` in its own processes; 20,000 voters plus the listeners' accounts and their
access tokens are inserted directly (no sign-up). The listeners vote first (so they may see
counts), then follow the live stream from one process while another sends every voter's single
vote (with an ``Idempotency-Key``, retried on a transport error) at a fixed concurrency. Every
process runs on this machine: load generator included.

``service_cpu_ms_per_vote`` is the CPU time of the service's processes per counted vote, a figure
that means something even when other work shares the machine. Checks: counted ballots == acknowledged votes (``lost``, ``duplicated``), and each listener's last
``poll.tally`` equals the database's count. Last line:
``{"votes_per_s", "p50_ms", "p99_ms", "lost", "duplicated", "listeners_correct", ...}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SECRET = "benchmark-secret-" + "x" * 40
PASSWORD_HASH = "$argon2id$v=19$m=1024,t=1,p=1$bm90LWEtcmVhbC1zYWx0$bm90LWEtcmVhbC1oYXNoLW5vdC1hLXJlYWwtaGFzaA"
"""Seeded accounts never sign in; their password hash only has to be well-formed."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed(database_url: str, data_dir: Path, *, voters: int, listeners: int) -> dict[str, Any]:
    """Migrate, then insert the creator, show, episode, poll and every account with a token."""
    from sqlalchemy import insert, select

    from service.context import build_context
    from service.interactive.models import Interaction, InteractiveEpisode, PollOption
    from service.migrate import upgrade
    from service.models import DeviceSession, Show, User
    from service.settings import Settings

    settings = Settings(data_dir=data_dir, database_url=database_url, secret_key=SECRET).validated()
    context = build_context(settings)
    upgrade(context.engine)
    now = datetime.now(UTC)
    total = voters + listeners + 1
    with context.sessions() as db:
        db.execute(insert(User), [
            {"email": f"user{index}@example.org", "username": f"user{index}", "password_hash": PASSWORD_HASH,
             "email_verified": True, "is_admin": False, "feed_secret": f"s{index}", "created_at": now}
            for index in range(total)])
        users = list(db.scalars(select(User.id).order_by(User.id)))
        db.execute(insert(DeviceSession), [
            {"user_id": user_id, "device_name": "bench", "created_at": now, "last_used_at": now} for user_id in users])
        sessions = {row[0]: row[1] for row in db.execute(select(DeviceSession.user_id, DeviceSession.id))}
        creator = users[0]
        show = Show(owner_id=creator, title="Bench show", feed_url="https://example.org/bench.xml")
        db.add(show)
        db.flush()
        episode = InteractiveEpisode(show_id=show.id, guid="bench-1", title="Bench episode", duration_ms=3_600_000)
        db.add(episode)
        db.flush()
        poll = Interaction(episode_id=episode.id, kind="poll", user_id=creator, text="Which one?", anchor_ms=1000,
                           visibility="visible", by_creator=True)
        db.add(poll)
        db.flush()
        options = [PollOption(poll_id=poll.id, position=index, label=f"Option {index}") for index in range(4)]
        db.add_all(options)
        db.commit()
        option_ids = [option.id for option in options]
        episode_id, poll_id = episode.id, poll.id
    tokens = [context.tokens.issue(user_id=user_id, session_id=sessions[user_id], ttl_s=3600) for user_id in users[1:]]
    context.engine.dispose()
    return {"episode_id": episode_id, "poll_id": poll_id, "options": option_ids,
            "listener_tokens": tokens[:listeners], "voter_tokens": tokens[listeners:]}


def start_service(database_url: str, data_dir: Path, *, workers: int, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CASTWISE_SERVICE_DATABASE_URL": database_url, "CASTWISE_SERVICE_SECRET_KEY": SECRET,
           "CASTWISE_SERVICE_DATA_DIR": str(data_dir)}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "service.main:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the service did not start")


async def _vote_all(base: str, poll_id: int, options: list[int], tokens: list[str], concurrency: int,
                    tag: str) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    acknowledged = 0
    errors: dict[str, int] = {}
    pending = list(enumerate(tokens))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        async def worker() -> None:
            nonlocal acknowledged
            while pending:
                index, token = pending.pop()
                headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"{tag}-vote-{index:08d}"}
                body = {"option_ids": [options[index % len(options)]]}
                for _attempt in range(5):  # a transport error is retried with the same key
                    started = time.perf_counter()
                    try:
                        response = await http.post(f"/api/v1/polls/{poll_id}/votes", headers=headers, json=body)
                    except httpx.TransportError as error:
                        errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
                        continue
                    latencies.append((time.perf_counter() - started) * 1000)
                    if response.status_code == 201:
                        acknowledged += 1
                    else:
                        errors[str(response.status_code)] = errors.get(str(response.status_code), 0) + 1
                    break

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {"acknowledged": acknowledged, "latencies": latencies, "elapsed_s": elapsed, "errors": errors}


def _load_process(base: str, plan: dict[str, Any], concurrency: int, results: Any) -> None:
    outcome = asyncio.run(_vote_all(base, plan["poll_id"], plan["options"], plan["voter_tokens"], concurrency,
                                    "load"))
    results.put(outcome)


async def _follow(base: str, episode_id: int, poll_id: int, tokens: list[str], ready: Any, stop: Any,
                  results: Any) -> None:
    import httpx

    last: dict[int, dict[str, Any]] = {}
    received = [0] * len(tokens)
    limits = httpx.Limits(max_connections=len(tokens) + 10)
    async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(30, read=None), limits=limits) as http:
        connected = 0

        async def listen(index: int, token: str) -> None:
            nonlocal connected
            event = ""
            async with http.stream("GET", f"/api/v1/interactive-episodes/{episode_id}/live",
                                   headers={"Authorization": f"Bearer {token}"}) as response:
                async for line in response.aiter_lines():
                    if line.startswith(": connected"):
                        connected += 1
                        if connected == len(tokens):
                            ready.set()
                    elif line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: ") and event == "poll.tally":
                        payload = json.loads(line[6:])
                        if payload["poll_id"] == poll_id:
                            last[index] = payload
                            received[index] += 1

        tasks = [asyncio.create_task(listen(index, token)) for index, token in enumerate(tokens)]
        while not stop.is_set():
            await asyncio.sleep(0.1)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    results.put({"last": [last.get(index) for index in range(len(tokens))], "received": received})


def _listen_process(base: str, plan: dict[str, Any], ready: Any, stop: Any, results: Any) -> None:
    asyncio.run(_follow(base, plan["episode_id"], plan["poll_id"], plan["listener_tokens"], ready, stop, results))


def _cpu_s(root_pid: int) -> float:
    """User + system CPU seconds of ``root_pid`` and its children (Linux /proc), for CPU per vote."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == root_pid or int(fields[1]) == root_pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=20_000)
    parser.add_argument("--listeners", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=48)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from sqlalchemy import create_engine, func, select, text
    from sqlalchemy.pool import NullPool

    from service.interactive.models import BallotChoice, PollBallot
    from tests.support.postgres import PostgresServer

    postgres = PostgresServer().start()
    service: subprocess.Popen[bytes] | None = None
    try:
        admin = create_engine(postgres.url(), poolclass=NullPool, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE castwise_votes"))
        admin.dispose()
        database_url = postgres.url("castwise_votes")
        with tempfile.TemporaryDirectory() as folder:
            data_dir = Path(folder)
            started = time.perf_counter()
            plan = seed(database_url, data_dir, voters=args.voters, listeners=args.listeners)
            print(f"seeded {args.voters + args.listeners + 1} accounts in {time.perf_counter() - started:.1f} s",
                  flush=True)
            port = _free_port()
            service = start_service(database_url, data_dir, workers=args.workers, port=port)
            base = f"http://127.0.0.1:{port}"

            warmup = asyncio.run(_vote_all(base, plan["poll_id"], plan["options"], plan["listener_tokens"], 16,
                                           "listener"))
            context = multiprocessing.get_context("spawn")
            ready, stop = context.Event(), context.Event()
            listened, loaded = context.Queue(), context.Queue()
            listeners = context.Process(target=_listen_process, args=(base, plan, ready, stop, listened))
            listeners.start()
            if not ready.wait(120):
                raise RuntimeError("the listeners did not all connect")
            print(f"{args.listeners} listeners connected", flush=True)
            cpu_before = _cpu_s(service.pid)
            load = context.Process(target=_load_process, args=(base, plan, args.concurrency, loaded))
            load.start()
            outcome = loaded.get(timeout=1800)
            load.join()
            service_cpu_s = _cpu_s(service.pid) - cpu_before

            engine = create_engine(database_url, poolclass=NullPool)
            with engine.connect() as connection:
                ballots = connection.scalar(select(func.count()).select_from(PollBallot)) or 0
                counts = {str(option): count for option, count in connection.execute(
                    select(BallotChoice.option_id, func.count()).group_by(BallotChoice.option_id))}
            engine.dispose()
            expected = {"total": ballots, "counts": counts}
            time.sleep(3)  # the last coalesced tally follows within a fraction of a second
            stop.set()
            followed = listened.get(timeout=120)
            listeners.join(timeout=30)
    finally:
        if service is not None:
            service.terminate()
            service.wait(timeout=30)
        postgres.stop()

    acknowledged = outcome["acknowledged"] + warmup["acknowledged"]
    correct = sum(1 for tally in followed["last"]
                  if tally is not None and tally["total"] == expected["total"] and tally["counts"] == expected["counts"])
    print(f"errors: {outcome['errors']}; tallies per listener: min {min(followed['received'])}, "
          f"max {max(followed['received'])}", flush=True)
    print(json.dumps({
        "votes_per_s": round(outcome["acknowledged"] / outcome["elapsed_s"], 1),
        "p50_ms": round(_percentile(outcome["latencies"], 0.50), 1),
        "p99_ms": round(_percentile(outcome["latencies"], 0.99), 1),
        "lost": max(0, acknowledged - ballots),
        "duplicated": max(0, ballots - acknowledged),
        "votes": outcome["acknowledged"],
        "duration_s": round(outcome["elapsed_s"], 1),
        "listeners": args.listeners,
        "listeners_correct": correct,
        "service_cpu_ms_per_vote": round(service_cpu_s * 1000 / max(1, outcome["acknowledged"]), 2),
        "workers": args.workers,
        "concurrency": args.concurrency,
    }))


if __name__ == "__main__":
    main()
