"""Library management from the window: artwork, refresh with progress and per-feed errors,
OPML import, unsubscribe, directory search over recorded real responses."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage

from app.models.podcasts import PodcastRole
from tests.app.conftest import podcast_feed
from tests.support.httpserver import Resource


def png_bytes(colour: str) -> bytes:
    image = QImage(300, 300, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def feed_with_image(base: str, title: str, image_path: str) -> bytes:
    xml = podcast_feed(base, [(f"{title} 1", "/one.mp3", 8)], title=title).decode()
    return xml.replace(
        "<description>A feed", f'<image><url>{base}{image_path}</url><title>{title}</title><link>{base}</link></image><description>A feed', 1
    ).encode()


def wait_for_message(qtbot, window, fragment: str, action) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.message_shown, timeout=20_000, check_params_cb=lambda text: fragment in text):
        action()


def test_artwork_is_fetched_once_in_the_background_and_cached(qtbot, app_window, feed_server) -> None:
    window = app_window.window
    base = feed_server.url("/").rstrip("/")
    feed_server.add("/art.png", Resource(body=png_bytes("#cc3300"), content_type="image/png"))
    feed_server.add("/art.xml", Resource(body=feed_with_image(base, "Art Show", "/art.png"), content_type="application/rss+xml"))
    wait_for_message(qtbot, window, "new episodes", lambda: window.subscribe(feed_server.url("/art.xml")))
    model = window.library_page.podcast_model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: app_window.services.artwork.cached(f"{base}/art.png") is not None, timeout=10_000)
    icon = model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole)
    image = icon.pixmap(64, 64).toImage()
    assert QColor(image.pixel(32, 32)).name() == "#cc3300"
    cached = list((app_window.paths.artwork_cache).glob("*.png"))
    assert len(cached) == 1
    assert len(feed_server.requests_for("/art.png")) == 1
    window.library_page.reload()  # reloading the list asks again; memory and disk answer
    qtbot.wait(200)
    assert len(feed_server.requests_for("/art.png")) == 1


def test_refresh_shows_progress_and_the_failing_feed(qtbot, app_window, feed_server) -> None:
    window = app_window.window
    base = feed_server.url("/").rstrip("/")
    feed_server.add("/b.xml", Resource(body=podcast_feed(base, [("B one", "/one.mp3", 8)], title="Show B"),
                                      content_type="application/rss+xml"))
    wait_for_message(qtbot, window, "new episodes", lambda: window.subscribe(feed_server.url("/feed.xml")))
    wait_for_message(qtbot, window, "new episodes", lambda: window.subscribe(feed_server.url("/b.xml")))
    feed_server.add("/b.xml", Resource(body=b"gone", status=404))
    progress: list[tuple[int, int]] = []
    window._refresh_progressed.connect(lambda done, total: progress.append((done, total)))
    wait_for_message(qtbot, window, "Refreshed 2 podcasts", window.refresh_all)
    assert sorted(progress) == [(1, 2), (2, 2)]
    assert "1 failed" in window.statusBar().currentMessage()
    errors = window.library_page.errors_label
    qtbot.waitUntil(lambda: "Show B" in errors.text(), timeout=5_000)
    assert "404" in errors.text()
    assert not window.library_page.refresh_progress.isVisible()


def test_opml_import_and_unsubscribe(qtbot, app_window, feed_server, tmp_path: Path) -> None:
    window = app_window.window
    base = feed_server.url("/").rstrip("/")
    feed_server.add("/c.xml", Resource(body=podcast_feed(base, [("C one", "/one.mp3", 8)], title="Show C"),
                                      content_type="application/rss+xml"))
    opml = tmp_path / "subs.opml"
    opml.write_text(
        f"""<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
        <outline text="Folder"><outline type="rss" text="Radio" xmlUrl="{base}/feed.xml"/>
        <outline type="rss" text="C" xmlUrl="{base}/c.xml"/></outline>
        <outline type="rss" text="Broken" xmlUrl="{base}/missing.xml"/></body></opml>""",
        encoding="utf-8",
    )
    wait_for_message(qtbot, window, "Imported 2 podcasts (1 failed)", lambda: window.import_opml(opml))
    model = window.library_page.podcast_model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=10_000)
    titles = {model.data(model.index(r, 0), PodcastRole.ROW).title for r in range(2)}
    assert titles == {"Castwise Test Radio", "Show C"}
    assert "missing.xml" in window.library_page.errors_label.text() or "Broken" in window.library_page.errors_label.text()
    show_c = next(model.data(model.index(r, 0), PodcastRole.PODCAST_ID) for r in range(2)
                  if model.data(model.index(r, 0), PodcastRole.ROW).title == "Show C")
    window.library_page.show_podcast(show_c)
    wait_for_message(qtbot, window, "Unsubscribed", window.library_page.unsubscribe_button.click)
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10_000)


def test_directory_search_lists_recorded_itunes_results(qtbot, app_window, http_server, corpus) -> None:
    window = app_window.window
    recorded = (corpus / "directory" / "itunes" / "gnomepodcasts_search_10.txt").read_bytes()
    http_server.add("/search", Resource(body=recorded, content_type="text/javascript; charset=utf-8"))
    app_window.services.directory.itunes_url = http_server.url("/search")
    window.show_page("search")
    page = window.search_page
    page.query_edit.setText("linux")
    qtbot.keyClick(page.query_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.directory_results.count() > 0, timeout=10_000)
    assert page.directory_results.count() == 10
    first = page.directory_results.item(0)
    assert first.data(Qt.ItemDataRole.UserRole).startswith("http")
    query = next(request for request in http_server.requests if request.path.startswith("/search?"))
    assert "term=linux" in query.path and "media=podcast" in query.path


def test_download_shows_progress_and_can_be_paused_and_resumed(qtbot, app_window, feed_server, speech_clips) -> None:
    window = app_window.window
    big = speech_clips["mp3"].path.read_bytes() * 8
    feed_server.add("/one.mp3", Resource(body=big, content_type="audio/mpeg", drip_bytes_per_s=60_000))
    wait_for_message(qtbot, window, "new episodes", lambda: window.subscribe(feed_server.url("/feed.xml")))
    model = window.library_page.episode_model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=10_000)
    episode_one = next(model.row_at(r) for r in range(2) if model.row_at(r).title == "Episode One")
    window.library_page.episode_view.setCurrentIndex(model.index(model.visible_row_of(episode_one.episode_id), 0))
    details = window.library_page.details_pane
    qtbot.waitUntil(lambda: details.title_label.text() == "Episode One", timeout=5_000)
    details.download_button.click()
    downloads = window.downloads_page.model
    qtbot.waitUntil(lambda: downloads.rowCount() == 1 and downloads.row_at(0).bytes_done > 0, timeout=15_000)
    assert downloads.row_at(0).state == "downloading"
    assert downloads.row_at(0).title == "Episode One"
    window.show_page("downloads")
    window.downloads_page.view.setCurrentIndex(downloads.index(0, 0))
    window.downloads_page.pause_requested.emit(episode_one.episode_id)
    qtbot.waitUntil(lambda: downloads.row_at(0).state == "paused", timeout=10_000)
    paused_at = downloads.row_at(0).bytes_done
    assert 0 < paused_at < len(big)
    feed_server.add("/one.mp3", Resource(body=big, content_type="audio/mpeg"))  # full speed now
    window.downloads_page.resume_requested.emit(episode_one.episode_id)
    qtbot.waitUntil(lambda: downloads.row_at(0).state == "completed", timeout=20_000)
    assert downloads.row_at(0).progress_percent == 100
    resumed = [r for r in feed_server.requests_for("/one.mp3") if "Range" in r.headers or "range" in r.headers]
    assert resumed, "the resumed download continued with a Range request"
    qtbot.waitUntil(lambda: any(model.row_at(r).downloaded for r in range(model.rowCount())), timeout=10_000)


def test_episode_menu_marks_played_and_unplayed(qtbot, app_window, feed_server) -> None:
    window = app_window.window
    wait_for_message(qtbot, window, "new episodes", lambda: window.subscribe(feed_server.url("/feed.xml")))
    page = window.library_page
    model = page.episode_model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=10_000)
    page.episode_view.selectAll()
    actions = {action.text(): action for action in page.episode_menu().actions() if action.text()}
    assert "Play" not in actions  # two episodes selected: play one at a time
    actions["Mark as played"].trigger()
    qtbot.waitUntil(lambda: all(model.row_at(r).played for r in range(model.rowCount())), timeout=5_000)
    assert model.rowCount() == 2
    page.episode_view.clearSelection()
    page.episode_view.setCurrentIndex(model.index(0, 0))
    chosen = model.row_at(0).episode_id
    actions = {action.text(): action for action in page.episode_menu().actions() if action.text()}
    assert "Play" in actions
    actions["Mark as unplayed"].trigger()
    qtbot.waitUntil(lambda: [model.row_at(r).episode_id for r in range(2) if not model.row_at(r).played] == [chosen],
                    timeout=5_000)


def test_opml_export_leaves_private_feeds_out(qtbot, app_window, feed_server, tmp_path: Path) -> None:
    window = app_window.window
    base = feed_server.url("/").rstrip("/")
    feed_server.add("/private.xml", Resource(body=podcast_feed(base, [("P one", "/one.mp3", 8)], title="Members"),
                                            content_type="application/rss+xml"))
    wait_for_message(qtbot, window, "new episodes", lambda: window.subscribe(feed_server.url("/feed.xml")))
    wait_for_message(qtbot, window, "new episodes",
                     lambda: window.subscribe(feed_server.url("/private.xml") + "?auth=t0ps3cr3t"))
    target = tmp_path / "out.opml"
    wait_for_message(qtbot, window, "Exported 1 podcasts (1 private", lambda: window.export_opml(target))
    text = target.read_text(encoding="utf-8")
    assert feed_server.url("/feed.xml") in text
    assert "t0ps3cr3t" not in text and "private.xml" not in text


def test_a_bad_address_gets_a_clear_message_and_changes_nothing(qtbot, app_window, http_server) -> None:
    window = app_window.window
    http_server.add("/page.html", Resource(body=b"<html><body>Hello</body></html>", content_type="text/html"))
    messages: list[str] = []
    window.message_shown.connect(messages.append)
    for path in ("/page.html", "/missing.xml"):
        with qtbot.waitSignal(window.message_shown, timeout=20_000,
                              check_params_cb=lambda text: not text.startswith("Subscribing")):
            window.subscribe(http_server.url(path))
    failures = [text for text in messages if not text.startswith("Subscribing")]
    assert len(failures) == 2
    assert all(text.strip() and "Traceback" not in text for text in failures)
    assert "404" in failures[1] or "not found" in failures[1].lower()
    window.library_page.reload()
    qtbot.wait(300)
    assert window.library_page.podcast_model.rowCount() == 0


def test_a_long_podcast_shows_every_episode_read_in_two_parts(qtbot, app_window, http_server) -> None:
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    from app.models.episodes import EpisodeRole
    from app.pages.library import FIRST_PART_ROWS

    count = FIRST_PART_ROWS + 150
    newest = datetime(2026, 11, 20, 10, tzinfo=UTC)
    items = "".join(
        f"<item><title>Part {n:03d}</title><guid>part-{n}</guid>"
        f"<pubDate>{format_datetime(newest - timedelta(days=n))}</pubDate>"
        f'<enclosure url="{http_server.url(f"/{n}.mp3")}" type="audio/mpeg" length="1000"/></item>'
        for n in range(count)
    )
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Long Show</title>{items}</channel></rss>'
    http_server.add("/long.xml", Resource(body=feed.encode(), content_type="application/rss+xml"))
    window = app_window.window
    page = window.library_page
    wait_for_message(qtbot, window, "new episodes", lambda: window.subscribe(http_server.url("/long.xml")))
    qtbot.waitUntil(lambda: page.podcast_model.rowCount() == 1, timeout=10_000)
    page.show_podcast(page.podcast_model.data(page.podcast_model.index(0, 0), PodcastRole.PODCAST_ID))
    qtbot.waitUntil(lambda: page.episode_model.rowCount() == count, timeout=10_000)
    model = page.episode_model
    titles = [model.data(model.index(r, 0)) for r in range(count)]
    assert titles == [f"Part {n:03d}" for n in range(count)]  # newest first, none twice, none missing
    assert page.count_label.text() == f"{count} episodes"
    assert len({model.data(model.index(r, 0), EpisodeRole.EPISODE_ID) for r in range(count)}) == count
