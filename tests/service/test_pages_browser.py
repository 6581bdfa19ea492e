"""The server-rendered pages in a real headless Chromium (Debian's, driven by Playwright):
a creator claims a feed and sets a price, a listener buys it with the test provider and sees the
private feed, and the creator sees the sale."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import LiveServer, sign_up
from tests.service.world import feed_xml
from tests.support.httpserver import LocalHTTPServer, Resource

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield instance
        instance.close()


def _sign_in(browser: Any, base: str, login: str, password: str) -> Any:
    page = browser.new_context(base_url=base).new_page()
    page.goto("/signin")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("#submit")
    page.wait_for_url("**/purchases")
    return page


def test_claim_price_buy_and_see_the_sale(browser: Any, client: TestClient, live_server: LiveServer,
                                          http_server: LocalHTTPServer) -> None:
    creator = sign_up(client, "creator")
    listener = sign_up(client, "listener")
    feed_url = http_server.add("/show.xml", Resource(body=feed_xml(title="Night Owls"), content_type="application/rss+xml"))

    studio = _sign_in(browser, live_server.url, "creator", creator.password)
    studio.goto("/creator")
    studio.fill("#feed-url", feed_url)
    studio.click("#claim")
    tag = studio.locator(".claim-tag").first.inner_text()
    token = tag.split(">", 1)[1].split("<", 1)[0]
    studio.click(".verify")
    assert "does not contain" in studio.locator("#error").inner_text()  # not in the feed yet
    http_server.add("/show.xml", Resource(body=feed_xml(title="Night Owls", token=token),
                                          content_type="application/rss+xml"))
    studio.click(".verify")
    studio.wait_for_url("**/creator/shows/*")
    assert studio.locator("h1").inner_text() == "Night Owls"
    studio.fill("#price-amount", "4.99")
    studio.click("#set-price")
    assert "4.99 USD" in studio.locator(".price").first.inner_text()
    assert studio.locator("#no-sales").is_visible()

    shopper = _sign_in(browser, live_server.url, "listener", listener.password)
    assert shopper.locator("#no-entitlements").is_visible()
    shopper.goto("/store")
    assert "Night Owls" in shopper.locator(".offer").first.inner_text()
    shopper.click(".buy")
    shopper.wait_for_url("**/test-provider/checkout/*")
    assert shopper.locator("#amount").inner_text() == "4.99 USD"
    shopper.click("#pay")
    shopper.wait_for_url("**/purchases")
    assert shopper.locator(".purchase .status").first.inner_text() == "paid"
    feed = shopper.locator(".feed-url").first.inner_text()
    assert "/feeds/" in feed

    studio.reload()
    assert studio.locator(".sales-count").first.inner_text() == "1"


def test_pages_need_a_session_and_forms_need_their_csrf_token(client: TestClient) -> None:
    anonymous = client.get("/purchases", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/signin"
    alice = sign_up(client, "alice")
    assert client.post("/signin", data={"login": "alice", "password": alice.password},
                       follow_redirects=False).status_code == 303
    assert client.get("/api/v1/account").status_code == 401  # the pages' cookie never opens the JSON API
    forged = client.post("/creator/claims", data={"csrf": "forged", "feed_url": "http://127.0.0.1/x.xml"})
    assert forged.status_code == 403
    assert "http://127.0.0.1/x.xml" not in client.get("/creator").text
    bad_password = client.post("/signin", data={"login": "alice", "password": "wrong-password"})
    assert bad_password.status_code == 401 and "wrong e-mail address or password" in bad_password.text
