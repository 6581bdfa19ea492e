"""Timed comments, replies, reports and moderation; questions with private answers and consented
pins; the timeline lane; the open interactions document and its published schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from protocol.interactions_document import render_schema
from service.context import ServiceContext
from tests.service.interactive.world import DURATION_MS, World, settled_snapshot

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "docs" / "schemas" / "interactions.schema.json"


def _comments(client: TestClient, world: World, visibility: str = "visible", headers: dict[str, str] | None = None
              ) -> list[dict[str, object]]:
    response = client.get(f"/api/v1/interactive-episodes/{world.episode_id}/comments",
                          params={"visibility": visibility}, headers=headers or {})
    assert response.status_code == 200, response.text
    return list(response.json())


def test_markup_is_kept_as_text(client: TestClient, world: World) -> None:
    text = '<script>alert("x")</script> & <b>bold</b>\nsecond line'
    posted = world.comment(client, world.alice, f"  {text}  ", 90_000)
    assert posted.status_code == 201, posted.text
    assert posted.json()["visibility"] == "visible"
    [stored] = _comments(client, world)
    assert stored["text"] == text and stored["at_ms"] == 90_000 and stored["author"] == "alice"


@pytest.mark.parametrize(("text", "at_ms"), [
    ("", 1000), ("   ", 1000), ("x" * 2001, 1000), ("bell\x07", 1000), ("nul\x00", 1000),
    ("right-to-left \u202e override", 1000), ("fine", -1), ("fine", DURATION_MS + 1),
])
def test_bad_comments_are_refused_and_change_nothing(text: str, at_ms: int, client: TestClient, world: World,
                                                     app: FastAPI, context: ServiceContext) -> None:
    before = settled_snapshot(app, context)
    response = world.comment(client, world.alice, text, at_ms)
    assert response.status_code == 422, response.text
    assert settled_snapshot(app, context) == before


def test_replies_and_creator_replies(client: TestClient, world: World) -> None:
    parent = world.comment(client, world.alice, "Great point at the start", 10_000).json()
    reply = world.comment(client, world.creator, "Thanks!", 10_500, parent_id=parent["id"])
    assert reply.status_code == 201 and reply.json()["by_creator"] is True
    assert reply.json()["parent_id"] == parent["id"]
    missing = world.comment(client, world.bob, "to nowhere", 1, parent_id=parent["id"] + 100)
    assert missing.status_code == 404


def test_approval_queue_and_keyword_block_list(client: TestClient, world: World) -> None:
    settings = client.put(f"/api/v1/interactive-episodes/{world.episode_id}/moderation", headers=world.creator.headers,
                          json={"approval": "none", "auto": "standard", "blocked_keywords": ["Spoiler"]})
    assert settings.status_code == 200 and settings.json()["blocked_keywords"] == ["spoiler"]
    held = world.comment(client, world.alice, "Big SPOILER ahead", 2000).json()
    linked = world.comment(client, world.alice, "see https://example.org", 3000).json()
    fine = world.comment(client, world.alice, "nice", 4000).json()
    assert (held["visibility"], linked["visibility"], fine["visibility"]) == ("pending", "pending", "visible")
    assert [item["id"] for item in _comments(client, world)] == [fine["id"]]
    # The queue is the creator's: listeners asking for it get nothing.
    assert client.get(f"/api/v1/interactive-episodes/{world.episode_id}/comments", params={"visibility": "pending"},
                      headers=world.alice.headers).status_code == 404
    queue = _comments(client, world, "pending", world.creator.headers)
    assert {item["id"] for item in queue} == {held["id"], linked["id"]}
    approved = client.post(f"/api/v1/interactions/{linked['id']}/moderation", headers=world.creator.headers,
                           json={"action": "approve"})
    assert approved.status_code == 200 and approved.json()["visibility"] == "visible"
    client.post(f"/api/v1/interactions/{held['id']}/moderation", headers=world.creator.headers,
                json={"action": "reject"})
    assert [item["id"] for item in _comments(client, world)] == [linked["id"], fine["id"]]

    client.put(f"/api/v1/interactive-episodes/{world.episode_id}/moderation", headers=world.creator.headers,
               json={"approval": "all"})
    assert world.comment(client, world.bob, "hello", 5000).json()["visibility"] == "pending"
    assert world.comment(client, world.creator, "creator speaks", 5000).json()["visibility"] == "visible"


def test_strict_mode_holds_first_time_commenters(client: TestClient, world: World) -> None:
    client.put(f"/api/v1/interactive-episodes/{world.episode_id}/moderation", headers=world.creator.headers,
               json={"auto": "strict"})
    first = world.comment(client, world.alice, "first words", 1000).json()
    assert first["visibility"] == "pending"
    client.post(f"/api/v1/interactions/{first['id']}/moderation", headers=world.creator.headers,
                json={"action": "approve"})
    assert world.comment(client, world.alice, "second words", 2000).json()["visibility"] == "visible"


def test_reports_hide_and_block(client: TestClient, world: World) -> None:
    rude = world.comment(client, world.bob, "rude words", 7000).json()
    first = client.post(f"/api/v1/interactions/{rude['id']}/reports", headers=world.alice.headers,
                        json={"reason": "rude"})
    assert first.status_code == 201
    assert client.post(f"/api/v1/interactions/{rude['id']}/reports", headers=world.alice.headers,
                       json={"reason": "again"}).status_code == 409
    [seen] = [item for item in _comments(client, world, headers=world.creator.headers) if item["id"] == rude["id"]]
    assert seen["report_count"] == 1
    assert _comments(client, world, headers=world.alice.headers)[0]["report_count"] is None
    hidden = client.post(f"/api/v1/interactions/{rude['id']}/moderation", headers=world.creator.headers,
                         json={"action": "hide"})
    assert hidden.json()["visibility"] == "hidden"
    assert _comments(client, world) == []
    client.post(f"/api/v1/interactive-episodes/{world.episode_id}/blocks", headers=world.creator.headers,
                json={"username": "bob"})
    again = world.comment(client, world.bob, "I am back", 8000)
    assert again.status_code == 403
    # Only the creator moderates.
    assert client.post(f"/api/v1/interactions/{rude['id']}/moderation", headers=world.alice.headers,
                       json={"action": "unhide"}).status_code == 404


def test_answers_are_private_until_pinned_with_consent(client: TestClient, world: World) -> None:
    question = world.question(client)
    url = f"/api/v1/questions/{question['id']}/answers"
    shy = client.post(url, headers=world.alice.headers, json={"text": "keep this between us"}).json()
    open_ = client.post(url, headers=world.bob.headers, json={"text": "share me", "share_consent": True}).json()
    assert shy["visibility"] == "private"
    assert [item["id"] for item in client.get(url, headers=world.creator.headers).json()] == [shy["id"], open_["id"]]
    assert [item["id"] for item in client.get(url, headers=world.alice.headers).json()] == [shy["id"]]  # own only
    assert client.get(url).json() == []

    refused = client.post(f"/api/v1/interactions/{shy['id']}/moderation", headers=world.creator.headers,
                          json={"action": "pin"})
    assert refused.status_code == 409 and "consent" in refused.json()["detail"]
    pinned = client.post(f"/api/v1/interactions/{open_['id']}/moderation", headers=world.creator.headers,
                         json={"action": "pin"})
    assert pinned.status_code == 200 and pinned.json()["pinned"] is True
    assert [item["id"] for item in client.get(url).json()] == [open_["id"]]
    assert [item["text"] for item in client.get(url, headers=world.alice.headers).json()] == [
        "keep this between us", "share me"]


def test_closed_questions_refuse_answers(client: TestClient, world: World) -> None:
    question = world.question(client, opens_at="2020-01-01T00:00:00Z", closes_at="2020-01-02T00:00:00Z")
    response = client.post(f"/api/v1/questions/{question['id']}/answers", headers=world.alice.headers,
                           json={"text": "too late"})
    assert response.status_code == 409


def test_timeline_marks_and_comment_density(client: TestClient, world: World) -> None:
    poll = world.poll(client, anchor_ms=65_000)
    question = world.question(client, anchor_ms=10_000)
    for at_ms in (1_000, 29_999, 30_000, 95_000):
        world.comment(client, world.alice, "here", at_ms)
    hidden = world.comment(client, world.bob, "gone", 31_000).json()
    client.post(f"/api/v1/interactions/{hidden['id']}/moderation", headers=world.creator.headers,
                json={"action": "hide"})
    timeline = client.get(f"/api/v1/interactive-episodes/{world.episode_id}/timeline",
                          params={"bucket_ms": 30_000}).json()
    assert [(mark["kind"], mark["id"], mark["at_ms"]) for mark in timeline["marks"]] == [
        ("question", question["id"], 10_000), ("poll", poll["id"], 65_000)]
    assert len(timeline["buckets"]) == DURATION_MS // 30_000
    assert [bucket["comments"] for bucket in timeline["buckets"][:4]] == [2, 1, 0, 1]
    assert sum(bucket["comments"] for bucket in timeline["buckets"]) == 4
    assert client.get(f"/api/v1/interactive-episodes/{world.episode_id}/timeline",
                      params={"bucket_ms": 10}).status_code == 422


def test_the_open_document_follows_its_published_schema(client: TestClient, world: World) -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema(), "run python -m protocol.interactions_document"
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    world.poll(client, anchor_ms=300_000, kind="multiple")
    world.question(client, anchor_ms=120_000)
    world.poll(client, prompt="Any time?", anchor_ms=None)
    response = client.get(f"/interactions/{world.episode_id}.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.castwise.interactions+json")
    document = response.json()
    jsonschema.validate(document, schema)
    assert [(item["type"], item["anchor_ms"]) for item in document["interactions"]] == [
        ("question", 120_000), ("poll", 300_000), ("poll", None)]
    assert document["episode"] == {"guid": "urn:uuid:episode-12", "title": "Episode 12", "duration_ms": DURATION_MS,
                                   "feed_url": world.feed_url}
    assert document["interactions"][1]["vote_url"].endswith(f"/api/v1/polls/{document['interactions'][1]['id']}/votes")
    lookup = client.get("/api/v1/interactive-episodes", params={"feed_url": world.feed_url,
                                                                "guid": "urn:uuid:episode-12"}).json()
    assert [item["interactions_url"] for item in lookup] == [f"http://testserver/interactions/{world.episode_id}.json"]


def test_engagement_counts_what_listeners_did(client: TestClient, world: World) -> None:
    poll = world.poll(client)
    question = world.question(client)
    client.post(f"/api/v1/polls/{poll['id']}/votes", headers=world.alice.headers,
                json={"option_ids": [poll["options"][0]["id"]]})
    client.post(f"/api/v1/questions/{question['id']}/answers", headers=world.bob.headers, json={"text": "an answer"})
    world.comment(client, world.alice, "one", 1)
    figures = client.get(f"/api/v1/interactive-episodes/{world.episode_id}/engagement", headers=world.creator.headers)
    assert figures.status_code == 200
    body = figures.json()
    assert (body["votes"], body["answers"], body["comments"]) == (1, 1, 1)
    assert sum(point["votes"] + point["answers"] + point["comments"] for point in body["per_hour"]) == 3
    assert client.get(f"/api/v1/interactive-episodes/{world.episode_id}/engagement",
                      headers=world.alice.headers).status_code == 404


def test_engagement_counts_votes_in_the_hour_they_were_cast(client: TestClient, world: World,
                                                            context: ServiceContext) -> None:
    """Votes are counted per UTC hour by the database, whatever the database's own time zone."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    from tests.service.interactive.world import seed_listeners

    poll = world.poll(client)
    voters = seed_listeners(context, 5)
    for headers in voters:
        assert client.post(f"/api/v1/polls/{poll['id']}/votes", headers=headers,
                           json={"option_ids": [poll["options"][0]["id"]]}).status_code == 201
    cast = [datetime(2026, 3, 1, 9, 59, 59, tzinfo=UTC), datetime(2026, 3, 1, 10, 0, 0, tzinfo=UTC),
            datetime(2026, 3, 1, 10, 30, tzinfo=UTC), datetime(2026, 3, 1, 10, 59, 59, 999000, tzinfo=UTC),
            datetime(2026, 3, 2, 0, 15, tzinfo=UTC)]
    with context.engine.begin() as connection:
        ids = connection.execute(text("SELECT id FROM poll_ballots WHERE poll_id = :p ORDER BY id"),
                                 {"p": poll["id"]}).scalars().all()
        if context.engine.dialect.name == "postgresql":  # hours that are not UTC's: a half-hour zone
            connection.execute(text("SELECT set_config('timezone', 'Asia/Kolkata', false)"))
        for ballot, at in zip(ids, cast, strict=True):
            connection.execute(text("UPDATE poll_ballots SET created_at = :at WHERE id = :id"),
                               {"at": at if context.engine.dialect.name == "postgresql"
                                else at.strftime("%Y-%m-%d %H:%M:%S.%f"), "id": ballot})
    if context.engine.dialect.name == "postgresql":
        with context.engine.begin() as connection:
            name = connection.execute(text("SELECT current_database()")).scalar_one()
            connection.execute(text(f"ALTER DATABASE {name} SET timezone TO 'Asia/Kolkata'"))
        context.engine.dispose()  # new connections take the zone
    body = client.get(f"/api/v1/interactive-episodes/{world.episode_id}/engagement",
                      headers=world.creator.headers).json()
    assert body["votes"] == 5
    assert [(point["hour"], point["votes"]) for point in body["per_hour"] if point["votes"]] == [
        ("2026-03-01T09:00:00Z", 1), ("2026-03-01T10:00:00Z", 3), ("2026-03-02T00:00:00Z", 1)]


def test_a_deleted_listener_leaves_no_interactions_behind(client: TestClient, world: World, app: FastAPI,
                                                         context: ServiceContext) -> None:
    from tests.service.rows import rows_owned_by

    poll = world.poll(client)
    question = world.question(client)
    client.post(f"/api/v1/polls/{poll['id']}/votes", headers={**world.alice.headers, "Idempotency-Key": "delete-1234"},
                json={"option_ids": [poll["options"][0]["id"]]})
    client.post(f"/api/v1/questions/{question['id']}/answers", headers=world.alice.headers, json={"text": "mine"})
    bob_comment = world.comment(client, world.bob, "bob's", 1).json()
    world.comment(client, world.alice, "a reply of alice", 2, parent_id=bob_comment["id"])
    client.post(f"/api/v1/interactions/{bob_comment['id']}/reports", headers=world.alice.headers,
                json={"reason": "x"})
    gone = client.request("DELETE", "/api/v1/account", headers=world.alice.headers,
                          json={"password": world.alice.password})
    assert gone.status_code == 204
    with context.sessions() as db:
        assert rows_owned_by(db, world.alice.id) == {}
    assert client.get(f"/api/v1/polls/{poll['id']}", headers=world.creator.headers).json()["total_votes"] == 0
    assert [item["author"] for item in _comments(client, world)] == ["bob"]
