"""Retention of the live event log and stored ``Idempotency-Key`` outcomes: old bookkeeping goes,
the interactions themselves stay, ids are never reused, and a stream resuming from before what
was pruned is told to re-read rather than silently missing events."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from protocol.interactive import COMMENT_APPROVED, RESYNC
from service.context import ServiceContext
from service.db import utcnow
from service.interactive.models import IdempotencyKey, InteractionEvent
from service.interactive.retention import Retention, prune_now
from service.settings import SettingsError, load_settings
from tests.service.conftest import LiveServer
from tests.service.interactive.sse import SseReader
from tests.service.interactive.world import World, new_key

ROOT = Path(__file__).resolve().parents[3]


def _age_everything(context: ServiceContext, days: int) -> None:
    then = utcnow() - timedelta(days=days)
    with context.sessions() as db, db.begin():
        db.execute(update(InteractionEvent).values(created_at=then))
        db.execute(update(IdempotencyKey).values(created_at=then))


def _event_ids(context: ServiceContext) -> list[int]:
    with context.sessions() as db:
        return list(db.scalars(select(InteractionEvent.id).order_by(InteractionEvent.id)))


def test_old_events_and_keys_are_pruned_while_comments_and_recent_events_stay(
        client: TestClient, world: World, context: ServiceContext) -> None:
    for n in range(3):
        posted = world.comment(client, world.alice, f"old comment {n}", 1000 * n)
        assert posted.status_code == 201
    keyed = client.post(f"/api/v1/interactive-episodes/{world.episode_id}/comments",
                        headers={**world.bob.headers, "Idempotency-Key": new_key()},
                        json={"text": "old keyed comment", "at_ms": 5000})
    assert keyed.status_code == 201
    old_events, old_newest = len(_event_ids(context)), max(_event_ids(context))
    assert old_events >= 4
    _age_everything(context, days=40)
    fresh = world.comment(client, world.alice, "a fresh comment", 9000)
    assert fresh.status_code == 201
    newest_before = max(_event_ids(context))

    report = prune_now(context.sessions, Retention(events=timedelta(days=30), idempotency_keys=timedelta(days=30)))

    assert (report.events, report.idempotency_keys) == (old_events, 1)
    remaining = _event_ids(context)
    assert remaining and min(remaining) > old_newest and max(remaining) == newest_before
    with context.sessions() as db:
        assert db.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
    listed = client.get(f"/api/v1/interactive-episodes/{world.episode_id}/comments").json()
    texts = {item["text"] for item in (listed["items"] if isinstance(listed, dict) else listed)}
    assert {"old comment 0", "old comment 1", "old comment 2", "old keyed comment", "a fresh comment"} <= texts


def test_the_newest_event_is_kept_so_ids_are_never_reused(client: TestClient, world: World,
                                                           context: ServiceContext) -> None:
    for n in range(2):
        assert world.comment(client, world.alice, f"comment {n}", n).status_code == 201
    newest = max(_event_ids(context))
    _age_everything(context, days=400)
    prune_now(context.sessions, Retention())
    assert _event_ids(context) == [newest]
    assert world.comment(client, world.alice, "after pruning", 10).status_code == 201
    assert max(_event_ids(context)) > newest


def test_a_stream_resuming_from_before_the_pruned_events_is_told_to_resync(
        app: FastAPI, client: TestClient, world: World, context: ServiceContext, live_server: LiveServer) -> None:
    assert world.comment(client, world.alice, "seen before the drop", 1000).status_code == 201
    last_seen = max(_event_ids(context))
    for n in range(3):
        assert world.comment(client, world.alice, f"missed {n}", 2000 + n).status_code == 201
    _age_everything(context, days=40)
    assert world.comment(client, world.alice, "newest", 9000).status_code == 201
    prune_now(context.sessions, Retention())
    assert min(_event_ids(context)) > last_seen + 1  # what the listener missed is gone
    # A worker keeps its latest events in memory and replays from there; a restarted worker (or
    # one whose memory moved on) has only the log.
    hub = getattr(app.state, "interactive_hub", None)
    if hub is not None:
        hub.stop()
        del app.state.interactive_hub

    url = f"{live_server.url}/api/v1/interactive-episodes/{world.episode_id}/live"
    resumed = SseReader(url, {"Last-Event-ID": str(last_seen)})
    try:
        told = resumed.wait_for(lambda message: message.event == RESYNC)
        assert told.id is not None and told.id >= max(_event_ids(context))
        # Nothing partial was replayed before it: the client re-reads the comments instead.
        assert not [message for message in resumed.messages if message.event == COMMENT_APPROVED]
    finally:
        resumed.close()
    # A listener that missed nothing pruned still gets an exact replay.
    exact = SseReader(url, {"Last-Event-ID": str(min(_event_ids(context)) - 1)})
    try:
        replayed = exact.wait_for(lambda message: message.event == COMMENT_APPROVED)
        assert replayed.data["text"] == "newest"
        assert not [message for message in exact.messages if message.event == RESYNC]
    finally:
        exact.close()


def test_retention_settings_are_validated() -> None:
    with pytest.raises(SettingsError, match="RETENTION_DAYS"):
        load_settings({"CASTWISE_SERVICE_EVENT_RETENTION_DAYS": "0"})
    settings = load_settings({"CASTWISE_SERVICE_IDEMPOTENCY_RETENTION_DAYS": "7"})
    assert settings.retention == Retention(events=timedelta(days=30), idempotency_keys=timedelta(days=7))


def test_the_prune_command(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CASTWISE_SERVICE_")}
    env.update(CASTWISE_HOME=str(tmp_path), CASTWISE_SERVICE_EVENT_RETENTION_DAYS="14")
    ran = subprocess.run([sys.executable, "-m", "app.cli.main", "serve", "prune"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert "pruned 0 live events older than 14 days" in ran.stdout


def test_each_worker_prunes_when_its_live_hub_starts(client: TestClient, world: World, context: ServiceContext) -> None:
    import time

    from service.interactive.live import LiveHub

    for n in range(3):
        assert world.comment(client, world.alice, f"comment {n}", n).status_code == 201
    _age_everything(context, days=40)
    assert world.comment(client, world.alice, "recent", 10).status_code == 201
    hub = LiveHub(context.engine, context.sessions, retention=context.settings.retention)
    hub.start()
    try:
        deadline = time.monotonic() + 30
        while len(_event_ids(context)) > 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(_event_ids(context)) == 1
    finally:
        hub.stop()
