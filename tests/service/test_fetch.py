"""The guarded fetch of creators' feeds: internal addresses are refused by what a name resolves
to (not by how it is spelled), and the connection goes to the very address that was checked, so
a second DNS answer cannot swap in another one (DNS rebinding).

Name resolution is replaced by a scripted resolver for names under ``castwise.test`` only; every
connection still goes to the real test server on 127.0.0.1.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.context import ServiceContext
from service.fetch import FetchError, fetch_bytes
from tests.service.conftest import sign_up
from tests.service.world import feed_xml
from tests.support.httpserver import LocalHTTPServer, Resource

FEED = feed_xml(title="Pinned")


@pytest.fixture
def scripted_dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, list[str]], list[str]]]:
    """``script(name, answers)``: each lookup of ``name`` returns the next answer (the last one
    repeats); returns the list of answers handed out so far."""
    real = socket.getaddrinfo
    scripts: dict[str, tuple[list[str], list[str]]] = {}

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host in scripts:
            answers, given = scripts[host]
            address = answers[min(len(given), len(answers) - 1)]
            given.append(address)
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sockaddr = (address, int(port or 0), 0, 0) if family == socket.AF_INET6 else (address, int(port or 0))
            return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr)]
        return real(host, port, *args, **kwargs)

    def script(name: str, answers: list[str]) -> list[str]:
        given: list[str] = []
        scripts[name] = (answers, given)
        return given

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    yield script


def _fetch(url: str, *, allow_internal: bool) -> bytes:
    return fetch_bytes(url, timeout_s=5.0, max_bytes=1_000_000, allow_internal=allow_internal)


def test_a_name_resolving_to_loopback_is_refused_unless_internal_fetches_are_allowed(
        http_server: LocalHTTPServer) -> None:
    http_server.add("/feed.xml", Resource(body=FEED, content_type="application/rss+xml"))
    url = f"http://localhost:{http_server.port}/feed.xml"
    with pytest.raises(FetchError, match="internal address"):
        _fetch(url, allow_internal=False)
    assert http_server.requests_for("/feed.xml") == []  # refused before connecting

    assert _fetch(url, allow_internal=True) == FEED
    [request] = http_server.requests_for("/feed.xml")
    assert request.headers["Host"] == f"localhost:{http_server.port}"  # the name, not the pinned address


def test_the_connection_goes_to_the_address_that_was_checked(http_server: LocalHTTPServer,
                                                             scripted_dns: Callable[[str, list[str]], list[str]]) -> None:
    """A rebinding name answers 127.0.0.1 first and 127.0.0.2 (where nothing listens) after:
    the fetch works only if it connects to the first, checked answer without asking again."""
    http_server.add("/feed.xml", Resource(body=FEED, content_type="application/rss+xml"))
    given = scripted_dns("rebind.castwise.test", ["127.0.0.1", "127.0.0.2"])
    assert _fetch(f"http://rebind.castwise.test:{http_server.port}/feed.xml", allow_internal=True) == FEED
    assert given == ["127.0.0.1"]  # resolved exactly once
    assert http_server.requests_for("/feed.xml")[0].headers["Host"] == f"rebind.castwise.test:{http_server.port}"


def test_every_redirect_hop_is_resolved_checked_and_pinned(http_server: LocalHTTPServer,
                                                           scripted_dns: Callable[[str, list[str]], list[str]]) -> None:
    given = scripted_dns("moved.castwise.test", ["127.0.0.1", "127.0.0.2"])
    http_server.add("/new.xml", Resource(body=FEED, content_type="application/rss+xml"))
    start = http_server.add("/old.xml", Resource(status=302, redirect_to=f"http://moved.castwise.test:{http_server.port}/new.xml"))
    assert _fetch(start, allow_internal=True) == FEED
    assert given == ["127.0.0.1"]


def test_a_name_with_any_internal_answer_is_refused(http_server: LocalHTTPServer,
                                                    scripted_dns: Callable[[str, list[str]], list[str]]) -> None:
    scripted_dns("mapped.castwise.test", ["::ffff:127.0.0.1"])
    with pytest.raises(FetchError, match="internal address"):
        _fetch(f"http://mapped.castwise.test:{http_server.port}/feed.xml", allow_internal=False)
    scripted_dns("private.castwise.test", ["10.1.2.3"])
    with pytest.raises(FetchError, match="internal address"):
        _fetch("http://private.castwise.test/feed.xml", allow_internal=False)
    scripted_dns("linklocal.castwise.test", ["169.254.169.254"])
    with pytest.raises(FetchError, match="internal address"):
        _fetch("http://linklocal.castwise.test/latest/meta-data/", allow_internal=False)


def test_a_claim_of_a_localhost_feed_is_refused_unless_allowed(client: TestClient, context: ServiceContext,
                                                               http_server: LocalHTTPServer) -> None:
    creator = sign_up(client, "creator")
    url = f"http://localhost:{http_server.port}/claimed.xml"
    claim = client.post("/api/v1/claims", headers=creator.headers, json={"feed_url": url}).json()
    http_server.add("/claimed.xml", Resource(body=feed_xml(title="Mine", token=claim["token"]),
                                             content_type="application/rss+xml"))
    allowed = context.settings
    context.settings = replace(allowed, allow_internal_fetch=False)
    refused = client.post(f"/api/v1/claims/{claim['id']}/verify", headers=creator.headers)
    assert refused.status_code == 422 and "internal address" in refused.json()["detail"]
    assert http_server.requests_for("/claimed.xml") == []
    context.settings = allowed
    verified = client.post(f"/api/v1/claims/{claim['id']}/verify", headers=creator.headers)
    assert verified.status_code == 200 and verified.json()["status"] == "verified"
