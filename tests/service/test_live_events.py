"""A signed-in app hears at once, over server-sent events, when an entitlement is granted or revoked."""

from __future__ import annotations

import asyncio
import json
import queue
import threading
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from protocol.events import ENTITLEMENT_GRANTED, ENTITLEMENT_REVOKED
from service.context import build_context
from service.events import LiveEvent
from service.payments import CHARGE_REFUNDED
from service.settings import Settings
from tests.service.conftest import LiveServer, postgres_database, sign_up
from tests.service.world import buy, claim_show, deliver
from tests.support.httpserver import LocalHTTPServer
from tests.support.postgres import PostgresServer


def _listen(url: str, token: str, events: queue.Queue[tuple[str, dict[str, object]]], ready: threading.Event) -> None:
    with httpx.Client(timeout=30) as web, web.stream("GET", url + "/api/v1/events",
                                                     headers={"Authorization": f"Bearer {token}"}) as response:
        name = ""
        for line in response.iter_lines():
            if line.startswith(": connected"):
                ready.set()
            elif line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: ") and name:
                events.put((name, json.loads(line.removeprefix("data: "))))
                if name == ENTITLEMENT_REVOKED:
                    return


def test_grants_and_revocations_arrive_on_the_account_stream(client: TestClient, live_server: LiveServer,
                                                              http_server: LocalHTTPServer) -> None:
    context = live_server.context
    creator = sign_up(client, "creator")
    listener = sign_up(client, "listener")
    _, show_id = claim_show(client, http_server, creator)
    price = client.post(f"/api/v1/shows/{show_id}/prices", headers=creator.headers, json={"amount_cents": 300}).json()

    events: queue.Queue[tuple[str, dict[str, object]]] = queue.Queue()
    ready = threading.Event()
    listener_thread = threading.Thread(target=_listen, args=(live_server.url, listener.access_token, events, ready),
                                       daemon=True)
    listener_thread.start()
    assert ready.wait(20)
    _, reference = buy(client, context, listener, price["id"])
    name, payload = events.get(timeout=20)
    assert name == ENTITLEMENT_GRANTED and payload["show_id"] == show_id and payload["reason"] == "purchase"
    deliver(client, context, CHARGE_REFUNDED, reference)
    name, payload = events.get(timeout=20)
    assert name == ENTITLEMENT_REVOKED and payload["reason"] == "refunded"
    listener_thread.join(timeout=20)
    assert not listener_thread.is_alive()


def test_the_stream_needs_a_signed_in_account(client: TestClient) -> None:
    assert client.get("/api/v1/events").status_code == 401


def test_an_event_published_by_one_worker_reaches_a_stream_on_another(postgres_server: PostgresServer,
                                                                       tmp_path: Path) -> None:
    """Two service contexts on one PostgreSQL database stand in for two worker processes."""
    databases = postgres_database(postgres_server)
    url = next(databases)
    settings = Settings(data_dir=tmp_path, database_url=url, secret_key="s" * 40).validated()
    publisher, streamer = build_context(settings), build_context(settings)
    try:
        async def scenario() -> tuple[LiveEvent, bool]:
            queue = streamer.events.subscribe(7)
            other = streamer.events.subscribe(8)
            publisher.events.publish(7, LiveEvent(name=ENTITLEMENT_GRANTED, data='{"entitlement_id": 1}'))
            event = await asyncio.wait_for(queue.get(), timeout=20)
            return event, other.empty()

        event, other_account_heard_nothing = asyncio.run(scenario())
        assert event == LiveEvent(name=ENTITLEMENT_GRANTED, data='{"entitlement_id": 1}')
        assert other_account_heard_nothing
    finally:
        publisher.close()
        streamer.close()
        databases.close()
