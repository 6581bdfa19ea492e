"""The creator pages in a real headless Chromium (Debian's, driven by Playwright): open an episode,
schedule a poll and a question on its timeline, watch a listener's vote arrive live, moderate a
comment (shown escaped), pin a consented answer, read the engagement figures, and see comments
edited or deleted by their authors change on the open page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import LiveServer, sign_up
from tests.service.world import claim_show
from tests.support.httpserver import LocalHTTPServer

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


def test_a_creator_runs_an_episode_from_the_pages(browser: Any, client: TestClient, live_server: LiveServer,
                                                  http_server: LocalHTTPServer) -> None:
    creator = sign_up(client, "creator")
    listener = sign_up(client, "listener")
    _claim, show_id = claim_show(client, http_server, creator, title="Night Owls")

    page = browser.new_context(base_url=live_server.url).new_page()
    page.goto("/signin")
    page.fill("#login", "creator")
    page.fill("#password", creator.password)
    page.click("#submit")
    page.wait_for_url("**/purchases")

    page.goto("/creator/interactive")
    page.fill("#episode-guid", "urn:night-owls:7")
    page.fill("#episode-title", "Episode 7")
    page.fill("#episode-duration", "30:00")
    page.click("#open-episode")
    page.wait_for_url("**/creator/interactive/*")
    episode_id = int(page.url.rsplit("/", 1)[1])

    page.fill("#poll-prompt", "Coffee or tea?")
    page.fill("#poll-at", "1:05")
    page.fill("#poll-options", "Coffee\nTea")
    page.click("#create-poll")
    page.wait_for_selector(".poll")
    assert page.locator(".mark.poll").count() == 1
    assert "at 1:05" in page.locator(".poll h3").inner_text()
    page.fill("#question-prompt", "What keeps you up at night?")
    page.fill("#question-at", "10:00")
    page.click("#create-question")
    page.wait_for_selector(".question")
    assert page.locator(".mark.question").count() == 1

    page.select_option("#approval", "all")
    page.click("#save-moderation")
    page.wait_for_selector("#queue-empty")

    # A listener votes in the app: the open page's results change without a reload.
    poll = client.get("/api/v1/interactive-episodes", params={"feed_url": http_server.url("/show.xml")}).json()
    assert [item["id"] for item in poll] == [episode_id]
    document = client.get(f"/interactions/{episode_id}.json").json()
    poll_entry = next(item for item in document["interactions"] if item["type"] == "poll")
    tea = next(option["id"] for option in poll_entry["options"] if option["label"] == "Tea")
    vote = client.post(f"/api/v1/polls/{poll_entry['id']}/votes", headers=listener.headers,
                       json={"option_ids": [int(tea)]})
    assert vote.status_code == 201
    page.wait_for_function("document.querySelector('.poll-total').textContent === '1'")
    assert page.locator(f".votes[data-option='{tea}']").inner_text() == "1"

    markup = "<b>bold</b> & <script>window.hacked = 1</script>"
    comment = client.post(f"/api/v1/interactive-episodes/{episode_id}/comments", headers=listener.headers,
                          json={"text": markup, "at_ms": 65_000}).json()
    question = next(item for item in document["interactions"] if item["type"] == "question")
    client.post(f"/api/v1/questions/{question['id']}/answers", headers=listener.headers,
                json={"text": "Deadlines.", "share_consent": True})
    page.reload()
    queued = page.locator(f"#comment-{comment['id']}")
    assert queued.locator(".comment-text").inner_text() == markup  # shown as text
    assert page.locator("#queue b").count() == 0 and page.evaluate("window.hacked") is None
    queued.locator("button.approve").click()
    page.wait_for_selector(f"#comments #comment-{comment['id']}")
    assert page.locator("#queue-empty").count() == 1

    page.locator(".answer button.pin").click()
    page.wait_for_selector(".answer .pinned")
    pinned = client.get(f"/api/v1/questions/{question['id']}/answers").json()
    assert [item["text"] for item in pinned] == ["Deadlines."]

    assert page.locator("#engagement-votes").inner_text() == "1"
    assert page.locator("#engagement-answers").inner_text() == "1"
    assert page.locator("#engagement-comments").inner_text() == "1"
    page.locator(".close-poll").click()
    page.wait_for_function("document.querySelector('.poll-state').textContent === 'closed'")
    assert client.post(f"/api/v1/polls/{poll_entry['id']}/votes", headers=creator.headers,
                       json={"option_ids": [int(tea)]}).status_code == 409
    assert show_id > 0


def _creator_page(browser: Any, client: TestClient, live_server: LiveServer, http_server: LocalHTTPServer,
                  *, duration_ms: int = 600_000) -> tuple[Any, Any, int]:
    """A creator signed in on the page of a new interactive episode; the page, the creator, its id."""
    creator = sign_up(client, "creator")
    _claim, show_id = claim_show(client, http_server, creator, title="Night Owls")
    episode = client.post(f"/api/v1/shows/{show_id}/interactive-episodes", headers=creator.headers,
                          json={"guid": "g", "title": "E", "duration_ms": duration_ms}).json()
    page = browser.new_context(base_url=live_server.url).new_page()
    page.goto("/signin")
    page.fill("#login", "creator")
    page.fill("#password", creator.password)
    page.click("#submit")
    page.wait_for_url("**/purchases")
    page.goto(f"/creator/interactive/{episode['id']}")
    return page, creator, int(episode["id"])


def test_bad_poll_forms_are_explained(browser: Any, client: TestClient, live_server: LiveServer,
                                      http_server: LocalHTTPServer) -> None:
    page, _creator, _episode_id = _creator_page(browser, client, live_server, http_server, duration_ms=60_000)
    page.fill("#poll-prompt", "Only one option?")
    page.fill("#poll-options", "Lonely")
    page.click("#create-poll")
    assert "Poll not created" in page.locator("#error").inner_text()
    page.fill("#poll-prompt", "Too late")
    page.fill("#poll-options", "a\nb")
    page.fill("#poll-at", "5:00")  # past the one-minute episode
    page.click("#create-poll")
    assert "past the end" in page.locator("#error").inner_text()
    assert page.locator(".poll").count() == 0


def test_comments_edited_or_deleted_by_their_authors_change_on_the_open_page(
        browser: Any, client: TestClient, live_server: LiveServer, http_server: LocalHTTPServer) -> None:
    page, _creator, episode_id = _creator_page(browser, client, live_server, http_server)
    listener = sign_up(client, "listener")
    posted = [client.post(f"/api/v1/interactive-episodes/{episode_id}/comments", headers=listener.headers,
                          json={"text": text, "at_ms": 30_000}).json() for text in ("First take", "Second take")]
    reply = client.post(f"/api/v1/interactive-episodes/{episode_id}/comments", headers=listener.headers,
                        json={"text": "Replying to myself", "at_ms": 30_000, "parent_id": posted[1]["id"]}).json()
    page.reload()
    assert page.locator("#comments .comment").count() == 3

    edited = client.patch(f"/api/v1/interactions/{posted[0]['id']}", headers=listener.headers,
                          json={"text": "First take, <i>revised</i>"})
    assert edited.status_code == 200, edited.text
    page.wait_for_function(f"document.querySelector('#comment-{posted[0]['id']} .comment-text')"
                           f".textContent === 'First take, <i>revised</i>'")  # as text, not markup
    assert page.locator("#comments i").count() == 0

    assert client.delete(f"/api/v1/interactions/{posted[1]['id']}", headers=listener.headers).status_code == 200
    page.wait_for_selector(f"#comment-{posted[1]['id']}", state="detached")
    assert page.locator(f"#comment-{reply['id']}").count() == 0  # its reply went with it
    assert page.locator("#comments .comment").count() == 1


def test_moderating_a_comment_its_author_deleted_says_so(
        browser: Any, client: TestClient, live_server: LiveServer, http_server: LocalHTTPServer) -> None:
    page, _creator, episode_id = _creator_page(browser, client, live_server, http_server)
    page.select_option("#approval", "all")
    page.click("#save-moderation")
    page.wait_for_selector("#queue-empty")
    listener = sign_up(client, "listener")
    held = [client.post(f"/api/v1/interactive-episodes/{episode_id}/comments", headers=listener.headers,
                        json={"text": text, "at_ms": 30_000}).json() for text in ("Keep me", "Never mind")]
    page.reload()
    assert page.locator("#queue .queued").count() == 2

    assert client.delete(f"/api/v1/interactions/{held[1]['id']}", headers=listener.headers).status_code == 200
    page.locator(f"#comment-{held[1]['id']} button.approve").click()
    assert "its author deleted it" in page.locator("#error").inner_text()
    assert page.locator("#queue .queued").count() == 1  # the page shows what is left
    page.locator(f"#comment-{held[0]['id']} button.approve").click()
    page.wait_for_selector(f"#comments #comment-{held[0]['id']}")
    listed = client.get(f"/api/v1/interactive-episodes/{episode_id}/comments").json()
    assert [item["text"] for item in listed] == ["Keep me"]
