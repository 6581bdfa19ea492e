"""Builds the main window's secondary pages and connects them to it, on their first visit
(see :class:`app.pages.lazy.LazyPages`). Each page's module is imported here, not at start-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from app.main_window import MainWindow


def up_next_page(window: MainWindow) -> QWidget:
    from app.pages.simple import UpNextPage

    page = UpNextPage(window.services.catalog, window.services.tasks)
    page.play_requested.connect(window.play_episode)
    page.remove_requested.connect(window._on_up_next_remove_requested)
    page.move_requested.connect(window._on_up_next_move_requested)
    page.reload()
    return page


def downloads_page(window: MainWindow) -> QWidget:
    """Shows what the library has, then follows the download service's progress."""
    from app.pages.simple import DownloadsPage

    page = DownloadsPage(window.services.catalog, window.services.tasks)
    downloads = window.services.downloads
    if downloads is not None:
        page.pause_requested.connect(downloads.pause)
        page.resume_requested.connect(downloads.resume)
        page.cancel_requested.connect(downloads.cancel)
        downloads.download_changed.connect(page.model.upsert)
    page.reload()
    return page


def for_you_page(window: MainWindow) -> QWidget:
    from app.pages.for_you import ForYouPage

    page = ForYouPage(window.services.tasks, window.services.recommendations)
    page.play_requested.connect(window.play_episode)
    page.not_interested_requested.connect(lambda episode_id: window._on_details_rating_requested(episode_id, -1))
    return page


def search_page(window: MainWindow) -> QWidget:
    from app.pages.search import SearchPage

    page = SearchPage(window.services.catalog, window.services.tasks)
    page.episode_activated.connect(window.play_episode)
    page.podcast_activated.connect(window._on_search_podcast_activated)
    page.subscribe_url_requested.connect(window.subscribe)
    page.directory_search_requested.connect(window._on_search_directory_requested)
    return page


def settings_page(window: MainWindow) -> QWidget:
    from app.pages.settings import SettingsPage

    page = SettingsPage(window.services.preferences)
    page.preference_changed.connect(window._on_settings_preference_changed)
    return page
