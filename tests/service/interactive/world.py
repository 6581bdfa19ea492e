"""Builds an interactive world through the public API: a creator with a claimed show and one
interactive episode (30 minutes long), and two listeners."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.service.conftest import Account, sign_up
from tests.service.world import claim_show
from tests.support.httpserver import LocalHTTPServer

DURATION_MS = 30 * 60 * 1000
_keys = itertools.count(1)


def new_key() -> str:
    return f"test-key-{next(_keys):06d}"


@dataclass
class World:
    creator: Account
    alice: Account
    bob: Account
    show_id: int
    episode_id: int
    feed_url: str

    def poll(self, client: TestClient, **fields: Any) -> dict[str, Any]:
        body = {"prompt": "Best segment?", "options": ["Intro", "Interview", "Outro"], "anchor_ms": 60_000, **fields}
        response = client.post(f"/api/v1/interactive-episodes/{self.episode_id}/polls", headers=self.creator.headers,
                               json=body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def question(self, client: TestClient, **fields: Any) -> dict[str, Any]:
        body = {"prompt": "What should we cover next?", "anchor_ms": 120_000, **fields}
        response = client.post(f"/api/v1/interactive-episodes/{self.episode_id}/questions",
                               headers=self.creator.headers, json=body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def comment(self, client: TestClient, who: Account, text: str, at_ms: int, **fields: Any) -> Any:
        return client.post(f"/api/v1/interactive-episodes/{self.episode_id}/comments", headers=who.headers,
                           json={"text": text, "at_ms": at_ms, **fields})


def build_world(client: TestClient, server: LocalHTTPServer, *, prefix: str = "") -> World:
    creator = sign_up(client, f"{prefix}creator")
    alice = sign_up(client, f"{prefix}alice")
    bob = sign_up(client, f"{prefix}bob")
    _claim_id, show_id = claim_show(client, server, creator, title="Timed Talk", path=f"/{prefix}timed.xml")
    feed_url = client.get(f"/api/v1/shows/{show_id}", headers=creator.headers).json()["feed_url"]
    response = client.post(f"/api/v1/shows/{show_id}/interactive-episodes", headers=creator.headers,
                           json={"guid": "urn:uuid:episode-12", "title": "Episode 12", "duration_ms": DURATION_MS})
    assert response.status_code == 201, response.text
    return World(creator=creator, alice=alice, bob=bob, show_id=show_id, episode_id=response.json()["id"],
                 feed_url=feed_url)


def settled_snapshot(app: Any, context: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row, once the live hub has written the tallies of votes already counted (they are
    written asynchronously, a fraction of a second later)."""
    from tests.service.rows import snapshot

    hub = getattr(app.state, "interactive_hub", None)
    if hub is not None:
        assert hub.settle()
    with context.sessions() as db:
        return snapshot(db)


def seed_listeners(context: Any, count: int, *, prefix: str = "voter") -> list[dict[str, str]]:
    """``count`` signed-in listeners created directly (sign-up through the API is rate limited);
    returns their bearer headers."""
    from service import accounts

    headers = []
    with context.sessions() as db:
        for index in range(count):
            user = accounts.sign_up(db, context, email=f"{prefix}{index}@example.org", username=f"{prefix}{index}",
                                    password="voter-password-1")
            tokens = accounts.open_session(db, context, user=user, device_name="test")
            headers.append({"Authorization": f"Bearer {tokens.access_token}"})
        db.commit()
    return headers


def vote_together(url: str, requests: list[tuple[dict[str, str], dict[str, Any]]]) -> list[httpx.Response]:
    """POST every (headers, body) from its own thread, released at the same moment; answers in order."""
    barrier = threading.Barrier(len(requests))
    responses: list[httpx.Response | None] = [None] * len(requests)

    def send(index: int) -> None:
        headers, body = requests[index]
        with httpx.Client(timeout=60) as http:
            barrier.wait()
            responses[index] = http.post(url, headers=headers, json=body)

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(response is not None for response in responses)
    return [response for response in responses if response is not None]
