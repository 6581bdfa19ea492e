"""An interactive episode on the real service, and a signed-in listener's client of it."""

from __future__ import annotations

from typing import Any

from account.client import ServiceClient
from library.paths import resolve_paths
from tests.account.liveservice import LiveService
from tests.service.interactive.world import World, build_world
from tests.support.httpserver import LocalHTTPServer

ALICE_PASSWORD = "alice-long-password"


def interactive_world(service: LiveService, feeds: LocalHTTPServer) -> World:
    """A creator, a claimed show with one 30-minute interactive episode, listeners alice and bob."""
    return build_world(service.api, feeds)


def alice_client(service: LiveService, **kwargs: Any) -> ServiceClient:
    client = ServiceClient(service.url, lock_file=resolve_paths().data / "account.lock", **kwargs)
    client.sign_in("alice", ALICE_PASSWORD, device_name="alice's desktop")
    return client


def poll_as(service: LiveService, world: World, poll_id: int, who: str = "alice") -> dict[str, Any]:
    account = getattr(world, who)
    return dict(service.json("GET", f"/api/v1/polls/{poll_id}", account.access_token))


def visible_comments(service: LiveService, world: World) -> list[dict[str, Any]]:
    return list(service.json("GET", f"/api/v1/interactive-episodes/{world.episode_id}/comments"))
