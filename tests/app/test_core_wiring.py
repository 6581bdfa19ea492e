"""Core features as the window uses them: private feeds' downloads, chapters documents fetched
while playing, transcripts indexed for search, and auto-download after a refresh."""

from __future__ import annotations

import json

from sqlalchemy import update

from app.preferences import AUTO_DOWNLOAD
from library.db.models import Podcast
from tests.app.conftest import podcast_feed
from tests.support.httpserver import Resource

PODCAST_NS = 'xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:psc='


def wait_for_message(qtbot, window, fragment: str, action) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.message_shown, timeout=20_000, check_params_cb=lambda text: fragment in text):
        action()


def select_episode(qtbot, window, title: str) -> int:  # type: ignore[no-untyped-def]
    """Select the episode titled ``title`` in the library page; returns its id."""
    page = window.library_page
    model = page.episode_model
    qtbot.waitUntil(lambda: any(model.row_at(r).title == title for r in range(model.rowCount())), timeout=10_000)
    row = next(model.row_at(r) for r in range(model.rowCount()) if model.row_at(r).title == title)
    page.episode_view.setCurrentIndex(model.index(model.visible_row_of(row.episode_id), 0))
    qtbot.waitUntil(lambda: page.details_pane.title_label.text() == title, timeout=5_000)
    return int(row.episode_id)


def plain_feed(server, episodes: list[tuple[str, str]], *, title: str, extra: str = "") -> bytes:  # type: ignore[no-untyped-def]
    """A feed of (title, media path) episodes without inline chapters; ``extra`` goes in the
    first item (podcast namespace tags)."""
    base = server.url("/").rstrip("/")
    xml = podcast_feed(base, [(stem, path, 8) for stem, path in episodes], title=title).decode()
    start = xml.index("<psc:chapters")
    while start >= 0:  # only the chapters the test adds
        end = xml.index("</psc:chapters>", start) + len("</psc:chapters>")
        xml = xml[:start] + xml[end:]
        start = xml.find("<psc:chapters")
    xml = xml.replace("xmlns:psc=", PODCAST_NS, 1)
    return xml.replace("</item>", f"{extra}</item>", 1).encode()


# -- 1. private feeds ------------------------------------------------------------------------------


def test_download_from_a_basic_auth_private_feed(qtbot, app_window, http_server, speech_clips) -> None:
    window = app_window.window
    credentials = ("listener", "s3cret")
    http_server.add("/private/one.mp3", Resource.from_file(speech_clips["mp3"].path, "audio/mpeg",
                                                           basic_auth=credentials))
    feed = plain_feed(http_server, [("Members Only", "/private/one.mp3")], title="Private Radio")
    http_server.add("/private/feed.xml", Resource(body=feed, content_type="application/rss+xml",
                                                  basic_auth=credentials))
    url = http_server.url("/private/feed.xml").replace("http://", "http://listener:s3cret@", 1)
    wait_for_message(qtbot, window, "new episodes", lambda: window.subscribe(url))
    select_episode(qtbot, window, "Members Only")
    window.library_page.details_pane.download_button.click()
    downloads = window.downloads_page.model
    qtbot.waitUntil(lambda: downloads.rowCount() == 1 and downloads.row_at(0).state in ("completed", "failed"),
                    timeout=20_000)
    assert downloads.row_at(0).state == "completed"
    assert downloads.row_at(0).progress_percent == 100
    sent = [request.headers.get("Authorization") for request in http_server.requests_for("/private/one.mp3")]
    assert sent and all(header and header.startswith("Basic ") for header in sent)


# -- 2. chapters documents while playing -----------------------------------------------------------


def test_chapters_document_reaches_the_now_playing_bar(qtbot, app_window, feed_server, corpus) -> None:
    window = app_window.window
    chapters = (corpus / "chapters" / "podcastns" / "podcastns_example.json").read_bytes()
    expected = [item for item in json.loads(chapters)["chapters"] if item.get("toc", True)]
    feed_server.add("/chapters.json", Resource(body=chapters, content_type="application/json+chapters"))
    tag = f'<podcast:chapters url="{feed_server.url("/chapters.json")}" type="application/json+chapters"/>'
    feed = plain_feed(feed_server, [("Chaptered", "/one.mp3")], title="Chapters Radio", extra=tag)
    feed_server.add("/chaptered.xml", Resource(body=feed, content_type="application/rss+xml"))
    wait_for_message(qtbot, window, "new episodes", lambda: window.subscribe(feed_server.url("/chaptered.xml")))
    episode_id = select_episode(qtbot, window, "Chaptered")
    bar = window.now_playing
    window.play_episode(episode_id)
    playback = app_window.services.playback
    qtbot.waitUntil(lambda: playback.state.value == "playing", timeout=15_000)
    # The feed has no inline chapters: the marks and the title come from the fetched document.
    qtbot.waitUntil(lambda: len(bar.timeline_lane.marks()) == len(expected), timeout=10_000)
    assert [mark.title for mark in bar.timeline_lane.marks()] == [item["title"] for item in expected]
    qtbot.waitUntil(lambda: bar.current_chapter_title() == expected[0]["title"], timeout=5_000)
    assert feed_server.requests_for("/chapters.json")


# -- 3. transcripts indexed for search --------------------------------------------------------------

VTT = b"""WEBVTT

00:00:00.000 --> 00:00:03.000
Today we talk about quokkas.

00:00:03.000 --> 00:00:06.000
They live on an island near Perth.
"""


def test_a_transcript_read_in_the_window_makes_the_episode_searchable(qtbot, app_window, feed_server) -> None:
    window = app_window.window
    tag = f'<podcast:transcript url="{feed_server.url("/spoken.vtt")}" type="text/vtt"/>'
    feed = plain_feed(feed_server, [("Marsupial Hour", "/one.mp3")], title="Nature Talk", extra=tag)
    feed_server.add("/spoken.vtt", Resource(body=VTT, content_type="text/vtt"))
    feed_server.add("/nature.xml", Resource(body=feed, content_type="application/rss+xml"))
    wait_for_message(qtbot, window, "new episodes", lambda: window.subscribe(feed_server.url("/nature.xml")))
    results = window.search_page.library_results

    def found() -> bool:
        return any("Marsupial Hour" in results.item(i).text() for i in range(results.count()))

    window.show_page("search")
    qtbot.keyClicks(window.search_page.query_edit, "quokkas")
    qtbot.waitUntil(lambda: results.count() > 0, timeout=5_000)
    assert not found()  # the word is only said in the episode, not written in the feed

    window.show_page("library")
    select_episode(qtbot, window, "Marsupial Hour")
    transcript = window.library_page.details_pane.transcript_view
    qtbot.waitUntil(lambda: transcript.model.rowCount() == 2, timeout=10_000)
    window.show_page("search")
    window.search_page.query_edit.clear()
    qtbot.keyClicks(window.search_page.query_edit, "quokkas")
    qtbot.waitUntil(found, timeout=10_000)


# -- 4. auto-download after a refresh ---------------------------------------------------------------


def refresh_with_new_episodes(qtbot, app_window, server, media: bytes, *,  # type: ignore[no-untyped-def]
                               auto_download_for: str | None = None) -> None:
    """Subscribe to "Show alpha" and "Show beta" (one old episode each), turn auto-download on
    for ``auto_download_for`` (a podcast title), give each feed a new episode and refresh them
    in the window."""
    window = app_window.window
    for name in ("alpha", "beta"):
        feed = plain_feed(server, [(f"{name} old", "/one.mp3")], title=f"Show {name}")
        server.add(f"/{name}.xml", Resource(body=feed, content_type="application/rss+xml"))
        wait_for_message(qtbot, window, "new episodes", lambda name=name: window.subscribe(server.url(f"/{name}.xml")))
    if auto_download_for is not None:
        with app_window.library.transaction() as session:
            session.execute(update(Podcast).where(Podcast.title == auto_download_for).values(auto_download=True))
    for name in ("alpha", "beta"):
        server.add(f"/{name}-new.mp3", Resource(body=media, content_type="audio/mpeg"))
        feed = plain_feed(server, [(f"{name} new", f"/{name}-new.mp3"), (f"{name} old", "/one.mp3")],
                          title=f"Show {name}")
        server.add(f"/{name}.xml", Resource(body=feed, content_type="application/rss+xml"))
    wait_for_message(qtbot, window, "Refreshed", window.refresh_all)


def downloaded_titles(qtbot, window, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    """The titles in the downloads list once ``count`` downloads completed there."""
    model = window.downloads_page.model
    qtbot.waitUntil(lambda: model.rowCount() >= count
                    and sum(model.row_at(r).state == "completed" for r in range(model.rowCount())) >= count,
                    timeout=20_000)
    return sorted(model.row_at(r).title for r in range(model.rowCount()))


def test_refresh_downloads_new_episodes_of_podcasts_with_auto_download_on(
    qtbot, app_window, feed_server, speech_clips
) -> None:
    assert app_window.services.preferences.get(AUTO_DOWNLOAD) is False  # the global setting is off
    refresh_with_new_episodes(qtbot, app_window, feed_server, speech_clips["mp3"].path.read_bytes(),
                              auto_download_for="Show alpha")
    assert downloaded_titles(qtbot, app_window.window, 1) == ["alpha new"]
    assert not feed_server.requests_for("/beta-new.mp3")
    assert not feed_server.requests_for("/one.mp3")  # only episodes new in this refresh


def test_refresh_downloads_new_episodes_of_every_podcast_with_the_global_setting(
    qtbot, app_window, feed_server, speech_clips
) -> None:
    app_window.services.preferences.set(AUTO_DOWNLOAD, True)
    refresh_with_new_episodes(qtbot, app_window, feed_server, speech_clips["mp3"].path.read_bytes())
    assert downloaded_titles(qtbot, app_window.window, 2) == ["alpha new", "beta new"]
    assert not feed_server.requests_for("/one.mp3")
