"""A show's own settings from the Library's podcast menu, in the real window: its playback speed
(applied when one of its episodes plays) and auto-download of its new episodes."""

from __future__ import annotations

from sqlalchemy import select

from app.models.episodes import EpisodeColumn, EpisodeRole
from library.db.models import Podcast


def _subscribe(qtbot, window, url: str) -> int:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(
        window.message_shown, timeout=20_000, check_params_cb=lambda text: "new episodes" in text
    ):
        window.subscribe(url)
    page = window.library_page
    qtbot.waitUntil(lambda: page.podcast_model.rowCount() == 1, timeout=10_000)
    podcast_id = page.podcast_model.rows()[0].podcast_id
    page.show_podcast(podcast_id)
    qtbot.waitUntil(lambda: page.episode_model.rowCount() == 2, timeout=10_000)
    return podcast_id


def _action(menu, text: str):  # type: ignore[no-untyped-def]
    return next(action for action in menu.actions() if action.text() == text)


def _stored(app_window, podcast_id: int) -> Podcast:  # type: ignore[no-untyped-def]
    with app_window.services.catalog.library.session() as session:
        podcast = session.scalars(select(Podcast).where(Podcast.id == podcast_id)).one()
        session.expunge(podcast)
        return podcast


def test_the_shows_own_speed_is_chosen_from_its_menu_and_used_when_playing(
    qtbot, app_window, feed_server
) -> None:  # type: ignore[no-untyped-def]
    window = app_window.window
    page = window.library_page
    podcast_id = _subscribe(qtbot, window, feed_server.url("/feed.xml"))

    _action(page.podcast_menu(podcast_id), "Playback speed for this show…").trigger()
    dialog = window.podcast_options.speed_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.textValue() == "Your default speed"
    assert dialog.comboBoxItems()[1:] == [
        "0.5×",
        "0.75×",
        "1×",
        "1.1×",
        "1.25×",
        "1.5×",
        "1.75×",
        "2×",
        "2.5×",
        "3×",
    ]
    dialog.setTextValue("1.5×")
    with qtbot.waitSignal(window.message_shown, timeout=10_000) as shown:
        dialog.accept()
    assert shown.args == ["Episodes of Castwise Test Radio play at 1.5×."]
    assert _stored(app_window, podcast_id).default_speed == 1.5
    qtbot.waitUntil(lambda: page.podcast_model.rows()[0].default_speed == 1.5, timeout=5_000)

    # Reopened, the dialog shows the show's speed; playing an episode uses it.
    _action(page.podcast_menu(podcast_id), "Playback speed for this show…").trigger()
    assert window.podcast_options.speed_dialog.textValue() == "1.5×"
    window.podcast_options.speed_dialog.reject()
    model = page.episode_model
    window.play_episode(model.data(model.index(0, EpisodeColumn.TITLE), EpisodeRole.EPISODE_ID))
    playback = app_window.services.playback
    qtbot.waitUntil(lambda: playback.state.value == "playing", timeout=15_000)
    assert app_window.engine.rate == 1.5

    # Back to the listener's default speed.
    _action(page.podcast_menu(podcast_id), "Playback speed for this show…").trigger()
    window.podcast_options.speed_dialog.setTextValue("Your default speed")
    with qtbot.waitSignal(window.message_shown, timeout=10_000) as shown:
        window.podcast_options.speed_dialog.accept()
    assert shown.args == ["Episodes of Castwise Test Radio play at your default speed."]
    assert _stored(app_window, podcast_id).default_speed is None


def test_auto_download_is_toggled_from_the_shows_menu(qtbot, app_window, feed_server) -> None:  # type: ignore[no-untyped-def]
    window = app_window.window
    page = window.library_page
    podcast_id = _subscribe(qtbot, window, feed_server.url("/feed.xml"))
    assert _stored(app_window, podcast_id).auto_download is False
    toggle = _action(page.podcast_menu(podcast_id), "Auto-download new episodes")
    assert toggle.isCheckable() and not toggle.isChecked()

    with qtbot.waitSignal(window.message_shown, timeout=10_000) as shown:
        toggle.trigger()
    assert shown.args == ["New episodes of Castwise Test Radio will be downloaded automatically."]
    assert _stored(app_window, podcast_id).auto_download is True
    qtbot.waitUntil(lambda: page.podcast_model.rows()[0].auto_download, timeout=5_000)
    assert _action(page.podcast_menu(podcast_id), "Auto-download new episodes").isChecked()

    with qtbot.waitSignal(window.message_shown, timeout=10_000) as shown:
        _action(page.podcast_menu(podcast_id), "Auto-download new episodes").trigger()
    assert shown.args == ["New episodes of Castwise Test Radio will no longer be downloaded automatically."]
    assert _stored(app_window, podcast_id).auto_download is False
