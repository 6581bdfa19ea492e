"""Builds a small store world through the public API: a creator with a claimed show, an
uploaded premium episode and prices, and a listener who bought the show."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient

from service.context import ServiceContext
from service.payments import CHECKOUT_COMPLETED, SIGNATURE_HEADER
from tests.service.conftest import Account, sign_up
from tests.support.httpserver import LocalHTTPServer, Resource

AUDIO = b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 40


def feed_xml(*, title: str, token: str | None = None, items: str = "") -> bytes:
    txt = f'<podcast:txt purpose="verify">{token}</podcast:txt>' if token else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            f'xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>{title}</title>'
            f"<link>https://example.org/</link><description>d</description>{txt}{items}</channel></rss>").encode()


@dataclass
class Store:
    creator: Account
    listener: Account
    show_id: int
    claim_id: int
    episode_id: int
    price_id: int
    episode_price_id: int
    purchase_id: int
    reference: str


def claim_show(client: TestClient, server: LocalHTTPServer, creator: Account, *, title: str = "Deep Dives",
               path: str = "/show.xml") -> tuple[int, int]:
    url = server.add(path, Resource(body=feed_xml(title=title), content_type="application/rss+xml"))
    claim = client.post("/api/v1/claims", headers=creator.headers, json={"feed_url": url}).json()
    server.add(path, Resource(body=feed_xml(title=title, token=claim["token"]), content_type="application/rss+xml"))
    verified = client.post(f"/api/v1/claims/{claim['id']}/verify", headers=creator.headers)
    assert verified.status_code == 200, verified.text
    return claim["id"], verified.json()["show_id"]


def upload(client: TestClient, creator: Account, show_id: int, title: str = "Bonus episode") -> int:
    response = client.post(f"/api/v1/shows/{show_id}/episodes", headers=creator.headers, data={"title": title},
                           files={"media": ("bonus.mp3", AUDIO, "audio/mpeg")})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def deliver(client: TestClient, context: ServiceContext, event_type: str, reference: str) -> dict[str, str]:
    body, headers = context.payments.build_event(event_type=event_type, reference=reference)
    response = client.post("/api/v1/payments/webhook", content=body,
                           headers={SIGNATURE_HEADER: headers[SIGNATURE_HEADER], "Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    return dict(response.json())


def buy(client: TestClient, context: ServiceContext, listener: Account, price_id: int) -> tuple[int, str]:
    checkout = client.post("/api/v1/checkout", headers=listener.headers, json={"price_id": price_id})
    assert checkout.status_code == 201, checkout.text
    reference = checkout.json()["checkout_url"].rsplit("/", 1)[-1]
    assert deliver(client, context, CHECKOUT_COMPLETED, reference) == {"result": "applied"}
    return int(checkout.json()["purchase_id"]), reference


def build_store(client: TestClient, context: ServiceContext, server: LocalHTTPServer,
                *, creator_name: str = "creator", listener_name: str = "listener") -> Store:
    creator = sign_up(client, creator_name)
    listener = sign_up(client, listener_name)
    claim_id, show_id = claim_show(client, server, creator, path=f"/{creator_name}.xml")
    episode_id = upload(client, creator, show_id)
    price = client.post(f"/api/v1/shows/{show_id}/prices", headers=creator.headers,
                        json={"amount_cents": 500, "currency": "USD"}).json()
    episode_price = client.post(f"/api/v1/shows/{show_id}/prices", headers=creator.headers,
                                json={"amount_cents": 150, "currency": "USD", "episode_id": episode_id}).json()
    purchase_id, reference = buy(client, context, listener, price["id"])
    return Store(creator=creator, listener=listener, show_id=show_id, claim_id=claim_id, episode_id=episode_id,
                 price_id=price["id"], episode_price_id=episode_price["id"], purchase_id=purchase_id,
                 reference=reference)
