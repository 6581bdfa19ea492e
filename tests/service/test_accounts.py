"""Accounts as a listener meets them: sign-up, sign-in, devices, tokens, mail links, export and
deletion. Each test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.context import ServiceContext
from service.mailer import OutboxMailer
from service.models import PremiumEpisode, Show, User
from tests.service.conftest import sign_in, sign_up
from tests.service.rows import rows_owned_by
from tests.service.world import AUDIO, build_store, claim_show, upload
from tests.support.httpserver import LocalHTTPServer


def _mail_token(context: ServiceContext, subject_word: str) -> str:
    assert isinstance(context.mailer, OutboxMailer)
    messages = [m for m in context.mailer.messages() if subject_word in m["subject"]]
    assert messages, "no message was sent"
    found = re.search(r"token=([A-Za-z0-9_\-]+)", messages[-1]["body"])
    assert found
    return found.group(1)


def test_sign_up_sign_in_and_read_the_account(client: TestClient) -> None:
    alice = sign_up(client, "alice")
    me = client.get("/api/v1/account", headers=alice.headers)
    assert me.status_code == 200
    assert me.json()["email"] == "alice@example.org"
    assert me.json()["email_verified"] is False
    assert client.get("/api/v1/account").status_code == 401
    assert client.get("/api/v1/account").headers["www-authenticate"] == "Bearer"


def test_duplicate_accounts_wrong_passwords_and_unknown_fields_are_refused(client: TestClient) -> None:
    sign_up(client, "alice")
    again = client.post("/api/v1/auth/signup",
                        json={"email": "ALICE@example.org", "username": "alice2", "password": "x" * 12})
    assert again.status_code == 409
    wrong = client.post("/api/v1/auth/signin", json={"login": "alice@example.org", "password": "nope-nope-nope"})
    assert wrong.status_code == 401
    extra = client.post("/api/v1/auth/signin",
                        json={"login": "alice@example.org", "password": "alice-long-password", "admin": True})
    assert extra.status_code == 422
    assert "alice-long-password" not in extra.text  # validation errors never echo passwords


def test_refresh_tokens_rotate_and_a_reused_one_signs_the_device_out(client: TestClient) -> None:
    alice = sign_up(client, "alice")
    first = client.post("/api/v1/auth/refresh", json={"refresh_token": alice.refresh_token})
    assert first.status_code == 200
    rotated = first.json()
    assert rotated["refresh_token"] != alice.refresh_token
    new_headers = {"Authorization": f"Bearer {rotated['access_token']}"}
    assert client.get("/api/v1/account", headers=new_headers).status_code == 200

    replay = client.post("/api/v1/auth/refresh", json={"refresh_token": alice.refresh_token})
    assert replay.status_code == 401
    # The whole family is gone: the newest refresh and access tokens stop working too.
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]}).status_code == 401
    assert client.get("/api/v1/account", headers=new_headers).status_code == 401


def test_devices_are_listed_and_one_can_be_signed_out(client: TestClient) -> None:
    laptop = sign_up(client, "alice", device="laptop")
    phone = sign_in(client, "alice", password=laptop.password, device="phone")
    listed = client.get("/api/v1/sessions", headers=laptop.headers).json()
    assert {(row["device_name"], row["current"]) for row in listed} == {("laptop", True), ("phone", False)}

    assert client.delete(f"/api/v1/sessions/{phone.session_id}", headers=laptop.headers).status_code == 204
    assert client.get("/api/v1/account", headers=phone.headers).status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": phone.refresh_token}).status_code == 401
    assert [row["device_name"] for row in client.get("/api/v1/sessions", headers=laptop.headers).json()] == ["laptop"]


def test_sign_out_ends_only_this_device(client: TestClient) -> None:
    laptop = sign_up(client, "alice", device="laptop")
    phone = sign_in(client, "alice", password=laptop.password, device="phone")
    assert client.post("/api/v1/auth/signout", headers=laptop.headers).status_code == 204
    assert client.get("/api/v1/account", headers=laptop.headers).status_code == 401
    assert client.get("/api/v1/account", headers=phone.headers).status_code == 200


def test_password_change_signs_out_every_other_device(client: TestClient) -> None:
    laptop = sign_up(client, "alice", device="laptop")
    phone = sign_in(client, "alice", password=laptop.password, device="phone")
    bad = client.post("/api/v1/account/password", headers=laptop.headers,
                      json={"current_password": "wrong-wrong", "new_password": "a-new-long-password"})
    assert bad.status_code == 403
    changed = client.post("/api/v1/account/password", headers=laptop.headers,
                          json={"current_password": laptop.password, "new_password": "a-new-long-password"})
    assert changed.status_code == 204
    assert client.get("/api/v1/account", headers=laptop.headers).status_code == 200
    assert client.get("/api/v1/account", headers=phone.headers).status_code == 401
    sign_in(client, "alice", password="a-new-long-password")
    old = client.post("/api/v1/auth/signin", json={"login": "alice", "password": laptop.password})
    assert old.status_code == 401


def test_failed_sign_ins_are_rate_limited_even_for_the_right_password(client: TestClient,
                                                                       context: ServiceContext) -> None:
    sign_up(client, "alice")
    for _ in range(context.settings.signin_limit):
        assert client.post("/api/v1/auth/signin", json={"login": "alice", "password": "guess-guess"}).status_code == 401
    blocked = client.post("/api/v1/auth/signin", json={"login": "alice", "password": "alice-long-password"})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0


def test_sign_ups_are_rate_limited_per_address(client: TestClient, context: ServiceContext) -> None:
    for index in range(context.settings.signup_limit):
        response = client.post("/api/v1/auth/signup", json={"email": f"u{index}@example.org", "username": f"user{index}",
                                                            "password": "long-enough-password"})
        assert response.status_code == 201
    refused = client.post("/api/v1/auth/signup",
                          json={"email": "late@example.org", "username": "late", "password": "long-enough-password"})
    assert refused.status_code == 429
    with context.sessions() as db:
        assert db.scalar(select(func.count()).select_from(User)) == context.settings.signup_limit


def test_email_verification_link_from_the_outbox_works_once(client: TestClient, context: ServiceContext) -> None:
    alice = sign_up(client, "alice")
    token = _mail_token(context, "Confirm")
    assert client.post("/api/v1/auth/verify-email", json={"token": token}).status_code == 204
    assert client.get("/api/v1/account", headers=alice.headers).json()["email_verified"] is True
    assert client.post("/api/v1/auth/verify-email", json={"token": token}).status_code == 400


def test_password_reset_by_mail_sets_a_new_password_and_signs_everyone_out(client: TestClient,
                                                                           context: ServiceContext) -> None:
    alice = sign_up(client, "alice")
    unknown = client.post("/api/v1/auth/password-reset", json={"email": "nobody@example.org"})
    known = client.post("/api/v1/auth/password-reset", json={"email": "alice@example.org"})
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()  # no hint which addresses have accounts
    token = _mail_token(context, "Reset")
    confirm = client.post("/api/v1/auth/password-reset/confirm",
                          json={"token": token, "new_password": "reset-long-password"})
    assert confirm.status_code == 204
    assert client.get("/api/v1/account", headers=alice.headers).status_code == 401
    sign_in(client, "alice", password="reset-long-password")
    again = client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": "another-password"})
    assert again.status_code == 400


def test_export_holds_the_listeners_data_and_no_secrets(client: TestClient) -> None:
    alice = sign_up(client, "alice")
    client.post("/api/v1/app-passwords", headers=alice.headers, json={"name": "AntennaPod"})
    export = client.get("/api/v1/account/export", headers=alice.headers)
    assert export.status_code == 200
    data = export.json()
    assert data["account"]["email"] == "alice@example.org"
    assert [row["device_name"] for row in data["sessions"]] == ["laptop"]
    assert [row["name"] for row in data["app_passwords"]] == ["AntennaPod"]
    text = export.text
    assert "password_hash" not in text and "token_hash" not in text and "feed_secret" not in text
    assert alice.refresh_token not in text


def test_account_deletion_really_deletes(client: TestClient, context: ServiceContext) -> None:
    alice = sign_up(client, "alice")
    bob = sign_up(client, "bob")
    client.post("/api/v1/app-passwords", headers=alice.headers, json={"name": "gPodder"})
    refused = client.request("DELETE", "/api/v1/account", headers=alice.headers, json={"password": "wrong-password"})
    assert refused.status_code == 403
    gone = client.request("DELETE", "/api/v1/account", headers=alice.headers, json={"password": alice.password})
    assert gone.status_code == 204
    assert client.get("/api/v1/account", headers=alice.headers).status_code == 401
    from tests.service.rows import rows_owned_by

    with context.sessions() as db:
        assert rows_owned_by(db, alice.id) == {}
        assert rows_owned_by(db, bob.id) != {}


def test_expired_tampered_and_foreign_access_tokens_are_refused(client: TestClient, context: ServiceContext) -> None:
    alice = sign_up(client, "alice")
    expired = context.tokens.issue(user_id=alice.id, session_id=alice.session_id, ttl_s=-1)
    assert client.get("/api/v1/account", headers={"Authorization": f"Bearer {expired}"}).status_code == 401
    payload, _, signature = alice.access_token.partition(".")
    forged_payload = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB")
    for token in (f"{forged_payload}.{signature}", f"{payload}.{signature[::-1]}", "", "a.b.c"):
        assert client.get("/api/v1/account", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    from service.security import TokenSigner

    other_service = TokenSigner("another-service-secret-" + "x" * 20)
    foreign = other_service.issue(user_id=alice.id, session_id=alice.session_id, ttl_s=600)
    assert client.get("/api/v1/account", headers={"Authorization": f"Bearer {foreign}"}).status_code == 401


def test_the_mailed_links_work_in_the_pages(client: TestClient, context: ServiceContext) -> None:
    sign_up(client, "alice")
    token = _mail_token(context, "Confirm")
    page = client.get(f"/verify-email?token={token}")
    assert page.status_code == 200 and token in page.text
    assert "it is confirmed" in client.post("/verify-email", data={"token": token}).text
    client.post("/api/v1/auth/password-reset", json={"email": "alice@example.org"})
    reset = _mail_token(context, "Reset")
    done = client.post("/reset-password", data={"token": reset, "new_password": "fresh-long-password"})
    assert done.status_code == 200 and "Sign in with it now" in done.text
    sign_in(client, "alice", password="fresh-long-password")
    assert client.post("/reset-password", data={"token": reset, "new_password": "again-long-password"}).status_code == 400


def test_a_creator_leaving_keeps_what_listeners_bought(client: TestClient, context: ServiceContext,
                                                       http_server: LocalHTTPServer) -> None:
    """Deleting a creator's account takes nothing from listeners who paid: their purchases,
    entitlements, private feed and media stay; nothing more is sold; the creator's unsold show
    and its uploaded media are gone."""
    store = build_store(client, context, http_server)
    _, unsold_show = claim_show(client, http_server, store.creator, title="Unsold", path="/unsold.xml")
    unsold_episode = upload(client, store.creator, unsold_show, title="Nobody bought me")
    with context.sessions() as db:
        unsold_key = db.get(PremiumEpisode, unsold_episode).storage_key
    assert unsold_key and context.storage.path(unsold_key) is not None
    purchases_before = client.get("/api/v1/purchases", headers=store.listener.headers).json()
    [entitlement] = json.loads(client.get("/api/v1/entitlements", headers=store.listener.headers).json()["payload"])[
        "entitlements"]

    gone = client.request("DELETE", "/api/v1/account", headers=store.creator.headers,
                          json={"password": store.creator.password})
    assert gone.status_code == 204

    assert client.get("/api/v1/purchases", headers=store.listener.headers).json() == purchases_before
    [kept] = json.loads(client.get("/api/v1/entitlements", headers=store.listener.headers).json()["payload"])[
        "entitlements"]
    assert (kept["show_id"], kept["show_title"]) == (entitlement["show_id"], "Deep Dives")
    feed = client.get(kept["private_feed_url"].removeprefix("http://testserver"))
    assert feed.status_code == 200 and b"<title>Bonus episode</title>" in feed.content
    media_path = re.search(rb'url="http://testserver([^"]+)"', feed.content).group(1).decode().replace("&amp;", "&")
    media = client.get(media_path)
    assert media.status_code == 200 and media.content == AUDIO

    # Nothing of the departed creator is on sale any more.
    assert client.get("/api/v1/store/prices").json() == []
    newcomer = sign_up(client, "newcomer")
    assert client.post("/api/v1/checkout", headers=newcomer.headers,
                       json={"price_id": store.price_id}).status_code == 404
    with context.sessions() as db:
        assert rows_owned_by(db, store.creator.id) == {}
        assert db.get(Show, unsold_show) is None
        orphan = db.get(Show, store.show_id)
        assert orphan is not None and orphan.owner_id is None and orphan.owner_left_at is not None
    assert context.storage.path(unsold_key) is None  # the unsold upload was deleted


def test_nul_characters_in_request_text_are_a_clear_422(client: TestClient, context: ServiceContext) -> None:
    """PostgreSQL cannot store NUL in text: it must be refused up front, never a server error."""
    alice = sign_up(client, "alice")
    refused = client.post("/api/v1/app-passwords", headers=alice.headers, json={"name": "\u0000"})
    assert refused.status_code == 422 and "NUL" in refused.text
    assert client.post("/api/v1/auth/signup", json={"email": "b@example.org", "username": "b\u0000ob",
                                                     "password": "a-long-password"}).status_code == 422
    assert client.post("/api/v1/claims", headers=alice.headers,
                       json={"feed_url": "http://example.org/\u0000"}).status_code == 422
    assert client.get("/api/v1/app-passwords", headers=alice.headers).json() == []
