"""For You: a clear empty state before any listening, then picks with reasons (the recommender's
fallback without an installed model), loaded only when the page is opened."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.app.test_main_window import subscribe
from tests.recommend.conftest import tiny_model, tiny_source  # noqa: F401  (fixtures)


def test_for_you_empty_then_picks_with_reasons(qtbot, app_window, feed_server) -> None:
    window = app_window.window
    page = window.for_you_page
    window.show_page("for-you")
    qtbot.waitUntil(lambda: "Updating" not in page.notice_label.text(), timeout=60_000)
    assert page.empty_state.isVisible()

    subscribe(qtbot, window, feed_server.url("/feed.xml"))
    model = window.library_page.episode_model
    one = next(model.row_at(r) for r in range(2) if model.row_at(r).title == "Episode One")
    window.play_episode(one.episode_id)
    playback = app_window.services.playback
    qtbot.waitUntil(lambda: playback.state.value == "playing", timeout=15_000)
    window.now_playing.play_pause_requested.emit()
    qtbot.waitUntil(lambda: playback.state.value == "paused", timeout=5_000)

    window.show_page("library")
    window.show_page("for-you")
    qtbot.waitUntil(lambda: page.list_widget.count() > 0, timeout=60_000)
    texts = [page.list_widget.item(i).text() for i in range(page.list_widget.count())]
    assert any("Episode Two" in text for text in texts)
    assert all("\n" in text for text in texts)  # every pick carries its reason
    page.list_widget.setCurrentRow(0)
    picked = page.list_widget.item(0).data(0x0100)
    page.not_interested_button.click()
    assert all(page.list_widget.item(i).data(0x0100) != picked for i in range(page.list_widget.count()))

    def not_interested_events() -> list[int]:
        with app_window.library.engine.connect() as connection:
            return [row[0] for row in connection.exec_driver_sql(
                "SELECT episode_id FROM listening_events WHERE kind = 'not_interested'")]

    qtbot.waitUntil(lambda: not_interested_events() == [picked], timeout=5_000)


def test_for_you_says_where_the_installed_model_runs(qtbot, app_window, tiny_model: Path) -> None:  # noqa: F811
    from recommend.model_store import model_folder

    shutil.copytree(tiny_model, model_folder())
    window = app_window.window
    page = window.for_you_page
    window.show_page("for-you")
    qtbot.waitUntil(lambda: page.engine_label.isVisible(), timeout=60_000)
    # No GPU provider here: the CPU runs the int8 model, and the line says so and why.
    text = page.engine_label.text()
    assert "on this computer (CPU, int8 model)" in text and "running the int8 model on the CPU" in text
