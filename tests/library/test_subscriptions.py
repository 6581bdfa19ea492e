"""Subscribing and refreshing against a real HTTP server on 127.0.0.1 and a real SQLite library."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from library.db import Library, open_library
from library.db.models import AuthKind, Episode, FeedOutcome, PlaybackState, Podcast
from library.errors import ErrorKind, FeedAuthError, FeedParseError
from library.secrets import SERVICE, SecretStore
from library.subscriptions import AlreadySubscribedError, Subscriptions
from tests.library.feedfactory import Feed, Item, day, numbered_feed
from tests.support.httpserver import LocalHTTPServer, Resource

RSS = "application/rss+xml"


@pytest.fixture
def library() -> Iterator[Library]:
    with open_library() as opened:
        yield opened


@pytest.fixture
def service(library: Library) -> Subscriptions:
    return Subscriptions(library, secrets=SecretStore(), deadline_s=10)


def episodes_of(library: Library, podcast_id: int) -> list[Episode]:
    with library.session() as session:
        return list(session.scalars(select(Episode).where(Episode.podcast_id == podcast_id).order_by(Episode.id)))


def test_subscribe_stores_the_podcast_and_every_episode(
    http_server: LocalHTTPServer, service: Subscriptions, library: Library
) -> None:
    url = http_server.add("/feed.xml", Resource(body=numbered_feed(3).xml(), content_type=RSS))
    report = service.subscribe(url)
    assert report.outcome is FeedOutcome.UPDATED and report.new_episodes == 3
    with library.session() as session:
        podcast = session.get(Podcast, report.podcast_id)
        assert podcast is not None
        assert (podcast.title, podcast.author, podcast.feed_url) == ("Test Show", "Castwise Tests", url)
        assert podcast.etag and podcast.last_outcome is FeedOutcome.UPDATED
    stored = episodes_of(library, report.podcast_id or 0)
    # Oldest first: library ids grow with publication date.
    assert [e.title for e in stored] == ["Episode 1", "Episode 2", "Episode 3"]
    assert stored[0].duration_ms == 30 * 60 * 1000
    assert stored[0].enclosure_url == "https://media.example.org/ep-1.mp3"
    assert stored[0].published == day(1)
    with pytest.raises(AlreadySubscribedError):
        service.subscribe(url)


def test_refresh_sends_validators_and_a_304_changes_nothing(
    http_server: LocalHTTPServer, service: Subscriptions, library: Library
) -> None:
    url = http_server.add("/feed.xml", Resource(body=numbered_feed(2).xml(), content_type=RSS))
    podcast_id = service.subscribe(url).podcast_id
    [report] = service.refresh_all()
    assert report.outcome is FeedOutcome.NOT_MODIFIED and report.new_episodes == 0
    second = http_server.requests_for("/feed.xml")[-1]
    assert second.headers.get("If-None-Match")
    with library.session() as session:
        podcast = session.get(Podcast, podcast_id)
        assert podcast is not None and podcast.last_outcome is FeedOutcome.NOT_MODIFIED
        assert podcast.last_checked_at is not None
    assert len(episodes_of(library, podcast_id or 0)) == 2


def test_episode_identity_survives_refreshes_and_removed_items_are_kept(
    http_server: LocalHTTPServer, service: Subscriptions, library: Library
) -> None:
    feed = numbered_feed(3)
    url = http_server.add("/feed.xml", Resource(body=feed.xml(), content_type=RSS))
    podcast_id = service.subscribe(url).podcast_id or 0
    before = {e.guid: e.id for e in episodes_of(library, podcast_id)}
    with library.transaction() as session:
        session.add(PlaybackState(episode_id=before["ep-2"], position_ms=61_000))

    # The feed drops episode 1, retitles episode 2, adds episode 4, and episode 3 loses its guid
    # (found again by its enclosure URL).
    items = [
        Item("Episode 4", guid="ep-4", enclosure="https://media.example.org/ep-4.mp3", published=day(4)),
        Item("Episode 3", guid=None, enclosure="https://media.example.org/ep-3.mp3", published=day(3)),
        Item("Episode 2 (remastered)", guid="ep-2", enclosure="https://cdn.example.org/ep-2.mp3", published=day(2)),
        Item("Episode 2 (remastered)", guid="ep-2", enclosure="https://cdn.example.org/ep-2.mp3", published=day(2)),
    ]
    http_server.add("/feed.xml", Resource(body=Feed(items=items).xml(), content_type=RSS))
    [report] = service.refresh([podcast_id])
    assert report.outcome is FeedOutcome.UPDATED
    assert (report.new_episodes, report.updated_episodes) == (1, 1)
    after = episodes_of(library, podcast_id)
    assert [e.title for e in after] == ["Episode 1", "Episode 2 (remastered)", "Episode 3", "Episode 4"]
    assert {e.guid: e.id for e in after if e.guid in before} == before
    remastered = next(e for e in after if e.guid == "ep-2")
    assert remastered.enclosure_url == "https://cdn.example.org/ep-2.mp3"
    with library.session() as session:
        state = session.get(PlaybackState, remastered.id)
        assert state is not None and state.position_ms == 61_000  # the listener's place is kept


def test_items_without_guid_are_matched_by_title_and_day(
    http_server: LocalHTTPServer, service: Subscriptions, library: Library
) -> None:
    items = [Item("Untracked", enclosure="https://media.example.org/a.mp3?ts=1", published=day(5))]
    url = http_server.add("/feed.xml", Resource(body=Feed(items=items).xml(), content_type=RSS))
    podcast_id = service.subscribe(url).podcast_id or 0
    items = [Item("Untracked", enclosure="https://media.example.org/a.mp3?ts=2", published=day(5))]
    http_server.add("/feed.xml", Resource(body=Feed(items=items).xml(), content_type=RSS))
    service.refresh_all()
    [episode] = episodes_of(library, podcast_id)
    assert episode.enclosure_url == "https://media.example.org/a.mp3?ts=2"


def test_a_permanent_redirect_updates_the_stored_url(
    http_server: LocalHTTPServer, service: Subscriptions, library: Library
) -> None:
    old = http_server.add("/old.xml", Resource(body=numbered_feed(1).xml(), content_type=RSS))
    podcast_id = service.subscribe(old).podcast_id
    new = http_server.add("/new.xml", Resource(body=numbered_feed(2).xml(), content_type=RSS))
    http_server.add("/old.xml", Resource(status=301, redirect_to=new))
    [report] = service.refresh_all()
    assert report.outcome is FeedOutcome.MOVED and report.moved_to == new and report.new_episodes == 1
    with library.session() as session:
        podcast = session.get(Podcast, podcast_id)
        assert podcast is not None and podcast.feed_url == new and podcast.last_outcome is FeedOutcome.MOVED
    http_server.add("/old.xml", Resource(status=404, body=b"gone"))
    [report] = service.refresh_all()
    assert report.outcome is FeedOutcome.NOT_MODIFIED  # asked the new address, with its validators


def test_a_temporary_redirect_keeps_the_stored_url(
    http_server: LocalHTTPServer, service: Subscriptions, library: Library
) -> None:
    url = http_server.add("/feed.xml", Resource(body=numbered_feed(1).xml(), content_type=RSS))
    service.subscribe(url)
    mirror = http_server.add("/mirror.xml", Resource(body=numbered_feed(1).xml(), content_type=RSS))
    http_server.add("/feed.xml", Resource(status=302, redirect_to=mirror))
    [report] = service.refresh_all()
    assert report.outcome in (FeedOutcome.UPDATED, FeedOutcome.NOT_MODIFIED)
    with library.session() as session:
        assert session.scalars(select(Podcast.feed_url)).one() == url


def test_failures_are_recorded_per_feed_and_do_not_stop_the_others(
    http_server: LocalHTTPServer, service: Subscriptions, library: Library
) -> None:
    good = http_server.add("/good.xml", Resource(body=numbered_feed(1).xml(), content_type=RSS))
    bad = http_server.add("/bad.xml", Resource(body=numbered_feed(1, title="Bad").xml(), content_type=RSS))
    html = http_server.add("/html.xml", Resource(body=numbered_feed(1, title="Html").xml(), content_type=RSS))
    for url in (good, bad, html):
        service.subscribe(url)
    http_server.add("/bad.xml", Resource(status=503, body=b"down"))
    http_server.add("/html.xml", Resource(body=b"<!doctype html><html><body>moved</body></html>"))
    http_server.add("/good.xml", Resource(body=numbered_feed(2).xml(), content_type=RSS))
    seen: list[tuple[int, int]] = []
    reports = service.refresh_all(on_progress=lambda done, total, _report: seen.append((done, total)))
    assert sorted(seen) == [(1, 3), (2, 3), (3, 3)]
    outcomes = {r.title: (r.outcome, r.reason, r.error_kind) for r in reports}
    assert outcomes["Test Show"] == (FeedOutcome.UPDATED, None, None)
    assert outcomes["Bad"] == (FeedOutcome.FAILED, "server-error", ErrorKind.TEMPORARY)
    assert outcomes["Html"] == (FeedOutcome.FAILED, "parse", ErrorKind.BAD_INPUT)
    with library.session() as session:
        failed = session.scalars(select(Podcast).where(Podcast.title == "Html")).one()
        assert failed.last_outcome is FeedOutcome.FAILED and "HTML" in (failed.last_error or "")
        assert session.scalar(select(func.count()).select_from(Episode)) == 4  # nothing lost


def test_subscribing_to_a_non_feed_stores_nothing(http_server: LocalHTTPServer, service: Subscriptions,
                                                  library: Library) -> None:
    page = http_server.add("/page", Resource(body=b"<html><body>hello</body></html>", content_type="text/html"))
    with pytest.raises(FeedParseError):
        service.subscribe(page)
    with library.session() as session:
        assert session.scalar(select(func.count()).select_from(Podcast)) == 0


def test_private_token_feed_keeps_the_token_in_the_keyring_only(
    http_server: LocalHTTPServer, service: Subscriptions, library: Library, memory_keyring: object,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    token = "s3cretTOKEN42"
    http_server.add(f"/rss/creator?auth={token}&amp;x=1", Resource(body=numbered_feed(1).xml(), content_type=RSS))
    report = service.subscribe(http_server.url(f"/rss/creator?auth={token}&amp;x=1"))
    assert token not in report.url
    with library.session() as session:
        podcast = session.scalars(select(Podcast)).one()
        assert podcast.feed_url == http_server.url("/rss/creator?x=1")
        assert podcast.auth_kind is AuthKind.URL_TOKEN
        assert service.private_url(podcast) == http_server.url(f"/rss/creator?auth={token}&amp;x=1")
    # The request went out exactly as issued, &amp; included; refresh uses it again.
    assert http_server.requests[-1].path == f"/rss/creator?auth={token}&amp;x=1"
    [refreshed] = service.refresh_all()
    assert refreshed.outcome is FeedOutcome.NOT_MODIFIED
    stored = memory_keyring.store  # type: ignore[attr-defined]
    assert any(token in secret for (svc, _key), secret in stored.items() if svc == SERVICE)
    database = library.paths.database if library.paths else None
    assert database is not None
    for file in database.parent.glob(database.name + "*"):  # the database and its WAL
        assert token.encode() not in file.read_bytes(), file
    assert token not in caplog.text
    service.unsubscribe(report.podcast_id or 0)
    assert stored == {}


def test_basic_auth_feed(http_server: LocalHTTPServer, service: Subscriptions, library: Library) -> None:
    url = http_server.add("/members.xml", Resource(body=numbered_feed(1).xml(), content_type=RSS,
                                                  basic_auth=("ann", "p@ss word")))
    with pytest.raises(FeedAuthError):
        service.subscribe(url)
    report = service.subscribe(url, username="ann", password="p@ss word")
    assert report.new_episodes == 1
    with library.session() as session:
        podcast = session.scalars(select(Podcast)).one()
        assert podcast.auth_kind is AuthKind.BASIC and podcast.feed_url == url
    [refreshed] = service.refresh_all()
    assert refreshed.outcome is FeedOutcome.NOT_MODIFIED


def test_same_show_by_podcast_guid_is_not_added_twice(
    http_server: LocalHTTPServer, service: Subscriptions
) -> None:
    feed = numbered_feed(1)
    feed.podcast_guid = "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    first = http_server.add("/a.xml", Resource(body=feed.xml(), content_type=RSS))
    second = http_server.add("/b.xml", Resource(body=feed.xml(), content_type=RSS))
    podcast_id = service.subscribe(first).podcast_id
    with pytest.raises(AlreadySubscribedError) as raised:
        service.subscribe(second)
    assert raised.value.podcast_id == podcast_id


def test_a_feed_announcing_its_new_address_is_followed(
    http_server: LocalHTTPServer, service: Subscriptions, library: Library
) -> None:
    old = http_server.add("/old.xml", Resource(body=numbered_feed(1).xml(), content_type=RSS))
    podcast_id = service.subscribe(old).podcast_id
    new = http_server.add("/new.xml", Resource(body=numbered_feed(2).xml(), content_type=RSS))
    announcing = numbered_feed(1)
    announcing.new_feed_url = new
    http_server.add("/old.xml", Resource(body=announcing.xml(), content_type=RSS))
    [report] = service.refresh_all()
    assert report.outcome is FeedOutcome.MOVED and report.moved_to == new
    [report] = service.refresh_all()
    assert report.outcome is FeedOutcome.UPDATED and report.new_episodes == 1  # read from the new address
    with library.session() as session:
        podcast = session.get(Podcast, podcast_id)
        assert podcast is not None and podcast.feed_url == new


def test_a_locked_keyring_fails_only_the_private_feed(
    http_server: LocalHTTPServer, service: Subscriptions, memory_keyring: object
) -> None:
    from keyring.errors import KeyringLocked

    public = http_server.add("/public.xml", Resource(body=numbered_feed(1, title="Public").xml(), content_type=RSS))
    http_server.add("/vip.xml?token=abcdef", Resource(body=numbered_feed(1, title="VIP").xml(), content_type=RSS))
    service.subscribe(public)
    service.subscribe(http_server.url("/vip.xml?token=abcdef"))

    def locked(*_args: object) -> str:
        raise KeyringLocked("the keyring is locked")

    memory_keyring.get_password = locked  # type: ignore[attr-defined]
    reports = {report.title: report for report in service.refresh_all()}
    assert reports["Public"].outcome is FeedOutcome.NOT_MODIFIED
    vip = reports["VIP"]
    assert (vip.outcome, vip.reason, vip.error_kind) == (FeedOutcome.FAILED, "credentials", ErrorKind.AUTH_REQUIRED)
    assert "keyring" in (vip.message or "")


def test_a_private_feed_whose_secret_is_gone_is_not_fetched_without_it(
    http_server: LocalHTTPServer, service: Subscriptions, memory_keyring: object
) -> None:
    http_server.add("/vip.xml?token=abcdef", Resource(body=numbered_feed(1, title="VIP").xml(), content_type=RSS))
    service.subscribe(http_server.url("/vip.xml?token=abcdef"))
    memory_keyring.store.clear()  # type: ignore[attr-defined]
    asked = len(http_server.requests)
    [report] = service.refresh_all()
    assert (report.outcome, report.error_kind) == (FeedOutcome.FAILED, ErrorKind.AUTH_REQUIRED)
    assert "subscribe to it again" in (report.message or "")
    assert len(http_server.requests) == asked  # the bare public address was never asked for


def test_subscribing_to_a_web_page_follows_its_feed_link(
    http_server: LocalHTTPServer, service: Subscriptions, library: Library
) -> None:
    feed_url = http_server.add("/feeds/show.xml", Resource(body=numbered_feed(2).xml(), content_type=RSS))
    page = b"""<!doctype html><html><head><title>Show</title>
        <link rel="stylesheet" href="/style.css">
        <link rel="alternate" type="application/rss+xml" title="Podcast" href="feeds/show.xml">
        </head><body>Listen!</body></html>"""
    page_url = http_server.add("/", Resource(body=page, content_type="text/html"))
    report = service.subscribe(page_url)
    assert report.new_episodes == 2 and report.url == feed_url
    with pytest.raises(AlreadySubscribedError):
        service.subscribe(page_url)
    lonely = http_server.add("/about", Resource(body=b"<!doctype html><html><body>no feed</body></html>"))
    with pytest.raises(FeedParseError, match="HTML"):
        service.subscribe(lonely)


def test_an_announced_address_that_does_not_work_is_not_followed(
    http_server: LocalHTTPServer, service: Subscriptions, library: Library
) -> None:
    old = http_server.add("/old.xml", Resource(body=numbered_feed(1).xml(), content_type=RSS))
    service.subscribe(old)
    announcing = numbered_feed(2)
    announcing.new_feed_url = http_server.url("/not-there-yet.xml")
    http_server.add("/old.xml", Resource(body=announcing.xml(), content_type=RSS))
    [report] = service.refresh_all()
    assert report.outcome is FeedOutcome.UPDATED and report.new_episodes == 1
    assert "does not serve a feed" in (report.message or "")
    with library.session() as session:
        assert session.scalars(select(Podcast.feed_url)).one() == old


def test_a_private_feed_that_moves_keeps_its_token_out_of_the_library(
    http_server: LocalHTTPServer, service: Subscriptions, library: Library, memory_keyring: object
) -> None:
    http_server.add("/vip.xml?auth=T0KEN", Resource(body=numbered_feed(1).xml(), content_type=RSS))
    service.subscribe(http_server.url("/vip.xml?auth=T0KEN"))
    http_server.add("/v2/vip.xml?auth=T0KEN", Resource(body=numbered_feed(2).xml(), content_type=RSS))
    http_server.add("/vip.xml?auth=T0KEN", Resource(status=308, redirect_to=http_server.url("/v2/vip.xml?auth=T0KEN")))
    [report] = service.refresh_all()
    assert report.outcome is FeedOutcome.MOVED
    assert report.moved_to == http_server.url("/v2/vip.xml") and "T0KEN" not in (report.message or "")
    with library.session() as session:
        assert session.scalars(select(Podcast.feed_url)).one() == http_server.url("/v2/vip.xml")
    [report] = service.refresh_all()
    assert report.outcome is FeedOutcome.NOT_MODIFIED
    assert http_server.requests[-1].path == "/v2/vip.xml?auth=T0KEN"  # straight to the new address
    secrets = list(memory_keyring.store.values())  # type: ignore[attr-defined]
    assert len(secrets) == 1 and "/v2/vip.xml?auth=T0KEN" in secrets[0]
