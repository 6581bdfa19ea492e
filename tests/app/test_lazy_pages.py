"""Pages other than the Library are built on their first visit, and then show what happened
before they existed."""

from __future__ import annotations

from app.models.episodes import EpisodeRole
from app.models.queue import QueueRole
from tests.app.test_main_window import subscribe


def test_pages_are_built_on_first_visit_and_show_earlier_changes(qtbot, app_window, feed_server) -> None:
    window = app_window.window
    for key in ("up-next", "downloads", "for-you", "search", "settings"):
        assert window.pages.built(key) is None, key  # nothing but the Library at start
    assert window.sidebar.count() == 6  # every page is listed all the same
    subscribe(qtbot, window, feed_server.url("/feed.xml"))
    model = window.library_page.episode_model
    episode_id = model.data(model.index(1, 0), EpisodeRole.EPISODE_ID)
    window.enqueue(episode_id)  # queued while Up Next does not exist yet
    window.show_page("up-next")
    page = window.pages.built("up-next")
    assert page is not None and window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert page.model.data(page.model.index(0, 0), QueueRole.EPISODE_ID) == episode_id
    # Once built, a page follows changes as they happen.
    window.enqueue(model.data(model.index(0, 0), EpisodeRole.EPISODE_ID))
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    window.show_page("settings")
    assert window.stack.currentWidget() is window.settings_page
    assert window.stack.indexOf(window.settings_page) == 5  # in its place in the sidebar's order


def test_episode_details_are_built_on_the_first_choice_and_wired(qtbot, app_window, feed_server) -> None:
    from PySide6.QtCore import Qt

    window = app_window.window
    page = window.library_page
    assert page.built_details_pane() is None  # start-up builds no details pane
    subscribe(qtbot, window, feed_server.url("/feed.xml"))
    assert page.built_details_pane() is None
    page.episode_view.setCurrentIndex(page.episode_model.index(0, 0))
    qtbot.waitUntil(lambda: page.built_details_pane() is not None
                    and page.details_pane.title_label.text() == "Episode Two", timeout=10_000)
    assert page.details_pane.isVisible()
    with qtbot.waitSignal(window.message_shown, check_params_cb=lambda text: text == "Added to Up Next."):
        qtbot.mouseClick(page.details_pane.enqueue_button, Qt.MouseButton.LeftButton)
