"""The episode's live stream over a real uvicorn server: coalesced tallies, comments as they are
approved, pinned answers, resuming with Last-Event-ID, slow readers that stall no one, and
fan-out between two workers (LISTEN/NOTIFY on PostgreSQL, the log on SQLite)."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from protocol.interactive import ANSWER_PINNED, COMMENT_APPROVED, COMMENT_HIDDEN, POLL_OPENED, POLL_TALLY
from service.context import ServiceContext, build_context
from service.interactive.models import InteractionEvent
from service.main import create_app
from service.settings import Settings
from tests.service.conftest import LiveServer
from tests.service.interactive.sse import Message, SseReader
from tests.service.interactive.world import World, seed_listeners


@pytest.fixture
def readers() -> Iterator[list[SseReader]]:
    opened: list[SseReader] = []
    yield opened
    for reader in opened:
        reader.close()


def _live_url(server_url: str, world: World) -> str:
    return f"{server_url}/api/v1/interactive-episodes/{world.episode_id}/live"


def _tally_of(poll_id: int, total: int) -> object:
    return lambda message: message.event == POLL_TALLY and message.data["poll_id"] == poll_id \
        and message.data["total"] == total


def test_tallies_are_coalesced_and_end_correct(client: TestClient, world: World, live_server: LiveServer,
                                               context: ServiceContext, readers: list[SseReader]) -> None:
    poll = world.poll(client)
    options = [option["id"] for option in poll["options"]]
    voters = seed_listeners(context, 24)
    http = httpx.Client(base_url=live_server.url, timeout=30)
    # The first voter follows the stream (and so sees counts); a non-voter sees the total only.
    assert http.post(f"/api/v1/polls/{poll['id']}/votes", headers=voters[0],
                     json={"option_ids": [options[0]]}).status_code == 201
    voter_stream = SseReader(_live_url(live_server.url, world), voters[0])
    onlooker = SseReader(_live_url(live_server.url, world), world.bob.headers)
    readers += [voter_stream, onlooker]
    for index, headers in enumerate(voters[1:], start=1):
        response = http.post(f"/api/v1/polls/{poll['id']}/votes", headers=headers,
                             json={"option_ids": [options[index % 3]]})
        assert response.status_code == 201, response.text

    final = voter_stream.wait_for(_tally_of(poll["id"], 24))
    assert final.data["counts"] == {str(options[0]): 8, str(options[1]): 8, str(options[2]): 8}
    seen = onlooker.wait_for(_tally_of(poll["id"], 24))
    assert seen.data["counts"] is None
    # Coalescing is a rule of the log, whatever the speed of the machine: tallies of one poll
    # are at least 0.9 x the interval apart, so one vote never means one event.
    with context.sessions() as db:
        times = list(db.scalars(select(InteractionEvent.created_at).where(
            InteractionEvent.subject_id == poll["id"], InteractionEvent.name == POLL_TALLY)
            .order_by(InteractionEvent.id)))
    assert len(times) < 24
    assert all(later - earlier >= timedelta(seconds=0.2) for earlier, later in itertools.pairwise(times))


def test_comments_appear_when_approved_and_vanish_when_hidden(client: TestClient, world: World,
                                                              live_server: LiveServer,
                                                              readers: list[SseReader]) -> None:
    client.put(f"/api/v1/interactive-episodes/{world.episode_id}/moderation", headers=world.creator.headers,
               json={"approval": "all"})
    stream = SseReader(_live_url(live_server.url, world))
    readers.append(stream)
    queued = world.comment(client, world.alice, "<i>waiting</i>", 42_000).json()
    client.post(f"/api/v1/interactions/{queued['id']}/moderation", headers=world.creator.headers,
                json={"action": "approve"})
    approved = stream.wait_for(lambda message: message.event == COMMENT_APPROVED)
    assert (approved.data["id"], approved.data["text"], approved.data["at_ms"]) == (queued["id"], "<i>waiting</i>",
                                                                                    42_000)
    assert [message.event for message in stream.messages].count(COMMENT_APPROVED) == 1  # not when queued
    client.post(f"/api/v1/interactions/{queued['id']}/moderation", headers=world.creator.headers,
                json={"action": "hide"})
    assert stream.wait_for(lambda message: message.event == COMMENT_HIDDEN).data["id"] == queued["id"]


def test_pinned_answers_are_announced(client: TestClient, world: World, live_server: LiveServer,
                                      readers: list[SseReader]) -> None:
    question = world.question(client)
    stream = SseReader(_live_url(live_server.url, world))
    readers.append(stream)
    answer = client.post(f"/api/v1/questions/{question['id']}/answers", headers=world.alice.headers,
                         json={"text": "publish me", "share_consent": True}).json()
    client.post(f"/api/v1/interactions/{answer['id']}/moderation", headers=world.creator.headers,
                json={"action": "pin"})
    pinned = stream.wait_for(lambda message: message.event == ANSWER_PINNED)
    assert pinned.data["text"] == "publish me" and pinned.data["pinned"] is True


def test_resuming_with_last_event_id_replays_exactly_what_was_missed(
        client: TestClient, world: World, live_server: LiveServer, readers: list[SseReader]) -> None:
    first = SseReader(_live_url(live_server.url, world))
    readers.append(first)
    world.comment(client, world.alice, "before the drop", 1000)
    last = first.wait_for(lambda message: message.event == COMMENT_APPROVED)
    first.close()
    missed = [world.comment(client, world.alice, f"while away {n}", 2000 + n).json()["id"] for n in range(3)]
    poll = world.poll(client)
    resumed = SseReader(_live_url(live_server.url, world), {"Last-Event-ID": str(last.id)})
    readers.append(resumed)
    resumed.wait_for(lambda message: message.event == POLL_OPENED and message.data["id"] == poll["id"])
    replayed = [message for message in resumed.messages if message.event == COMMENT_APPROVED]
    assert [message.data["id"] for message in replayed] == missed
    ids = [message.id for message in resumed.messages if message.id is not None]
    assert ids == sorted(set(ids)) and min(ids) > (last.id or 0)


def test_a_reader_that_stops_reading_stalls_no_one(client: TestClient, world: World, live_server: LiveServer,
                                                   readers: list[SseReader]) -> None:
    host, port = live_server.url.removeprefix("http://").split(":")
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect((host, int(port)))
    stalled.sendall(f"GET /api/v1/interactive-episodes/{world.episode_id}/live HTTP/1.1\r\nHost: {host}\r\n\r\n"
                    .encode())
    assert b"200" in stalled.recv(64)  # connected; from now on it reads nothing
    healthy = SseReader(_live_url(live_server.url, world))
    readers.append(healthy)
    text = "long comment " * 150  # ~2 kB each: far more than the stalled socket's buffers hold
    posted = [world.comment(client, world.alice, f"{n} {text}", n).json()["id"] for n in range(400)]
    healthy.wait_for(lambda message: message.event == COMMENT_APPROVED and message.data["id"] == posted[-1])
    assert [m.data["id"] for m in healthy.messages if m.event == COMMENT_APPROVED] == posted
    assert client.get(f"/api/v1/interactive-episodes/{world.episode_id}/timeline").status_code == 200
    # Once it reads again, the stalled reader catches up with everything, in order.
    stalled.settimeout(30)
    received = b""
    while f'"id":{posted[-1]},'.encode() not in received:
        chunk = stalled.recv(1 << 16)
        assert chunk, "the stalled stream was closed instead of catching up"
        received += chunk
    found = [int(part.split(b",", 1)[0]) for part in received.split(b'data: {"id":')[1:]]
    assert found == posted
    stalled.close()


def _serve(app: FastAPI) -> tuple[uvicorn.Server, threading.Thread, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the second worker did not start"
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{port}"


def test_events_fan_out_across_workers(client: TestClient, world: World, live_server: LiveServer,
                                       settings: Settings, readers: list[SseReader]) -> None:
    """Two workers share only the database: a vote on one reaches a listener of the other."""
    other_context: ServiceContext = build_context(settings)
    other_app = create_app(context=other_context)
    server, thread, other_url = _serve(other_app)
    try:
        poll = world.poll(client)
        listener = SseReader(_live_url(other_url, world), world.creator.headers)
        readers.append(listener)
        world.comment(client, world.alice, "from worker one", 500)
        assert listener.wait_for(lambda message: message.event == COMMENT_APPROVED).data["text"] == "from worker one"
        vote = httpx.post(f"{live_server.url}/api/v1/polls/{poll['id']}/votes", headers=world.alice.headers,
                          json={"option_ids": [poll["options"][2]["id"]]})
        assert vote.status_code == 201
        tally: Message = listener.wait_for(_tally_of(poll["id"], 1))  # type: ignore[arg-type]
        assert tally.data["counts"] == {str(poll["options"][2]["id"]): 1}
    finally:
        for reader in readers:
            reader.close()
        server.should_exit = True
        thread.join(timeout=10)
        hub = getattr(other_app.state, "interactive_hub", None)
        if hub is not None:
            hub.stop()
        other_context.engine.dispose()


def test_unknown_episodes_have_no_stream(client: TestClient, live_server: LiveServer) -> None:
    assert httpx.get(f"{live_server.url}/api/v1/interactive-episodes/999/live").status_code == 404
