"""``Idempotency-Key``: retries, including many at the same instant against a real server, are
applied exactly once, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.context import ServiceContext
from service.interactive.models import IdempotencyKey, Interaction, PollBallot
from tests.service.conftest import LiveServer
from tests.service.interactive.world import World, new_key, settled_snapshot

RETRIES = 24


def _fire_together(url: str, headers: dict[str, str], body: dict[str, Any]) -> list[httpx.Response]:
    """POST the same request from ``RETRIES`` threads released at the same moment."""
    barrier = threading.Barrier(RETRIES)
    responses: list[httpx.Response] = []
    lock = threading.Lock()

    def send() -> None:
        with httpx.Client(timeout=60) as http:
            barrier.wait()
            response = http.post(url, headers=headers, json=body)
        with lock:
            responses.append(response)

    threads = [threading.Thread(target=send) for _ in range(RETRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def test_concurrent_retries_of_a_vote_count_once(client: TestClient, world: World, live_server: LiveServer,
                                                 context: ServiceContext) -> None:
    poll = world.poll(client)
    option = poll["options"][1]["id"]
    headers = {**world.alice.headers, "Idempotency-Key": new_key()}
    responses = _fire_together(f"{live_server.url}/api/v1/polls/{poll['id']}/votes", headers, {"option_ids": [option]})
    assert {response.status_code for response in responses} == {201}, [r.text for r in responses if r.status_code != 201]
    assert len({response.text for response in responses}) == 1  # every retry got the one stored answer
    assert sum(1 for response in responses if response.headers.get("Idempotent-Replayed")) == RETRIES - 1
    with context.sessions() as db:
        assert db.scalar(select(func.count()).select_from(PollBallot).where(PollBallot.poll_id == poll["id"])) == 1
        assert db.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def test_concurrent_retries_of_a_comment_post_it_once(client: TestClient, world: World, live_server: LiveServer,
                                                      context: ServiceContext) -> None:
    headers = {**world.bob.headers, "Idempotency-Key": new_key()}
    url = f"{live_server.url}/api/v1/interactive-episodes/{world.episode_id}/comments"
    responses = _fire_together(url, headers, {"text": "Said once, sent many times", "at_ms": 5000})
    assert {response.status_code for response in responses} == {201}
    assert len({response.json()["id"] for response in responses}) == 1
    with context.sessions() as db:
        count = db.scalar(select(func.count()).select_from(Interaction).where(Interaction.kind == "comment"))
    assert count == 1


def test_a_retry_after_success_replays_the_answer(client: TestClient, world: World, app: FastAPI,
                                                  context: ServiceContext) -> None:
    headers = {**world.alice.headers, "Idempotency-Key": new_key()}
    url = f"/api/v1/interactive-episodes/{world.episode_id}/comments"
    first = client.post(url, headers=headers, json={"text": "hello", "at_ms": 1000})
    before = settled_snapshot(app, context)
    again = client.post(url, headers=headers, json={"text": "hello", "at_ms": 1000})
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert settled_snapshot(app, context) == before


def test_the_same_key_for_another_request_is_refused(client: TestClient, world: World, app: FastAPI,
                                                     context: ServiceContext) -> None:
    key = new_key()
    url = f"/api/v1/interactive-episodes/{world.episode_id}/comments"
    assert client.post(url, headers={**world.alice.headers, "Idempotency-Key": key},
                       json={"text": "first", "at_ms": 1000}).status_code == 201
    before = settled_snapshot(app, context)
    other = client.post(url, headers={**world.alice.headers, "Idempotency-Key": key},
                        json={"text": "second", "at_ms": 1000})
    assert other.status_code == 422 and "different request" in other.json()["detail"]
    assert settled_snapshot(app, context) == before


def test_keys_belong_to_one_account(client: TestClient, world: World) -> None:
    """Bob's request with Alice's key is Bob's own write, never a replay of Alice's."""
    key = new_key()
    url = f"/api/v1/interactive-episodes/{world.episode_id}/comments"
    alice = client.post(url, headers={**world.alice.headers, "Idempotency-Key": key}, json={"text": "a", "at_ms": 1})
    bob = client.post(url, headers={**world.bob.headers, "Idempotency-Key": key}, json={"text": "a", "at_ms": 1})
    assert bob.status_code == 201 and "Idempotent-Replayed" not in bob.headers
    assert (alice.json()["author"], bob.json()["author"]) == ("alice", "bob")


def test_a_failed_write_leaves_the_key_free(client: TestClient, world: World) -> None:
    poll = world.poll(client)
    key = new_key()
    headers = {**world.alice.headers, "Idempotency-Key": key}
    url = f"/api/v1/polls/{poll['id']}/votes"
    assert client.post(url, headers=headers, json={"option_ids": [1_999_999]}).status_code == 422
    good = client.post(url, headers={**world.alice.headers, "Idempotency-Key": new_key()},
                       json={"option_ids": [poll["options"][0]["id"]]})
    assert good.status_code == 201


def test_malformed_keys_are_refused(client: TestClient, world: World) -> None:
    response = client.post(f"/api/v1/interactive-episodes/{world.episode_id}/comments",
                           headers={**world.alice.headers, "Idempotency-Key": "short"},
                           json={"text": "x", "at_ms": 1})
    assert response.status_code == 422
