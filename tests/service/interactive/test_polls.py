"""Polls as listeners and creators meet them: vote once, results after voting, closed polls,
unknown options, votes on someone else's behalf; every refusal changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from service.context import ServiceContext
from tests.service.interactive.world import World, settled_snapshot


def _vote(client: TestClient, world_account: object, poll_id: int, option_ids: list[int], **kwargs: object) -> object:
    return client.post(f"/api/v1/polls/{poll_id}/votes", headers=world_account.headers,  # type: ignore[attr-defined]
                       json={"option_ids": option_ids, **kwargs})


def test_results_are_hidden_until_the_listener_votes(client: TestClient, world: World) -> None:
    poll = world.poll(client)
    first, second, _third = (option["id"] for option in poll["options"])
    assert _vote(client, world.bob, poll["id"], [first]).status_code == 201  # type: ignore[attr-defined]

    before = client.get(f"/api/v1/polls/{poll['id']}", headers=world.alice.headers).json()
    assert before["total_votes"] is None and all(option["votes"] is None for option in before["options"])
    assert before["my_option_ids"] is None

    receipt = _vote(client, world.alice, poll["id"], [second])
    assert receipt.status_code == 201, receipt.text  # type: ignore[attr-defined]
    assert receipt.json()["option_ids"] == [second]  # type: ignore[attr-defined]
    after = client.get(f"/api/v1/polls/{poll['id']}", headers=world.alice.headers).json()
    assert after["my_option_ids"] == [second]
    assert after["total_votes"] == 2
    assert [option["votes"] for option in after["options"]] == [1, 1, 0]

    creator_view = client.get(f"/api/v1/polls/{poll['id']}", headers=world.creator.headers).json()
    assert creator_view["total_votes"] == 2
    anonymous = client.get(f"/api/v1/polls/{poll['id']}").json()
    assert anonymous["total_votes"] is None


def test_a_second_vote_is_refused_and_the_first_one_stands(client: TestClient, world: World,
                                                          context: ServiceContext, app: FastAPI) -> None:
    poll = world.poll(client)
    first, second, _ = (option["id"] for option in poll["options"])
    assert _vote(client, world.alice, poll["id"], [first]).status_code == 201  # type: ignore[attr-defined]
    before = settled_snapshot(app, context)
    again = _vote(client, world.alice, poll["id"], [second])
    assert again.status_code == 409  # type: ignore[attr-defined]
    assert "already voted" in again.json()["detail"]  # type: ignore[attr-defined]
    assert settled_snapshot(app, context) == before
    mine = client.get(f"/api/v1/polls/{poll['id']}", headers=world.alice.headers).json()
    assert mine["my_option_ids"] == [first] and mine["total_votes"] == 1


def test_the_database_itself_refuses_a_second_ballot(client: TestClient, world: World,
                                                    context: ServiceContext, app: FastAPI) -> None:
    """"Once" holds even for a code path that forgets to check: the constraint is in the schema."""
    poll = world.poll(client)
    assert _vote(client, world.alice, poll["id"], [poll["options"][0]["id"]]).status_code == 201  # type: ignore[attr-defined]
    with context.sessions() as db, pytest.raises(IntegrityError):
        db.execute(text("INSERT INTO poll_ballots (poll_id, user_id, created_at) VALUES (:p, :u, :t)"),
                   {"p": poll["id"], "u": world.alice.id, "t": datetime.now(UTC)})
        db.commit()


def test_multiple_choice_takes_several_options_once_each(client: TestClient, world: World) -> None:
    poll = world.poll(client, kind="multiple")
    ids = [option["id"] for option in poll["options"]]
    assert _vote(client, world.alice, poll["id"], [ids[0], ids[0]]).status_code == 422  # type: ignore[attr-defined]
    assert _vote(client, world.alice, poll["id"], [ids[0], ids[2]]).status_code == 201  # type: ignore[attr-defined]
    assert _vote(client, world.alice, poll["id"], [ids[1]]).status_code == 409  # type: ignore[attr-defined]
    view = client.get(f"/api/v1/polls/{poll['id']}", headers=world.alice.headers).json()
    assert [option["votes"] for option in view["options"]] == [1, 0, 1]
    assert view["total_votes"] == 1  # one ballot


@pytest.mark.parametrize("case", ["unknown option", "two options on single choice", "someone else's behalf",
                                  "no options", "option of another poll"])
def test_bad_ballots_are_refused_and_change_nothing(case: str, client: TestClient, world: World,
                                                    context: ServiceContext, app: FastAPI) -> None:
    poll = world.poll(client)
    other = world.poll(client, prompt="Another")
    ids = [option["id"] for option in poll["options"]]
    bodies = {
        "unknown option": {"option_ids": [2_000_000]},
        "two options on single choice": {"option_ids": ids[:2]},
        "someone else's behalf": {"option_ids": ids[:1], "user_id": world.bob.id},
        "no options": {"option_ids": []},
        "option of another poll": {"option_ids": [other["options"][0]["id"]]},
    }
    before = settled_snapshot(app, context)
    response = client.post(f"/api/v1/polls/{poll['id']}/votes", headers=world.alice.headers, json=bodies[case])
    assert response.status_code == 422, response.text
    assert settled_snapshot(app, context) == before


def test_closed_and_not_yet_open_polls_refuse_votes(client: TestClient, world: World,
                                                    context: ServiceContext, app: FastAPI) -> None:
    later = world.poll(client, opens_at=(datetime.now(UTC) + timedelta(hours=1)).isoformat())
    poll = world.poll(client, prompt="Closing soon")
    closed = client.post(f"/api/v1/polls/{poll['id']}/close", headers=world.creator.headers)
    assert closed.status_code == 200 and closed.json()["is_open"] is False
    before = settled_snapshot(app, context)
    for target in (later, poll):
        response = _vote(client, world.alice, target["id"], [target["options"][0]["id"]])
        assert response.status_code == 409, response.text  # type: ignore[attr-defined]
        assert "not open" in response.json()["detail"]  # type: ignore[attr-defined]
    assert settled_snapshot(app, context) == before


def test_only_the_creator_schedules_and_closes_polls(client: TestClient, world: World) -> None:
    response = client.post(f"/api/v1/interactive-episodes/{world.episode_id}/polls", headers=world.alice.headers,
                           json={"prompt": "Mine?", "options": ["a", "b"]})
    assert response.status_code == 404
    poll = world.poll(client)
    assert client.post(f"/api/v1/polls/{poll['id']}/close", headers=world.alice.headers).status_code == 404
    assert client.get(f"/api/v1/polls/{poll['id']}").json()["is_open"] is True


@pytest.mark.parametrize("body", [
    {"prompt": "x", "options": ["only one"]},
    {"prompt": "x", "options": ["Same", "same"]},
    {"prompt": "", "options": ["a", "b"]},
    {"prompt": "x", "options": ["a", "b"], "anchor_ms": -5},
    {"prompt": "x", "options": ["a", "b"], "anchor_ms": 31 * 60 * 1000},
    {"prompt": "x", "options": ["a", "b"], "opens_at": "2030-01-02T00:00:00Z", "closes_at": "2030-01-01T00:00:00Z"},
    {"prompt": "x\u0000y", "options": ["a", "b"]},
])
def test_bad_polls_are_refused(body: dict[str, object], client: TestClient, world: World) -> None:
    response = client.post(f"/api/v1/interactive-episodes/{world.episode_id}/polls", headers=world.creator.headers,
                           json=body)
    assert response.status_code == 422, response.text


def test_blocked_listeners_cannot_vote(client: TestClient, world: World) -> None:
    poll = world.poll(client)
    blocked = client.post(f"/api/v1/interactive-episodes/{world.episode_id}/blocks", headers=world.creator.headers,
                          json={"username": world.bob.username})
    assert blocked.status_code == 201, blocked.text
    response = _vote(client, world.bob, poll["id"], [poll["options"][0]["id"]])
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert _vote(client, world.alice, poll["id"], [poll["options"][0]["id"]]).status_code == 201  # type: ignore[attr-defined]


def test_votes_need_a_live_session(client: TestClient, world: World, context: ServiceContext, app: FastAPI) -> None:
    poll = world.poll(client)
    option = poll["options"][0]["id"]
    revoked = client.delete(f"/api/v1/sessions/{world.alice.session_id}", headers=world.alice.headers)
    assert revoked.status_code == 204, revoked.text
    before = settled_snapshot(app, context)
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, world.alice.headers):
        response = client.post(f"/api/v1/polls/{poll['id']}/votes", headers=headers, json={"option_ids": [option]})
        assert response.status_code == 401
    assert settled_snapshot(app, context) == before
