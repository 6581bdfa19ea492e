"""Claims of a show another creator already owns: proving control of the feed is recorded and
told to the owner, but the show changes hands only when an operator approves, after the feed is
checked again. A show orphaned by a deleted account goes to whoever proves control."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from service.context import ServiceContext
from service.mailer import OutboxMailer
from service.models import User
from tests.service.conftest import Account, sign_up
from tests.service.world import Store, build_store, feed_xml
from tests.support.httpserver import LocalHTTPServer, Resource


def _show_titles(client: TestClient, account: Account) -> list[str]:
    return [show["title"] for show in client.get("/api/v1/shows", headers=account.headers).json()]


def _mail_subjects(context: ServiceContext, account: Account) -> list[str]:
    assert isinstance(context.mailer, OutboxMailer)
    return [message["subject"] for message in context.mailer.messages() if message["to"] == account.email]


def _rival_claim(client: TestClient, http_server: LocalHTTPServer, store: Store, name: str = "rival",
                 ) -> tuple[Account, dict[str, object], str]:
    rival = sign_up(client, name)
    feed_url = client.get(f"/api/v1/shows/{store.show_id}", headers=store.creator.headers).json()["feed_url"]
    claim = client.post("/api/v1/claims", headers=rival.headers, json={"feed_url": feed_url}).json()
    path = feed_url.split(str(http_server.port), 1)[1]
    http_server.add(path, Resource(body=feed_xml(title="Deep Dives", token=str(claim["token"])),
                                   content_type="application/rss+xml"))
    return rival, claim, path


def _make_admin(client: TestClient, context: ServiceContext, name: str) -> Account:
    admin = sign_up(client, name)
    with context.sessions() as db:
        user = db.get(User, admin.id)
        assert user is not None
        user.is_admin = True
        db.commit()
    return admin


def test_proving_control_of_an_owned_feed_waits_for_an_operator(client: TestClient, context: ServiceContext,
                                                                 http_server: LocalHTTPServer) -> None:
    store = build_store(client, context, http_server)
    rival, claim, path = _rival_claim(client, http_server, store)

    verified = client.post(f"/api/v1/claims/{claim['id']}/verify", headers=rival.headers)
    assert verified.status_code == 200
    assert (verified.json()["status"], verified.json()["show_id"]) == ("awaiting-approval", None)
    assert _show_titles(client, store.creator) == ["Deep Dives"]  # the owner keeps the show...
    assert _show_titles(client, rival) == []  # ...and the rival cannot manage it
    assert client.get(f"/api/v1/shows/{store.show_id}/sales", headers=rival.headers).status_code == 404
    assert any("take over Deep Dives" in subject for subject in _mail_subjects(context, store.creator))

    # Only operators decide.
    assert client.get("/api/v1/admin/claims", headers=rival.headers).status_code == 403
    assert client.post(f"/api/v1/admin/claims/{claim['id']}/approve", headers=rival.headers).status_code == 403
    admin = _make_admin(client, context, "operator")
    [review] = client.get("/api/v1/admin/claims", headers=admin.headers).json()
    assert (review["claimant_username"], review["current_owner_username"]) == ("rival", "creator")

    # The approval checks the feed again: the token gone means no transfer.
    http_server.add(path, Resource(body=feed_xml(title="Deep Dives"), content_type="application/rss+xml"))
    stale = client.post(f"/api/v1/admin/claims/{claim['id']}/approve", headers=admin.headers)
    assert stale.status_code == 422
    assert _show_titles(client, store.creator) == ["Deep Dives"]

    http_server.add(path, Resource(body=feed_xml(title="Deep Dives", token=str(claim["token"])),
                                   content_type="application/rss+xml"))
    approved = client.post(f"/api/v1/admin/claims/{claim['id']}/approve", headers=admin.headers)
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["show_id"]) == ("verified", store.show_id)
    assert _show_titles(client, rival) == ["Deep Dives"]
    assert _show_titles(client, store.creator) == []
    original = client.get(f"/api/v1/claims/{store.claim_id}", headers=store.creator.headers).json()
    assert original["status"] == "transferred"
    assert any("transferred" in subject for subject in _mail_subjects(context, store.creator))
    # The listener who bought the show keeps it through the transfer.
    payload = json.loads(client.get("/api/v1/entitlements", headers=store.listener.headers).json()["payload"])
    assert [row["show_id"] for row in payload["entitlements"]] == [store.show_id]


def test_a_rejected_takeover_changes_nothing_and_stays_rejected(client: TestClient, context: ServiceContext,
                                                                http_server: LocalHTTPServer) -> None:
    store = build_store(client, context, http_server)
    rival, claim, _ = _rival_claim(client, http_server, store)
    client.post(f"/api/v1/claims/{claim['id']}/verify", headers=rival.headers)
    admin = _make_admin(client, context, "operator")
    rejected = client.post(f"/api/v1/admin/claims/{claim['id']}/reject", headers=admin.headers)
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert client.post(f"/api/v1/claims/{claim['id']}/verify", headers=rival.headers).status_code == 409
    assert client.post(f"/api/v1/admin/claims/{claim['id']}/approve", headers=admin.headers).status_code == 409
    assert _show_titles(client, store.creator) == ["Deep Dives"]
    assert _show_titles(client, rival) == []


def test_a_show_orphaned_by_a_deleted_account_goes_to_whoever_proves_control(
        client: TestClient, context: ServiceContext, http_server: LocalHTTPServer) -> None:
    store = build_store(client, context, http_server)
    assert client.request("DELETE", "/api/v1/account", headers=store.creator.headers,
                          json={"password": store.creator.password}).status_code == 204
    successor, claim, _ = _rival_claim_after_deletion(client, http_server, store)
    verified = client.post(f"/api/v1/claims/{claim['id']}/verify", headers=successor.headers).json()
    assert (verified["status"], verified["show_id"]) == ("verified", store.show_id)
    assert _show_titles(client, successor) == ["Deep Dives"]


def _rival_claim_after_deletion(client: TestClient, http_server: LocalHTTPServer, store: Store,
                                ) -> tuple[Account, dict[str, object], str]:
    successor = sign_up(client, "successor")
    path = "/creator.xml"  # where build_store's creator published the feed
    claim = client.post("/api/v1/claims", headers=successor.headers, json={"feed_url": http_server.url(path)}).json()
    http_server.add(path, Resource(body=feed_xml(title="Deep Dives", token=str(claim["token"])),
                                   content_type="application/rss+xml"))
    return successor, claim, path
