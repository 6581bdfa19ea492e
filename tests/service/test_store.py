"""The store end to end: claim a feed, sell it, buy it, get a private feed and signed media,
lose both at once on a refund; webhooks that are forged, stale or replayed change nothing."""

from __future__ import annotations

import base64
import json
import re
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient

from service.context import ServiceContext
from service.payments import CHARGE_REFUNDED, CHECKOUT_COMPLETED, DISPUTE_CREATED, SIGNATURE_HEADER
from tests.service.conftest import sign_up
from tests.service.world import AUDIO, build_store, claim_show, deliver, feed_xml, upload
from tests.support.httpserver import LocalHTTPServer, Resource


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_a_claim_needs_the_token_in_the_feed(client: TestClient, http_server: LocalHTTPServer) -> None:
    creator = sign_up(client, "creator")
    url = http_server.add("/feed.xml", Resource(body=feed_xml(title="Mine"), content_type="application/rss+xml"))
    claim = client.post("/api/v1/claims", headers=creator.headers, json={"feed_url": url}).json()
    assert claim["status"] == "pending"
    missing = client.post(f"/api/v1/claims/{claim['id']}/verify", headers=creator.headers)
    assert missing.status_code == 422
    assert client.get("/api/v1/shows", headers=creator.headers).json() == []

    http_server.add("/feed.xml", Resource(body=feed_xml(title="Mine", token=claim["token"]),
                                          content_type="application/rss+xml"))
    verified = client.post(f"/api/v1/claims/{claim['id']}/verify", headers=creator.headers).json()
    assert verified["status"] == "verified"
    assert [show["title"] for show in client.get("/api/v1/shows", headers=creator.headers).json()] == ["Mine"]


def test_claims_refuse_bad_urls_doctype_feeds_and_oversized_feeds(client: TestClient, context: ServiceContext,
                                                                   http_server: LocalHTTPServer) -> None:
    creator = sign_up(client, "creator")
    assert client.post("/api/v1/claims", headers=creator.headers, json={"feed_url": "file:///etc/passwd"}).status_code == 422
    evil = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "y">]><rss><channel><title>&x;</title></channel></rss>'
    url = http_server.add("/evil.xml", Resource(body=evil, content_type="application/rss+xml"))
    claim = client.post("/api/v1/claims", headers=creator.headers, json={"feed_url": url}).json()
    refused = client.post(f"/api/v1/claims/{claim['id']}/verify", headers=creator.headers)
    assert refused.status_code == 422 and "DOCTYPE" in refused.json()["detail"]
    huge = http_server.add("/huge.xml", Resource(body=b"<rss>" + b" " * (context.settings.fetch_max_bytes + 10)))
    claim = client.post("/api/v1/claims", headers=creator.headers, json={"feed_url": huge}).json()
    too_big = client.post(f"/api/v1/claims/{claim['id']}/verify", headers=creator.headers)
    assert too_big.status_code == 422 and "larger" in too_big.json()["detail"]


def test_internal_addresses_are_refused_unless_the_operator_allows_them(client: TestClient, context: ServiceContext,
                                                                         http_server: LocalHTTPServer) -> None:
    from dataclasses import replace

    creator = sign_up(client, "creator")
    url = http_server.add("/f.xml", Resource(body=feed_xml(title="x"), content_type="application/rss+xml"))
    claim = client.post("/api/v1/claims", headers=creator.headers, json={"feed_url": url}).json()
    context.settings = replace(context.settings, allow_internal_fetch=False)
    refused = client.post(f"/api/v1/claims/{claim['id']}/verify", headers=creator.headers)
    assert refused.status_code == 422 and "internal address" in refused.json()["detail"]
    assert http_server.requests_for("/f.xml") == []  # refused before connecting


def test_buying_grants_a_private_feed_and_signed_media_and_a_refund_stops_both(
        client: TestClient, context: ServiceContext, http_server: LocalHTTPServer) -> None:
    store = build_store(client, context, http_server)
    purchases = client.get("/api/v1/purchases", headers=store.listener.headers).json()
    assert [(row["status"], row["amount_cents"]) for row in purchases] == [("paid", 500)]

    signed = client.get("/api/v1/entitlements", headers=store.listener.headers).json()
    payload = json.loads(signed["payload"])
    [entitlement] = payload["entitlements"]
    assert entitlement["show_title"] == "Deep Dives"
    feed_path = entitlement["private_feed_url"].removeprefix("http://testserver")
    feed = client.get(feed_path)
    assert feed.status_code == 200
    assert b"<title>Bonus episode</title>" in feed.content
    media_path = re.search(rb'url="http://testserver([^"]+)"', feed.content).group(1).decode().replace("&amp;", "&")
    media = client.get(media_path)
    assert media.status_code == 200 and media.content == AUDIO
    partial = client.get(media_path, headers={"Range": "bytes=0-9"})
    assert partial.status_code == 206 and partial.content == AUDIO[:10]

    # Someone else cannot use the listener's URLs by changing a part of them.
    assert client.get(feed_path.replace(feed_path.rsplit("/", 1)[1], "x" * 43 + ".xml")).status_code == 404
    assert client.get(media_path.replace("sig=", "sig=A")).status_code == 404

    deliver(client, context, CHARGE_REFUNDED, store.reference)
    assert client.get(feed_path).status_code == 404
    assert client.get(media_path).status_code == 404
    assert json.loads(client.get("/api/v1/entitlements", headers=store.listener.headers).json()["payload"])[
        "entitlements"] == []
    assert client.get("/api/v1/purchases", headers=store.listener.headers).json()[0]["status"] == "refunded"


def test_a_chargeback_revokes_and_sales_count_only_paid_purchases(client: TestClient, context: ServiceContext,
                                                                   http_server: LocalHTTPServer) -> None:
    store = build_store(client, context, http_server)
    sales = client.get(f"/api/v1/shows/{store.show_id}/sales", headers=store.creator.headers).json()
    assert [(row["purchases"], row["revenue_cents"]) for row in sales] == [(1, 500)]
    deliver(client, context, DISPUTE_CREATED, store.reference)
    assert client.get(f"/api/v1/shows/{store.show_id}/sales", headers=store.creator.headers).json() == []
    assert client.get("/api/v1/purchases", headers=store.listener.headers).json()[0]["status"] == "disputed"


def test_media_links_expire(client: TestClient, context: ServiceContext, http_server: LocalHTTPServer) -> None:
    from service import store as store_module
    from service.models import User

    store = build_store(client, context, http_server)
    with context.sessions() as db:
        user = db.get(User, store.listener.id)
        assert user is not None
        old = store_module.media_url(context, user=user, episode_id=store.episode_id,
                                     now_s=time.time() - context.settings.media_url_ttl_s - 5)
        fresh = store_module.media_url(context, user=user, episode_id=store.episode_id)
    assert client.get(old.removeprefix("http://testserver")).status_code == 404
    assert client.get(fresh.removeprefix("http://testserver")).status_code == 200


def test_the_entitlement_list_verifies_with_the_well_known_key_and_tampering_shows(
        client: TestClient, context: ServiceContext, http_server: LocalHTTPServer) -> None:
    store = build_store(client, context, http_server)
    key = client.get("/.well-known/castwise-entitlements-key").json()
    signed = client.get("/api/v1/entitlements", headers=store.listener.headers).json()
    assert signed["key_id"] == key["key_id"]
    public = Ed25519PublicKey.from_public_bytes(_b64(key["public_key"]))
    public.verify(_b64(signed["signature"]), signed["payload"].encode())
    tampered = signed["payload"].replace('"show_id":', '"show_id":9')
    import pytest
    from cryptography.exceptions import InvalidSignature

    with pytest.raises(InvalidSignature):
        public.verify(_b64(signed["signature"]), tampered.encode())


def test_webhooks_that_are_forged_stale_or_replayed_change_nothing(client: TestClient, context: ServiceContext,
                                                                     http_server: LocalHTTPServer) -> None:
    creator = sign_up(client, "creator")
    listener = sign_up(client, "listener")
    _, show_id = claim_show(client, http_server, creator)
    price = client.post(f"/api/v1/shows/{show_id}/prices", headers=creator.headers, json={"amount_cents": 300}).json()
    checkout = client.post("/api/v1/checkout", headers=listener.headers, json={"price_id": price["id"]}).json()
    reference = checkout["checkout_url"].rsplit("/", 1)[-1]

    body, headers = context.payments.build_event(event_type=CHECKOUT_COMPLETED, reference=reference)
    forged = client.post("/api/v1/payments/webhook", content=body, headers={SIGNATURE_HEADER: "t=1,v1=00"})
    unsigned = client.post("/api/v1/payments/webhook", content=body)
    stale_body, stale_headers = context.payments.build_event(event_type=CHECKOUT_COMPLETED, reference=reference,
                                                             now_s=time.time() - 3600)
    stale = client.post("/api/v1/payments/webhook", content=stale_body, headers=stale_headers)
    assert forged.status_code == unsigned.status_code == stale.status_code == 400
    assert client.get("/api/v1/purchases", headers=listener.headers).json()[0]["status"] == "pending"

    assert client.post("/api/v1/payments/webhook", content=body, headers=headers).json() == {"result": "applied"}
    refund_body, refund_headers = context.payments.build_event(event_type=CHARGE_REFUNDED, reference=reference)
    assert client.post("/api/v1/payments/webhook", content=refund_body, headers=refund_headers).json()["result"] == "applied"
    # Replaying the (still fresh, validly signed) completion must not grant access again.
    assert client.post("/api/v1/payments/webhook", content=body, headers=headers).json() == {"result": "duplicate"}
    assert client.get("/api/v1/purchases", headers=listener.headers).json()[0]["status"] == "refunded"
    assert json.loads(client.get("/api/v1/entitlements", headers=listener.headers).json()["payload"])["entitlements"] == []


def test_owning_already_and_withdrawn_prices_are_refused(client: TestClient, context: ServiceContext,
                                                         http_server: LocalHTTPServer) -> None:
    store = build_store(client, context, http_server)
    again = client.post("/api/v1/checkout", headers=store.listener.headers, json={"price_id": store.price_id})
    assert again.status_code == 409
    assert client.delete(f"/api/v1/prices/{store.episode_price_id}", headers=store.creator.headers).status_code == 204
    other = sign_up(client, "other")
    withdrawn = client.post("/api/v1/checkout", headers=other.headers, json={"price_id": store.episode_price_id})
    assert withdrawn.status_code == 404
    catalogue = client.get("/api/v1/store/prices").json()
    assert [row["id"] for row in catalogue] == [store.price_id]


def test_a_mirrored_private_source_feed_is_served_to_entitled_listeners(
        client: TestClient, context: ServiceContext, http_server: LocalHTTPServer) -> None:
    store = build_store(client, context, http_server)
    media_url = http_server.add("/private/ep1.mp3", Resource(body=AUDIO, content_type="audio/mpeg"))
    items = (f"<item><title>Members only</title><guid>ep-1</guid><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>"
             f'<enclosure url="{media_url}" type="audio/mpeg" length="{len(AUDIO)}"/></item>')
    source = http_server.add("/private/feed.xml", Resource(body=feed_xml(title="Private", items=items),
                                                           content_type="application/rss+xml"))
    assert client.put(f"/api/v1/shows/{store.show_id}/source", headers=store.creator.headers,
                      json={"url": source}).status_code == 200
    synced = client.post(f"/api/v1/shows/{store.show_id}/source/sync", headers=store.creator.headers).json()
    assert {row["title"] for row in synced} == {"Members only", "Bonus episode"}

    signed = json.loads(client.get("/api/v1/entitlements", headers=store.listener.headers).json()["payload"])
    feed = client.get(signed["entitlements"][0]["private_feed_url"].removeprefix("http://testserver")).content
    assert b"Members only" in feed and media_url.encode() not in feed  # the creator's private URL stays hidden
    proxied = [m.decode().replace("&amp;", "&") for m in re.findall(rb'url="http://testserver([^"]+)"', feed)]
    bodies = [client.get(path).content for path in proxied]
    assert bodies.count(AUDIO) == 2


def test_uploads_must_be_media(client: TestClient, http_server: LocalHTTPServer) -> None:
    creator = sign_up(client, "creator")
    _, show_id = claim_show(client, http_server, creator)
    refused = client.post(f"/api/v1/shows/{show_id}/episodes", headers=creator.headers, data={"title": "x"},
                          files={"media": ("x.html", b"<script>", "text/html")})
    assert refused.status_code == 415
    assert upload(client, creator, show_id) > 0
