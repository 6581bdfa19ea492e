"""A signed-in app hears at once, over server-sent events, when an entitlement is granted or revoked."""

from __future__ import annotations

import json
import queue
import threading

import httpx
from fastapi.testclient import TestClient

from protocol.events import ENTITLEMENT_GRANTED, ENTITLEMENT_REVOKED
from service.payments import CHARGE_REFUNDED
from tests.service.conftest import LiveServer, sign_up
from tests.service.world import buy, claim_show, deliver
from tests.support.httpserver import LocalHTTPServer


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
