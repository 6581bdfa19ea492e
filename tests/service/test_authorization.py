"""Every route that takes an id in its path, called by another account with the victim's ids,
answers 403 or 404 and changes nothing. The routes come from the application's route table, so
a new route without an entry here fails this test instead of being forgotten.

Other parts of the service extend the matrix without editing this file: a module listed in
:data:`EXTENSIONS` provides ``victim_ids(client, context, store) -> dict[str, str]`` (creates the
victim's objects, returns path parameter values) and ``BODIES`` (valid bodies per route).
"""

from __future__ import annotations

import importlib
import re
import time
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from service.context import ServiceContext
from tests.service.conftest import sign_up
from tests.service.rows import snapshot
from tests.service.test_gpodder import app_password, basic
from tests.service.world import AUDIO, build_store
from tests.support.httpserver import LocalHTTPServer

EXTENSIONS = ("tests.service.interactive.authz",)

# Routes whose path parameter is not an account's object, with the reason.
EXEMPT = {
    "/test-provider/checkout/{reference}": "the provider's checkout page: an unguessable capability URL, as Stripe's",
    "/test-provider/checkout/{reference}/pay": "the provider's checkout page: an unguessable capability URL",
    "/test-provider/checkout/{reference}/cancel": "the provider's checkout page: an unguessable capability URL",
}

# Bodies that would be accepted if the caller were the owner, so the refusal is about ownership.
BODIES: dict[str, dict[str, Any]] = {
    "PUT /api/v1/shows/{show_id}/source": {"json": {"url": "http://127.0.0.1:9/feed.xml"}},
    "POST /api/v1/shows/{show_id}/episodes": {"data": {"title": "x"}, "files": {"media": ("x.mp3", AUDIO, "audio/mpeg")}},
    "POST /api/v1/shows/{show_id}/prices": {"json": {"amount_cents": 100}},
    "POST /api/2/devices/{username}/{device_id}.json": {"json": {"caption": "taken over"}},
    "POST /api/2/subscriptions/{username}/{device_id}.json": {"json": {"add": ["http://evil.example/feed"]}},
    "POST /api/2/episodes/{username}.json": {"json": [{"podcast": "http://evil.example/f", "action": "download",
                                                       "episode": "http://evil.example/1.mp3"}]},
    "POST /api/2/sync-devices/{username}.json": {"json": {"synchronize": [], "stop-synchronize": ["phone"]}},
    "PUT /subscriptions/{username}/{device_file}": {"json": ["http://evil.example/feed"]},
    "POST /creator/shows/{show_id}/prices": {"data": {"amount": "1.00", "currency": "USD"}},
    "POST /creator/claims/{claim_id}/verify": {"data": {}},
}


def routes_with_ids(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    found = []
    for context in iter_route_contexts(app.routes):
        route = getattr(context, "route", context)
        path, methods = getattr(context, "path", None), getattr(context, "methods", None)
        if not path or not methods or "{" not in path:
            continue
        for method in sorted(set(methods) - {"HEAD"}):
            found.append((method, path, route))
    return found


def test_the_route_table_is_covered(app: FastAPI) -> None:
    """Guard against the matrix silently shrinking: it sees the id routes we know of."""
    paths = {path for _, path, _ in routes_with_ids(app)}
    assert {"/api/v1/sessions/{session_id}", "/api/v1/shows/{show_id}", "/api/v1/purchases/{purchase_id}",
            "/api/2/episodes/{username}.json", "/feeds/{user_id}/{show_id}/{token}.xml", "/creator/shows/{show_id}"} <= paths
    assert len(paths) >= 25


def test_no_account_can_reach_another_accounts_objects(app: FastAPI, client: TestClient, context: ServiceContext,
                                                       http_server: LocalHTTPServer) -> None:
    store = build_store(client, context, http_server)
    victim = store.listener
    victim_sync = basic(victim.username, app_password(client, victim))
    client.post("/api/2/devices/listener/phone.json", headers=victim_sync, json={"caption": "Victim's phone"})
    client.post("/api/2/subscriptions/listener/phone.json", headers=victim_sync, json={"add": ["http://a.example/f"]})
    victim_app_password = client.get("/api/v1/app-passwords", headers=victim.headers).json()[0]["id"]
    pending = client.post("/api/v1/checkout", headers=victim.headers, json={"price_id": store.episode_price_id})
    assert pending.status_code == 409  # the show purchase already covers the episode

    attacker = sign_up(client, "mallory")
    client.cookies.clear()
    attacker_sync = basic("mallory", app_password(client, attacker))
    assert client.get("/api/2/devices/mallory.json", headers=attacker_sync).status_code == 200  # opens its session
    signed_in = client.post("/signin", data={"login": "mallory", "password": attacker.password}, follow_redirects=False)
    assert signed_in.status_code == 303  # the pages' cookie session
    attacker_csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/creator").text).group(1)

    ids: dict[str, str] = {
        "session_id": str(victim.session_id),
        "app_password_id": str(victim_app_password),
        "claim_id": str(store.claim_id),
        "show_id": str(store.show_id),
        "price_id": str(store.price_id),
        "purchase_id": str(store.purchase_id),
        "episode_id": str(store.episode_id),
        "user_id": str(victim.id),
        "token": "A" * 43,
        "username": victim.username,
        "username_file": f"{victim.username}.json",
        "device_id": "phone",
        "device_file": "phone.json",
    }
    bodies, exempt = dict(BODIES), dict(EXEMPT)
    for extension in _extensions():
        ids.update(extension.victim_ids(client, context, store))
        bodies.update(extension.BODIES)
        exempt.update(getattr(extension, "EXEMPT", {}))
    checked = 0
    for method, path, route in routes_with_ids(app):
        if path in exempt:
            continue
        names = [part.strip("{}").split(":")[0] for part in path.split("/") for part in _params(part)]
        missing = [name for name in names if name not in ids]
        assert not missing, f"{method} {path}: add the path parameter(s) {missing} to this authorization matrix"
        url = path
        for name in names:
            url = url.replace("{" + name + "}", ids[name])
        key = f"{method} {path}"
        if getattr(route, "body_field", None) is not None and key not in bodies:
            pytest.fail(f"{key} takes a body: add a valid example to BODIES")
        kwargs = dict(bodies.get(key, {}))
        headers = dict(attacker_sync if path.startswith(("/api/2/", "/subscriptions/")) else attacker.headers)
        if path.startswith("/creator/"):  # pages: the cookie session, with a valid CSRF token of the attacker
            headers = {}
            if method == "POST":
                kwargs["data"] = {**kwargs.get("data", {}), "csrf": attacker_csrf}
        if path.startswith("/media/"):
            url += f"?u={attacker.id}&exp={int(time.time()) + 600}&sig={'B' * 43}"
        with context.sessions() as db:
            before = snapshot(db)
        response = client.request(method, url, headers=headers, follow_redirects=False, **kwargs)
        assert response.status_code in (403, 404), f"{key} answered {response.status_code}: {response.text[:200]}"
        with context.sessions() as db:
            assert snapshot(db) == before, f"{key} changed data it was refused"
        checked += 1
    assert checked >= 25


def _extensions() -> list[Any]:
    found = []
    for name in EXTENSIONS:
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return found


def _params(segment: str) -> list[str]:
    """The ``{name}`` parts of one path segment (a segment may hold text around them)."""
    found, rest = [], segment
    while "{" in rest:
        start = rest.index("{")
        end = rest.index("}", start)
        found.append(rest[start:end + 1])
        rest = rest[end + 1:]
    return found
