"""The real window, offscreen: subscribe to a local feed, browse, search, play through VLC."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.models.episodes import EpisodeColumn, EpisodeRole
from app.models.podcasts import PodcastRole


def episode_titles(window) -> list[str]:  # type: ignore[no-untyped-def]
    model = window.library_page.episode_model
    return [model.data(model.index(row, EpisodeColumn.TITLE)) for row in range(model.rowCount())]


def subscribe(qtbot, window, url: str) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.message_shown, timeout=20_000, check_params_cb=lambda text: "new episodes" in text):
        window.subscribe(url)
    qtbot.waitUntil(lambda: window.library_page.podcast_model.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: len(episode_titles(window)) == 2, timeout=10_000)


def test_subscribe_shows_the_podcast_and_its_episodes(qtbot, app_window, feed_server) -> None:
    window = app_window.window
    qtbot.waitUntil(lambda: window.library_page.welcome.isVisible(), timeout=5_000)  # an empty library
    subscribe(qtbot, window, feed_server.url("/feed.xml"))
    assert not window.library_page.welcome.isVisible()
    assert window.library_page.episode_view.isVisible()
    podcasts = window.library_page.podcast_model
    assert podcasts.data(podcasts.index(0, 0), PodcastRole.ROW).title == "Castwise Test Radio"
    assert episode_titles(window) == ["Episode Two", "Episode One"]  # newest first
    # Selecting an episode shows its details; the tracking pixel in the notes is not loaded.
    view = window.library_page.episode_view
    view.setCurrentIndex(window.library_page.episode_model.index(0, 0))
    details = window.library_page.details_pane
    qtbot.waitUntil(lambda: details.title_label.text() == "Episode Two", timeout=10_000)
    assert "Notes for Episode Two" in details.notes_view.toPlainText()
    assert details.notes_view.refused_urls == [] or all(
        url.startswith("http://tracker.invalid") for url in details.notes_view.refused_urls
    )
    assert details.chapter_list.count() == 2


def test_filter_and_search_find_episodes(qtbot, app_window, feed_server) -> None:
    window = app_window.window
    subscribe(qtbot, window, feed_server.url("/feed.xml"))
    qtbot.keyClicks(window.library_page.filter_edit, "one")
    qtbot.waitUntil(lambda: episode_titles(window) == ["Episode One"], timeout=5_000)
    window.show_page("search")
    qtbot.keyClicks(window.search_page.query_edit, "Episode Tw")
    results = window.search_page.library_results
    qtbot.waitUntil(lambda: any("Episode Two" in results.item(i).text() for i in range(results.count())), timeout=5_000)


def test_play_seek_speed_and_queue_advance_through_vlc(qtbot, app_window, feed_server) -> None:
    window = app_window.window
    playback = app_window.services.playback
    bar = window.now_playing
    subscribe(qtbot, window, feed_server.url("/feed.xml"))
    model = window.library_page.episode_model
    first_id = model.data(model.index(1, 0), EpisodeRole.EPISODE_ID)  # Episode One
    second_id = model.data(model.index(0, 0), EpisodeRole.EPISODE_ID)  # Episode Two
    window.enqueue(second_id)
    qtbot.waitUntil(lambda: app_window.services.catalog.queue_ids() == [second_id], timeout=5_000)

    window.play_episode(first_id)
    qtbot.waitUntil(lambda: playback.state.value == "playing", timeout=15_000)
    assert bar.title_label.text().startswith("Episode One")
    assert bar.play_button.accessibleName() == "Pause"
    qtbot.waitUntil(lambda: bar.seek_slider.maximum() > 6_000, timeout=10_000)
    assert bar.chapter_label.text() == "Opening"
    assert len(bar.timeline_lane.marks()) == 2

    bar.seek_requested.emit(4_500)  # as the slider does on a click
    qtbot.waitUntil(lambda: bar.chapter_label.text() == "The middle", timeout=5_000)
    assert playback.position_ms() >= 4_000

    bar.speed_combo.setCurrentIndex(bar.speed_combo.findData(2.0))
    bar.speed_combo.activated.emit(bar.speed_combo.currentIndex())
    assert app_window.engine.rate == 2.0

    qtbot.keyClick(bar.play_button, Qt.Key.Key_Space)  # pause via the focused button
    qtbot.waitUntil(lambda: playback.state.value == "paused", timeout=5_000)
    assert bar.play_button.accessibleName() == "Play"
    bar.play_pause_requested.emit()
    qtbot.waitUntil(lambda: playback.state.value == "playing", timeout=5_000)

    # Near the end: when Episode One ends, Episode Two from Up Next starts by itself.
    bar.seek_requested.emit(7_000)
    qtbot.waitUntil(
        lambda: playback.current is not None and playback.current.episode_id == second_id, timeout=20_000
    )
    qtbot.waitUntil(lambda: bar.title_label.text().startswith("Episode Two"), timeout=5_000)
    qtbot.waitUntil(lambda: app_window.services.catalog.queue_ids() == [], timeout=5_000)


def test_keyboard_shortcuts_drive_the_now_playing_bar(qtbot, app_window, feed_server) -> None:
    window = app_window.window
    playback = app_window.services.playback
    bar = window.now_playing
    subscribe(qtbot, window, feed_server.url("/feed.xml"))
    model = window.library_page.episode_model
    window.play_episode(model.data(model.index(0, 0), EpisodeRole.EPISODE_ID))
    qtbot.waitUntil(lambda: playback.state.value == "playing", timeout=15_000)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    assert app_window.engine.rate == 1.1
    qtbot.keyClick(window, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert app_window.engine.volume == 95
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: bar.chapter_label.text() == "The middle", timeout=5_000)  # next chapter
    qtbot.keyClick(window, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: playback.state.value == "paused", timeout=5_000)
    for control in (bar.play_button, bar.skip_back_button, bar.skip_forward_button, bar.seek_slider,
                    bar.speed_combo, bar.volume_slider, bar.sleep_button, bar.timeline_lane):
        assert control.accessibleName(), control


def test_playing_saves_the_position_and_marks_finished_episodes_played(qtbot, app_window, feed_server) -> None:
    window = app_window.window
    playback = app_window.services.playback
    catalog = app_window.services.catalog
    subscribe(qtbot, window, feed_server.url("/feed.xml"))
    model = window.library_page.episode_model
    episode_id = model.data(model.index(0, 0), EpisodeRole.EPISODE_ID)
    window.play_episode(episode_id)
    qtbot.waitUntil(lambda: playback.state.value == "playing", timeout=15_000)
    window.now_playing.seek_requested.emit(3_000)
    window.now_playing.play_pause_requested.emit()  # pause: the position is stored at once
    qtbot.waitUntil(lambda: playback.state.value == "paused", timeout=5_000)
    row = next(r for r in catalog.episodes(None) if r.episode_id == episode_id)
    assert 2_500 <= row.position_ms <= 4_500 and not row.played
    window.now_playing.seek_requested.emit(7_500)
    window.now_playing.play_pause_requested.emit()
    qtbot.waitUntil(lambda: next(r for r in catalog.episodes(None) if r.episode_id == episode_id).played,
                    timeout=15_000)
    # The list on screen follows: the finished episode reads "Played".
    window.library_page.show_podcast(model.row_at(0).podcast_id)
    qtbot.waitUntil(lambda: any(
        model.row_at(r).episode_id == episode_id and model.data(model.index(r, EpisodeColumn.STATE)) == "Played"
        for r in range(model.rowCount())), timeout=5_000)


def test_show_notes_load_remote_images_only_when_allowed(qtbot, app_window, feed_server) -> None:
    from tests.app.test_library_page import png_bytes
    from tests.support.httpserver import Resource

    window = app_window.window
    base = feed_server.url("/").rstrip("/")
    feed_server.add("/pic.png", Resource(body=png_bytes("#00aa00"), content_type="image/png"))
    xml = feed_server.resources["/feed.xml"].body.decode().replace(
        "http://tracker.invalid/pixel.gif", f"{base}/pic.png")
    feed_server.add("/feed.xml", Resource(body=xml.encode(), content_type="application/rss+xml"))
    subscribe(qtbot, window, feed_server.url("/feed.xml"))
    page = window.library_page
    notes = page.details_pane.notes_view
    page.episode_view.setCurrentIndex(page.episode_model.index(0, 0))
    qtbot.waitUntil(lambda: page.details_pane.title_label.text() == "Episode Two", timeout=5_000)
    qtbot.wait(300)
    assert set(notes.refused_urls) == {f"{base}/pic.png"}
    assert feed_server.requests_for("/pic.png") == []  # privacy: nothing fetched

    editor = window.settings_page.editors["privacy.load_remote_images"]
    editor.setChecked(True)
    page.episode_view.setCurrentIndex(page.episode_model.index(1, 0))
    qtbot.waitUntil(lambda: page.details_pane.title_label.text() == "Episode One", timeout=5_000)
    qtbot.waitUntil(lambda: len(feed_server.requests_for("/pic.png")) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: notes.refused_urls == [], timeout=5_000)


def test_up_next_page_reorders_and_removes(qtbot, app_window, feed_server) -> None:
    window = app_window.window
    subscribe(qtbot, window, feed_server.url("/feed.xml"))
    model = window.library_page.episode_model
    ids = [model.data(model.index(row, 0), EpisodeRole.EPISODE_ID) for row in range(2)]
    for episode_id in ids:
        window.enqueue(episode_id)
    window.show_page("up-next")
    page = window.up_next_page
    qtbot.waitUntil(lambda: page.model.episode_ids() == ids, timeout=5_000)
    assert not page.empty_state.isVisible()
    page.view.setCurrentIndex(page.model.index(0, 0))
    page.move_down_button.click()
    qtbot.waitUntil(lambda: app_window.services.catalog.queue_ids() == [ids[1], ids[0]], timeout=5_000)
    page.view.setCurrentIndex(page.model.index(0, 0))
    page.remove_button.click()
    qtbot.waitUntil(lambda: page.model.episode_ids() == [ids[0]], timeout=5_000)
    assert app_window.services.catalog.queue_ids() == [ids[0]]


def test_like_and_not_interested_from_the_details_pane(qtbot, app_window, feed_server) -> None:
    window = app_window.window
    subscribe(qtbot, window, feed_server.url("/feed.xml"))
    page = window.library_page
    page.episode_view.setCurrentIndex(page.episode_model.index(0, 0))
    details = page.details_pane
    qtbot.waitUntil(lambda: details.title_label.text() == "Episode Two", timeout=5_000)
    episode_id = details.episode().episode_id

    def ratings() -> list[str]:
        with app_window.library.engine.connect() as connection:
            return [row[0] for row in connection.exec_driver_sql(
                "SELECT kind FROM listening_events WHERE episode_id = ? AND kind IN "
                "('like', 'not_interested', 'clear_rating') ORDER BY id", (episode_id,))]

    details.like_button.click()
    qtbot.waitUntil(lambda: ratings() == ["like"], timeout=5_000)
    details.not_interested_button.click()
    assert not details.like_button.isChecked()
    qtbot.waitUntil(lambda: ratings() == ["like", "not_interested"], timeout=5_000)
    # Shown again later, the pane remembers the listener's choice.
    page.episode_view.setCurrentIndex(page.episode_model.index(1, 0))
    qtbot.waitUntil(lambda: details.title_label.text() == "Episode One", timeout=5_000)
    page.episode_view.setCurrentIndex(page.episode_model.index(0, 0))
    qtbot.waitUntil(lambda: details.title_label.text() == "Episode Two", timeout=5_000)
    assert details.not_interested_button.isChecked() and not details.like_button.isChecked()


def test_volume_is_remembered(qtbot, app_window) -> None:
    from app.preferences import Preferences
    from library import settings as library_settings

    bar = app_window.window.now_playing
    bar.volume_slider.setValue(40)
    assert app_window.engine.volume == 40
    qtbot.waitUntil(lambda: Preferences(app_window.library).get(library_settings.VOLUME) == 40, timeout=5_000)
