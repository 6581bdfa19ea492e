"""Settings from the window: saved at once, applied at once, bad values explained, the service
address overridable by the environment, themes switch the palette."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from app.preferences import SERVICE_URL, Preferences
from library import settings as library_settings


def test_settings_are_saved_and_applied(qtbot, app_window) -> None:
    window = app_window.window
    page = window.settings_page
    page.editors["playback.skip_forward_s"].setValue(45)
    assert window.now_playing.skip_forward_ms == 45_000
    page.editors["downloads.keep_per_podcast"].setValue(page.editors["downloads.keep_per_podcast"].minimum())
    reread = Preferences(app_window.library)
    assert reread.get(library_settings.SKIP_FORWARD_S) == 45
    assert reread.get(library_settings.KEEP_PER_PODCAST) is None  # "No limit"
    page.editors["downloads.keep_per_podcast"].setValue(3)
    assert Preferences(app_window.library).get(library_settings.KEEP_PER_PODCAST) == 3


def test_a_bad_service_address_is_explained_and_not_stored(qtbot, app_window, monkeypatch) -> None:
    page = app_window.window.settings_page
    editor = page.editors["service.url"]
    editor.setText("castwise.example.org")
    editor.editingFinished.emit()
    assert "http" in page.error_label.text()
    assert Preferences(app_window.library).get(SERVICE_URL) is None
    editor.setText("https://castwise.example.org")
    editor.editingFinished.emit()
    assert page.error_label.text() == ""
    assert Preferences(app_window.library).get(SERVICE_URL) == "https://castwise.example.org"
    monkeypatch.setenv("CASTWISE_SERVICE_URL", "http://127.0.0.1:8123")
    assert Preferences(app_window.library).get(SERVICE_URL) == "http://127.0.0.1:8123"


def test_theme_switches_the_palette(qtbot, app_window) -> None:
    page = app_window.window.settings_page
    combo = page.editors["ui.theme"]
    combo.setCurrentIndex(combo.findData("dark"))
    combo.activated.emit(combo.currentIndex())
    dark = QApplication.palette().color(QPalette.ColorRole.Window).lightness()
    combo.setCurrentIndex(combo.findData("light"))
    combo.activated.emit(combo.currentIndex())
    light = QApplication.palette().color(QPalette.ColorRole.Window).lightness()
    assert dark < 80 < 200 < light
    assert Preferences(app_window.library).get(library_settings.THEME) == "light"


def test_default_speed_applies_to_podcasts_without_their_own(qtbot, app_window, feed_server) -> None:
    from app.models.episodes import EpisodeRole
    from tests.app.test_main_window import subscribe

    window = app_window.window
    spin = window.settings_page.editors["playback.speed"]
    spin.setValue(1.5)
    subscribe(qtbot, window, feed_server.url("/feed.xml"))
    model = window.library_page.episode_model
    window.play_episode(model.data(model.index(0, 0), EpisodeRole.EPISODE_ID))
    qtbot.waitUntil(lambda: app_window.services.playback.state.value == "playing", timeout=15_000)
    assert app_window.engine.rate == 1.5
    assert window.now_playing.speed_combo.currentData() == 1.5


def test_feeds_refresh_at_start_and_on_schedule(qtbot, app_window, feed_server, monkeypatch) -> None:
    import app.main_window as main_window
    from tests.app.test_main_window import subscribe

    window = app_window.window
    subscribe(qtbot, window, feed_server.url("/feed.xml"))
    fetched = len(feed_server.requests_for("/feed.xml"))
    monkeypatch.setattr(main_window, "STARTUP_REFRESH_DELAY_MS", 0)
    with qtbot.waitSignal(window.message_shown, timeout=20_000, check_params_cb=lambda text: "Refreshed" in text):
        window.load()  # as at start: refresh on start is on by default
    assert len(feed_server.requests_for("/feed.xml")) == fetched + 1
    assert window._refresh_timer.isActive() and window._refresh_timer.interval() == 60 * 60_000
    window.settings_page.editors["feeds.refresh_interval_min"].setValue(0)
    assert not window._refresh_timer.isActive()
