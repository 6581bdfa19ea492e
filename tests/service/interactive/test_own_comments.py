"""A listener edits and deletes their own comment: only the author may (403 for someone else's
visible comment, 404 for what they cannot see), an edit passes moderation again, a deletion takes
the replies and the words out of the event log, other listeners' streams are told at once, and
``Idempotency-Key`` retries (also many at the same instant) change things once. SQLite and
PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from protocol.interactive import COMMENT_APPROVED, COMMENT_DELETED, COMMENT_EDITED, COMMENT_HIDDEN
from service.context import ServiceContext
from service.interactive.models import Interaction, InteractionEvent, InteractionReport
from tests.service.conftest import LiveServer
from tests.service.interactive.sse import SseReader
from tests.service.interactive.world import World, new_key, settled_snapshot


def _visible(client: TestClient, world: World) -> list[tuple[str, str]]:
    response = client.get(f"/api/v1/interactive-episodes/{world.episode_id}/comments")
    assert response.status_code == 200, response.text
    return [(item["author"], item["text"]) for item in response.json()]


def _lane(client: TestClient, world: World) -> int:
    timeline = client.get(f"/api/v1/interactive-episodes/{world.episode_id}/timeline",
                          params={"bucket_ms": 60_000}).json()
    return sum(bucket["comments"] for bucket in timeline["buckets"])


def _live(live_server: LiveServer, world: World) -> SseReader:
    return SseReader(f"{live_server.url}/api/v1/interactive-episodes/{world.episode_id}/live", world.bob.headers)


def test_the_author_edits_a_comment_and_listeners_see_the_new_text(
        client: TestClient, world: World, live_server: LiveServer) -> None:
    posted = world.comment(client, world.alice, "The intervew was great", 61_000).json()
    stream = _live(live_server, world)
    try:
        headers = {**world.alice.headers, "Idempotency-Key": new_key()}
        edited = client.patch(f"/api/v1/interactions/{posted['id']}", headers=headers,
                              json={"text": "  The interview was great  "})
        assert edited.status_code == 200, edited.text
        body = edited.json()
        assert (body["id"], body["text"], body["at_ms"], body["visibility"]) == (
            posted["id"], "The interview was great", 61_000, "visible")
        # The comment says it was edited, and when (after it was posted); the list says so too.
        assert posted["edited_at"] is None
        assert datetime.fromisoformat(body["edited_at"]) >= datetime.fromisoformat(posted["created_at"])
        assert _visible(client, world) == [("alice", "The interview was great")]
        listed = client.get(f"/api/v1/interactive-episodes/{world.episode_id}/comments").json()
        assert [item["edited_at"] for item in listed] == [body["edited_at"]]
        event = stream.wait_for(lambda message: message.event == COMMENT_EDITED)
        assert (event.data["id"], event.data["text"], event.data["edited_at"]) == (
            posted["id"], "The interview was great", body["edited_at"])
        # A retry of the same edit is answered from the stored response and announces nothing new.
        again = client.patch(f"/api/v1/interactions/{posted['id']}", headers=headers,
                             json={"text": "  The interview was great  "})
        assert again.json() == body and again.headers["Idempotent-Replayed"] == "true"
        reused = client.patch(f"/api/v1/interactions/{posted['id']}", headers=headers, json={"text": "other"})
        assert reused.status_code == 422
    finally:
        stream.close()
    assert [message.event for message in stream.messages].count(COMMENT_EDITED) == 1
    # The same words sent again (a new request, not a retry) are no new edit.
    same = client.patch(f"/api/v1/interactions/{posted['id']}", headers=world.alice.headers,
                        json={"text": "The interview was great"})
    assert (same.status_code, same.json()["edited_at"]) == (200, body["edited_at"])


def test_an_edit_passes_moderation_again(client: TestClient, world: World, live_server: LiveServer) -> None:
    client.put(f"/api/v1/interactive-episodes/{world.episode_id}/moderation", headers=world.creator.headers,
               json={"blocked_keywords": ["spoiler"]})
    posted = world.comment(client, world.alice, "What an ending", 5_000).json()
    stream = _live(live_server, world)
    try:
        edited = client.patch(f"/api/v1/interactions/{posted['id']}", headers=world.alice.headers,
                              json={"text": "Spoiler: the butler did it"})
        assert edited.status_code == 200 and edited.json()["visibility"] == "pending"
        hidden = stream.wait_for(lambda message: message.event == COMMENT_HIDDEN)
        assert hidden.data["id"] == posted["id"]
    finally:
        stream.close()
    assert _visible(client, world) == []
    queue = client.get(f"/api/v1/interactive-episodes/{world.episode_id}/comments",
                       params={"visibility": "pending"}, headers=world.creator.headers).json()
    assert [item["text"] for item in queue] == ["Spoiler: the butler did it"]


def test_deleting_takes_the_comment_its_replies_and_its_words_away(
        client: TestClient, world: World, live_server: LiveServer, context: ServiceContext) -> None:
    posted = world.comment(client, world.alice, "my secret thoughts", 30_000).json()
    reply = world.comment(client, world.creator, "Thanks for listening", 31_000, parent_id=posted["id"]).json()
    nested = world.comment(client, world.bob, "Same here", 32_000, parent_id=reply["id"]).json()
    other = world.comment(client, world.bob, "Unrelated", 90_000).json()
    client.post(f"/api/v1/interactions/{posted['id']}/reports", headers=world.bob.headers, json={"reason": "spam"})
    assert _lane(client, world) == 4
    stream = _live(live_server, world)
    try:
        headers = {**world.alice.headers, "Idempotency-Key": new_key()}
        deleted = client.delete(f"/api/v1/interactions/{posted['id']}", headers=headers)
        assert deleted.status_code == 200, deleted.text
        assert deleted.json() == {"id": posted["id"], "episode_id": world.episode_id, "at_ms": 30_000,
                                  "parent_id": None, "reply_ids": [reply["id"], nested["id"]]}
        event = stream.wait_for(lambda message: message.event == COMMENT_DELETED)
        assert event.data == deleted.json()
        # The first attempt's answer again for a retry (the comment is no longer there to find).
        again = client.delete(f"/api/v1/interactions/{posted['id']}", headers=headers)
        assert (again.status_code, again.json()) == (200, deleted.json())
        assert again.headers["Idempotent-Replayed"] == "true"
    finally:
        stream.close()
    assert _visible(client, world) == [("bob", "Unrelated")]
    assert _lane(client, world) == 1
    assert client.delete(f"/api/v1/interactions/{posted['id']}", headers=world.alice.headers).status_code == 404
    with context.sessions() as db:
        assert db.scalar(select(func.count()).select_from(InteractionReport)) == 0
        payloads = list(db.scalars(select(InteractionEvent.payload).where(
            InteractionEvent.name.in_((COMMENT_APPROVED, COMMENT_EDITED)))))
        assert not any("secret thoughts" in payload or "Same here" in payload for payload in payloads)
        assert db.scalar(select(Interaction.id).where(Interaction.id == other["id"])) is not None


def test_a_stream_resuming_from_before_a_deletion_never_sees_the_words(
        client: TestClient, world: World, live_server: LiveServer) -> None:
    first = world.comment(client, world.bob, "bob was here", 1_000).json()
    stream = _live(live_server, world)
    resumed: SseReader | None = None
    try:
        regret = world.comment(client, world.alice, "words I regret", 2_000).json()  # the newest event
        stream.wait_for(lambda message: message.event == COMMENT_APPROVED and message.data["id"] == regret["id"])
        assert client.delete(f"/api/v1/interactions/{regret['id']}", headers=world.alice.headers).status_code == 200
        stream.wait_for(lambda message: message.event == COMMENT_DELETED)
        after = world.comment(client, world.bob, "still listening", 3_000).json()
        stream.wait_for(lambda message: message.event == COMMENT_APPROVED and message.data["id"] == after["id"])
        resumed = SseReader(f"{live_server.url}/api/v1/interactive-episodes/{world.episode_id}/live",
                            {**world.bob.headers, "Last-Event-ID": "0"})
        resumed.wait_for(lambda message: message.event == COMMENT_APPROVED and message.data["id"] == after["id"])
    finally:
        stream.close()
        if resumed is not None:
            resumed.close()
    texts = [message.data.get("text") for message in resumed.messages if isinstance(message.data, dict)]
    assert "words I regret" not in texts and {"bob was here", "still listening"} <= set(texts)
    assert first["id"] in {message.data.get("id") for message in resumed.messages}


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_only_the_author_may_change_a_comment(method: str, client: TestClient, world: World, app: FastAPI,
                                              context: ServiceContext) -> None:
    visible = world.comment(client, world.alice, "mine", 1_000).json()
    client.put(f"/api/v1/interactive-episodes/{world.episode_id}/moderation", headers=world.creator.headers,
               json={"approval": "all"})
    queued = world.comment(client, world.alice, "waiting for approval", 2_000).json()
    poll = world.poll(client)
    body: dict[str, Any] = {"json": {"text": "changed"}} if method == "PATCH" else {}
    before = settled_snapshot(app, context)

    def send(interaction_id: int, headers: dict[str, str]) -> int:
        return client.request(method, f"/api/v1/interactions/{interaction_id}", headers=headers, **body).status_code

    assert send(visible["id"], world.bob.headers) == 403
    assert send(visible["id"], world.creator.headers) == 403  # the creator moderates (hide) instead
    assert send(queued["id"], world.bob.headers) == 404  # the approval queue is not bob's to see
    assert send(visible["id"] + 1000, world.alice.headers) == 404
    assert send(poll["id"], world.creator.headers) == 404  # not a comment
    assert send(visible["id"], {}) == 401
    assert settled_snapshot(app, context) == before


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001, "bell\x07", "nul\x00", "right-to-left \u202e override"])
def test_bad_edits_are_refused_and_change_nothing(text: str, client: TestClient, world: World, app: FastAPI,
                                                  context: ServiceContext) -> None:
    posted = world.comment(client, world.alice, "fine as it is", 1_000).json()
    before = settled_snapshot(app, context)
    for extra in ({"text": text}, {"text": "ok", "at_ms": 5}):
        response = client.patch(f"/api/v1/interactions/{posted['id']}", headers=world.alice.headers, json=extra)
        assert response.status_code == 422, response.text
    assert settled_snapshot(app, context) == before


def test_a_comment_the_creator_hid_can_be_deleted_but_not_edited(client: TestClient, world: World) -> None:
    posted = world.comment(client, world.alice, "rude words", 1_000).json()
    client.post(f"/api/v1/interactions/{posted['id']}/moderation", headers=world.creator.headers,
                json={"action": "hide"})
    edited = client.patch(f"/api/v1/interactions/{posted['id']}", headers=world.alice.headers,
                          json={"text": "nice words"})
    assert edited.status_code == 409
    assert client.delete(f"/api/v1/interactions/{posted['id']}", headers=world.alice.headers).status_code == 200
    queue = client.get(f"/api/v1/interactive-episodes/{world.episode_id}/comments", params={"visibility": "hidden"},
                       headers=world.creator.headers).json()
    assert queue == []


def test_concurrent_retries_of_a_deletion_apply_once(client: TestClient, world: World, live_server: LiveServer,
                                                     context: ServiceContext) -> None:
    posted = world.comment(client, world.alice, "said once", 1_000).json()
    with context.sessions() as db:
        newest_before = db.scalar(select(func.max(InteractionEvent.id)))
    headers = {**world.alice.headers, "Idempotency-Key": new_key()}
    url = f"{live_server.url}/api/v1/interactions/{posted['id']}"
    barrier = threading.Barrier(12)
    responses: list[httpx.Response] = []
    lock = threading.Lock()

    def send() -> None:
        with httpx.Client(timeout=60) as http:
            barrier.wait()
            response = http.delete(url, headers=headers)
        with lock:
            responses.append(response)

    threads = [threading.Thread(target=send) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {response.status_code for response in responses} == {200}, [response.text for response in responses]
    assert len({response.text for response in responses}) == 1
    with context.sessions() as db:
        announced = list(db.scalars(select(InteractionEvent.name).where(InteractionEvent.id > newest_before)))
    assert announced == [COMMENT_DELETED]


def test_the_routes_are_in_the_published_api(app: FastAPI) -> None:
    operations = app.openapi()["paths"]["/api/v1/interactions/{interaction_id}"]
    assert set(operations) == {"patch", "delete"}
    assert operations["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/CommentUpdate")
    assert operations["delete"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/CommentDeleted")
    assert {"403", "404"} <= set(operations["delete"]["responses"])


def test_comments_from_before_edits_were_recorded_survive_the_migration(
        client: TestClient, world: World, context: ServiceContext) -> None:
    """Down to the revision before ``edited_at`` and up again: the comment is kept, reads as never
    edited, and an edit then records its time."""
    from alembic import command
    from sqlalchemy import inspect

    from service.migrate import alembic_config, upgrade

    posted = world.comment(client, world.alice, "said before the upgrade", 1_000).json()
    engine = context.engine
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:  # dropping the column copies the table: no cascades meanwhile (as service.migrate does)
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        with connection.begin():
            config.attributes["connection"] = connection
            command.downgrade(config, "0101_interactive")
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
    engine.dispose()
    assert "edited_at" not in {column["name"] for column in inspect(engine).get_columns("interactions")}
    upgrade(engine)
    engine.dispose()
    listed = client.get(f"/api/v1/interactive-episodes/{world.episode_id}/comments").json()
    assert [(item["id"], item["text"], item["edited_at"]) for item in listed] == [
        (posted["id"], "said before the upgrade", None)]
    edited = client.patch(f"/api/v1/interactions/{posted['id']}", headers=world.alice.headers,
                          json={"text": "said after the upgrade"})
    assert edited.status_code == 200 and edited.json()["edited_at"] is not None
