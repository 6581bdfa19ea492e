"""NUL characters (which PostgreSQL text cannot hold) sent to the sync API and the pages get a
clear 4xx and change nothing, on both databases."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from service.context import ServiceContext
from tests.service.conftest import sign_up
from tests.service.rows import snapshot
from tests.service.test_gpodder import app_password, basic
from tests.service.world import AUDIO, claim_show
from tests.support.httpserver import LocalHTTPServer

NUL = "\u0000"


def test_nul_characters_in_sync_uploads_and_forms_are_refused(client: TestClient, context: ServiceContext) -> None:
    listener = sign_up(client, "listener")
    sync = basic("listener", app_password(client, listener))
    assert client.post("/signin", data={"login": "listener", "password": listener.password},
                       follow_redirects=False).status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/creator").text).group(1)
    attempts = [
        ("POST", "/api/2/devices/listener/phone.json", {"headers": sync, "json": {"caption": f"a{NUL}b"}}),
        ("POST", "/api/2/devices/listener/ph%00one.json", {"headers": sync, "json": {"caption": "x"}}),
        ("POST", "/api/2/subscriptions/listener/phone.json",
         {"headers": sync, "json": {"add": [f"http://example.org/f{NUL}eed"]}}),
        ("POST", "/api/2/episodes/listener.json",
         {"headers": sync, "json": [{"podcast": "http://example.org/f", "episode": f"http://example.org/1{NUL}.mp3",
                                     "action": "download", "device": "phone"}]}),
        ("POST", "/api/2/episodes/listener.json",
         {"headers": sync, "json": [{"podcast": "http://example.org/f", "episode": "http://example.org/1.mp3",
                                     "action": "download", "device": f"ph{NUL}one", "guid": f"g{NUL}"}]}),
        ("PUT", "/subscriptions/listener/phone.txt", {"headers": sync, "content": f"http://example.org/{NUL}f\n"}),
        ("PUT", "/subscriptions/listener/phone.json", {"headers": {**sync, "Content-Type": "application/json"},
                                                       "content": '["http://example.org/\\u0000f"]'}),
        ("GET", "/api/2/episodes/listener.json?podcast=http://example.org/%00", {"headers": sync}),
        ("POST", "/creator/claims", {"data": {"feed_url": f"http://example.org/{NUL}", "csrf": csrf}}),
    ]
    for method, url, kwargs in attempts:
        with context.sessions() as db:
            before = snapshot(db)
        response = client.request(method, url, follow_redirects=False, **kwargs)
        assert 400 <= response.status_code < 500, f"{method} {url} {kwargs}: {response.status_code} {response.text[:200]}"
        with context.sessions() as db:
            assert snapshot(db) == before, f"{method} {url} changed data"


def test_nul_characters_in_an_upload_title_are_refused(client: TestClient, context: ServiceContext,
                                                       http_server: LocalHTTPServer) -> None:
    creator = sign_up(client, "creator")
    _, show_id = claim_show(client, http_server, creator)
    response = client.post(f"/api/v1/shows/{show_id}/episodes", headers=creator.headers, data={"title": f"a{NUL}b"},
                           files={"media": ("bonus.mp3", AUDIO, "audio/mpeg")})
    assert response.status_code == 422
    assert client.get(f"/api/v1/shows/{show_id}/episodes", headers=creator.headers).json() == []
