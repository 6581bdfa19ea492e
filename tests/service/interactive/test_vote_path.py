"""A vote's way through the service (on SQLite and PostgreSQL): the short way in for well-formed
votes answers exactly as the route would, every other vote still meets the service's rules, and
the batch statement keeps the account rules (a key reused for another vote, a stale session)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text, update

from protocol.interactive import VoteReceipt
from service.context import ServiceContext
from service.interactive.models import PollBallot
from service.models import DeviceSession
from tests.service.conftest import LiveServer
from tests.service.interactive.world import World, new_key, settled_snapshot


def _ballots(context: ServiceContext, poll_id: int) -> int:
    with context.sessions() as db:
        return db.scalar(select(func.count()).select_from(PollBallot).where(PollBallot.poll_id == poll_id)) or 0


def test_a_receipt_is_a_vote_receipt_with_the_tally(client: TestClient, world: World) -> None:
    poll = world.poll(client, kind="multiple")
    chosen = [poll["options"][2]["id"], poll["options"][0]["id"]]
    response = client.post(f"/api/v1/polls/{poll['id']}/votes", headers=world.alice.headers,
                           json={"option_ids": chosen})
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    receipt = VoteReceipt.model_validate_json(response.text)
    assert receipt.poll_id == poll["id"] and receipt.option_ids == sorted(chosen)
    assert receipt.tally.poll_id == poll["id"] and receipt.tally.episode_id == world.episode_id


def test_unusual_requests_still_meet_every_rule(client: TestClient, world: World, context: ServiceContext,
                                                app: FastAPI) -> None:
    poll = world.poll(client)
    url = f"/api/v1/polls/{poll['id']}/votes"
    option = poll["options"][0]["id"]
    before = settled_snapshot(app, context)
    huge = client.post(url, headers={**world.alice.headers, "Content-Type": "application/json"},
                       content=b'{"option_ids": [' + b"1, " * 1_000_000 + b"1]}")
    assert huge.status_code == 413
    nul = client.post(url, headers={**world.alice.headers, "Content-Type": "application/json"},
                      content=b'{"option_ids": [%d], "note": "\\u0000"}' % option)
    assert nul.status_code == 422
    broken = client.post(url, headers={**world.alice.headers, "Content-Type": "application/json"}, content=b"{")
    assert broken.status_code == 422
    basic = client.post(url, headers={"Authorization": "Basic YWxpY2U6c2VjcmV0"}, json={"option_ids": [option]})
    assert basic.status_code == 401
    assert settled_snapshot(app, context) == before
    # A body the short way does not take (another content type spelling) is counted all the same.
    spelled = client.post(url, headers={**world.alice.headers, "Content-Type": "application/json; charset=utf-8"},
                          content=b'{"option_ids": [%d]}' % option)
    assert spelled.status_code == 201, spelled.text
    assert _ballots(context, poll["id"]) == 1


def test_a_vote_key_reused_for_another_poll_is_refused(client: TestClient, world: World, context: ServiceContext,
                                                       app: FastAPI) -> None:
    first, second = world.poll(client), world.poll(client, prompt="Another")
    headers = {**world.alice.headers, "Idempotency-Key": new_key()}
    counted = client.post(f"/api/v1/polls/{first['id']}/votes", headers=headers,
                          json={"option_ids": [first["options"][0]["id"]]})
    assert counted.status_code == 201
    before = settled_snapshot(app, context)
    reused = client.post(f"/api/v1/polls/{second['id']}/votes", headers=headers,
                         json={"option_ids": [second["options"][0]["id"]]})
    assert reused.status_code == 422 and "different request" in reused.json()["detail"]
    assert settled_snapshot(app, context) == before
    assert _ballots(context, second["id"]) == 0


def test_a_vote_refreshes_a_session_idle_for_long(client: TestClient, world: World, context: ServiceContext) -> None:
    poll = world.poll(client)
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    with context.sessions() as db:
        db.execute(update(DeviceSession).where(DeviceSession.id == world.alice.session_id)
                   .values(last_used_at=long_ago))
        db.commit()
    response = client.post(f"/api/v1/polls/{poll['id']}/votes", headers=world.alice.headers,
                           json={"option_ids": [poll["options"][1]["id"]]})
    assert response.status_code == 201
    with context.sessions() as db:
        used = db.scalar(select(DeviceSession.last_used_at).where(DeviceSession.id == world.alice.session_id))
    assert used is not None and used > datetime.now(UTC) - timedelta(minutes=5)


@pytest.mark.parametrize("backend", ["postgres"])  # SQLite has one writer: the race cannot happen there
def test_a_key_stored_meanwhile_by_another_request_wins(backend: str, client: TestClient, world: World,
                                                        live_server: LiveServer, context: ServiceContext) -> None:
    """Another request of the same account stores the vote's key while the vote's batch is being
    written: the vote is then answered from that key (a different request: 422) and counts nothing."""
    poll = world.poll(client)
    key = new_key()
    other = context.engine.connect()
    other.execute(text("INSERT INTO idempotency_keys (user_id, key, fingerprint, route, status_code, response_body, "
                       "created_at) VALUES (:user, :key, :fingerprint, 'POST /elsewhere', 201, '{}', now())"),
                  {"user": world.alice.id, "key": key, "fingerprint": "0" * 64})  # not committed yet
    answer: list[httpx.Response] = []
    voting = threading.Thread(target=lambda: answer.append(httpx.post(
        f"{live_server.url}/api/v1/polls/{poll['id']}/votes", headers={**world.alice.headers, "Idempotency-Key": key},
        json={"option_ids": [poll["options"][0]["id"]]}, timeout=60)))
    voting.start()
    try:
        with context.engine.connect() as watcher:  # the vote's insert of that key waits for the other request
            while not watcher.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                          "AND datname = current_database()")):
                watcher.rollback()
                time.sleep(0.01)
    finally:
        other.commit()
        other.close()
        voting.join(timeout=60)
    assert answer and answer[0].status_code == 422, answer[0].text if answer else "no answer"
    assert "different request" in answer[0].json()["detail"]
    assert _ballots(context, poll["id"]) == 0
