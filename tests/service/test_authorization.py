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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel

from service.context import ServiceContext
from tests.service.conftest import Account, sign_up
from tests.service.rows import snapshot
from tests.service.test_gpodder import app_password, basic
from tests.service.world import AUDIO, Store, build_store, claim_show, upload
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


# Routes whose request body names an object by id (a field ending in ``_id``/``_ids``): found in
# the route table like the path ids above, each needs an attacker case in BODY_ID_CASES or an
# entry here with the reason.
BODY_ID_EXEMPT = {
    "POST /api/v1/checkout": "price_id names the public catalogue: buying any listed price is the point",
    "POST /store/buy": "the page form of POST /api/v1/checkout (public catalogue)",
}


@dataclass
class BodyWorld:
    store: Store
    ids: dict[str, str]
    attacker: Account
    attacker_show: int
    attacker_episode: int
    attacker_poll_option: int
    csrf: str


Case = Callable[[BodyWorld], tuple[str, dict[str, Any]]]

# Each case: the attacker's request naming the victim's object in the body, from a place the
# attacker may use (their own show, a public episode), so only the body id is wrong.
BODY_ID_CASES: dict[str, Case] = {
    "POST /api/v1/shows/{show_id}/prices": lambda w: (
        f"/api/v1/shows/{w.attacker_show}/prices",
        {"headers": w.attacker.headers, "json": {"amount_cents": 100, "episode_id": w.store.episode_id}}),
    "POST /creator/shows/{show_id}/prices": lambda w: (
        f"/creator/shows/{w.attacker_show}/prices",
        {"data": {"amount": "1.00", "currency": "USD", "episode_id": str(w.store.episode_id), "csrf": w.csrf}}),
    "POST /creator/interactive": lambda w: (
        "/creator/interactive",
        {"data": {"show_id": str(w.store.show_id), "guid": "taken", "title": "Mine now", "csrf": w.csrf}}),
    "POST /api/v1/polls/{poll_id}/votes": lambda w: (  # an option of the attacker's own poll
        f"/api/v1/polls/{w.ids['poll_id']}/votes",
        {"headers": w.attacker.headers, "json": {"option_ids": [w.attacker_poll_option]}}),
    "POST /api/v1/interactive-episodes/{interactive_episode_id}/comments": lambda w: (  # the victim's private answer
        f"/api/v1/interactive-episodes/{w.ids['interactive_episode_id']}/comments",
        {"headers": w.attacker.headers, "json": {"text": "a reply", "at_ms": 0, "parent_id": int(w.ids["interaction_id"])}}),
}


def _body_id_fields(route: APIRoute) -> list[str]:
    names: set[str] = set()
    for param in route.dependant.body_params:
        annotation = param.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= set(annotation.model_fields)
        else:
            names.add(param.name)
    return sorted(name for name in names if name.endswith(("_id", "_ids")))


def test_no_account_can_name_another_accounts_objects_in_a_body(app: FastAPI, client: TestClient,
                                                                context: ServiceContext,
                                                                http_server: LocalHTTPServer) -> None:
    store = build_store(client, context, http_server)
    ids: dict[str, str] = {}
    for extension in _extensions():
        ids.update(extension.victim_ids(client, context, store))
    attacker = sign_up(client, "mallory")
    _, attacker_show = claim_show(client, http_server, attacker, title="Mallory's", path="/mallory.xml")
    attacker_episode = upload(client, attacker, attacker_show)
    option = 0
    if "poll_id" in ids:
        episode = client.post(f"/api/v1/shows/{attacker_show}/interactive-episodes", headers=attacker.headers,
                              json={"guid": "mallory-episode", "title": "Mallory's episode"}).json()
        poll = client.post(f"/api/v1/interactive-episodes/{episode['id']}/polls", headers=attacker.headers,
                           json={"prompt": "p", "options": ["a", "b"]}).json()
        option = poll["options"][0]["id"]
    client.cookies.clear()
    assert client.post("/signin", data={"login": "mallory", "password": attacker.password},
                       follow_redirects=False).status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/creator").text).group(1)
    world = BodyWorld(store=store, ids=ids, attacker=attacker, attacker_show=attacker_show,
                      attacker_episode=attacker_episode, attacker_poll_option=option, csrf=csrf)
    cases, exempt = dict(BODY_ID_CASES), dict(BODY_ID_EXEMPT)
    for extension in _extensions():
        cases.update(getattr(extension, "BODY_ID_CASES", {}))
        exempt.update(getattr(extension, "BODY_ID_EXEMPT", {}))
    checked = 0
    for context_ in iter_route_contexts(app.routes):
        route = getattr(context_, "route", context_)
        path, methods = getattr(context_, "path", None), getattr(context_, "methods", None)
        if not isinstance(route, APIRoute) or not path or not methods or not _body_id_fields(route):
            continue
        for method in sorted(set(methods) - {"HEAD"}):
            key = f"{method} {path}"
            if key in exempt:
                continue
            assert key in cases, f"{key} names objects in its body ({_body_id_fields(route)}): add a case to BODY_ID_CASES"
            url, kwargs = cases[key](world)
            with context.sessions() as db:
                before = snapshot(db)
            response = client.request(method, url, follow_redirects=False, **kwargs)
            assert response.status_code in (403, 404, 422), f"{key} answered {response.status_code}: {response.text[:200]}"
            with context.sessions() as db:
                assert snapshot(db) == before, f"{key} changed data it was refused"
            checked += 1
    assert checked >= 3


def test_episode_ids_in_the_price_form_that_name_nothing_are_refused_cleanly(
        client: TestClient, context: ServiceContext, http_server: LocalHTTPServer) -> None:
    creator = sign_up(client, "creator")
    _, show_id = claim_show(client, http_server, creator)
    assert client.post("/signin", data={"login": "creator", "password": creator.password},
                       follow_redirects=False).status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/creator").text).group(1)
    for episode_id in ("999999999999", "\u00b2", "0"):
        response = client.post(f"/creator/shows/{show_id}/prices", follow_redirects=False,
                               data={"amount": "1.00", "currency": "USD", "episode_id": episode_id, "csrf": csrf})
        assert response.status_code in (404, 422), f"{episode_id!r}: {response.status_code}"
    assert client.get(f"/api/v1/shows/{show_id}/prices", headers=creator.headers).json() == []
