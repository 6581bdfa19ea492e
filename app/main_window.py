"""The main window: sidebar, pages and the now-playing bar, wired to the services it is given.

Everything the window does that touches the network, the disk or the database goes through the
:class:`~app.tasks.TaskRunner`; the slots here only start tasks and show their results.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent, QImage
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.adapters.downloads import DownloadsAdapter
from app.adapters.playback import PlaybackAdapter
from app.artwork import ArtworkLoader, fetch_images
from app.catalog import LibraryCatalog
from app.components.now_playing import NowPlayingBar
from app.components.report_dialog import ReportDialog
from app.desktop.shortcuts import install_shortcuts
from app.directory import DirectorySearch
from app.icons import icon
from app.interactive_link import AccountFeatures
from app.library_jobs import export_opml_file, import_opml_file, refresh_and_maintain
from app.now_playing_link import NowPlayingLink
from app.pages import wiring
from app.pages.lazy import LazyPages
from app.pages.library import LibraryPage
from app.podcast_options import PodcastOptions
from app.preferences import AUTO_DOWNLOAD, Preferences
from app.recommend_indexing import EpisodeIndexing, IndexingStatus
from app.tasks import TaskRunner
from app.widgets.sidebar import Sidebar
from library import settings as library_settings
from library.cues import Cue
from player.controller import EpisodeMedia

log = logging.getLogger(__name__)

STARTUP_REFRESH_DELAY_MS = 3_000
"""A refresh at start waits this long, so the window is up and responsive first."""

if TYPE_CHECKING:
    from app.components.episode_details import EpisodeDetailsPane
    from app.pages.for_you import ForYouPage
    from app.pages.search import SearchPage
    from app.pages.settings import SettingsPage
    from app.pages.simple import DownloadsPage, UpNextPage
    from library.episode_documents import EpisodeDocuments
    from library.subscriptions import FeedReport, Subscriptions


@dataclass
class Services:
    """What the window works with; built by :mod:`app.bootstrap`."""

    catalog: LibraryCatalog
    tasks: TaskRunner
    preferences: Preferences
    subscriptions: Subscriptions | None = None
    playback: PlaybackAdapter | None = None
    directory: DirectorySearch | None = None
    artwork: ArtworkLoader | None = None
    downloads: DownloadsAdapter | None = None
    recommendations: Callable[[], object] | None = None
    """Computes "For you" (a ``recommend.service.RecommendationList``) on a worker thread."""
    indexing: EpisodeIndexing | None = None
    """Embeds new episodes for the recommender in the background (see app.recommend_indexing)."""
    documents: EpisodeDocuments | None = None
    """Chapters and transcript documents, fetched on demand and cached; a transcript read is
    indexed, so search finds the episode by the words said in it."""


class MainWindow(QMainWindow):
    message_shown = Signal(str)
    """Every status message shown to the listener (tests and the log follow it)."""
    new_episodes_found = Signal(int, list)
    """After a refresh: how many new episodes, and the podcasts that have them (for notifications)."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._setup_ui()
        self._refresh_progressed.connect(self.library_page.set_refresh_progress)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.timeout.connect(self.refresh_all)
        self._connect_pages()
        self.shortcuts = install_shortcuts(self, self.now_playing)
        self._apply_preferences()
        # The account and polls/comments: built lazily, after start-up (see app.interactive_link).
        self.account_features = AccountFeatures(self)
        indexing = services.indexing
        self.indexing_status = IndexingStatus(self, indexing) if indexing is not None else None

    def _setup_ui(self) -> None:
        self.setWindowTitle("Castwise")
        self.resize(1200, 760)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        self.sidebar = Sidebar()
        self.stack = QStackedWidget()
        body.addWidget(self.sidebar)
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)
        self.now_playing = NowPlayingBar()
        outer.addWidget(self.now_playing)
        self.setCentralWidget(central)

        catalog, tasks = self.services.catalog, self.services.tasks
        self.library_page = LibraryPage(catalog, tasks, self.services.artwork)
        # Only the Library is built now; the other pages on their first visit (app.pages.lazy).
        self.pages = LazyPages(self.stack)
        self.sidebar.add_page("library", self.tr("Library"), icon("library"))
        self.pages.add("library", self.library_page)
        for key, text, icon_name, factory in (
            ("up-next", self.tr("Up Next"), "queue", wiring.up_next_page),
            ("downloads", self.tr("Downloads"), "download", wiring.downloads_page),
            ("for-you", self.tr("For You"), "for-you", wiring.for_you_page),
            ("search", self.tr("Search"), "search", wiring.search_page),
            ("settings", self.tr("Settings"), "settings", wiring.settings_page),
        ):
            self.sidebar.add_page(key, text, icon(icon_name))
            self.pages.add_lazy(key, lambda factory=factory: factory(self))
        self.sidebar.page_selected.connect(self._on_sidebar_page_selected)
        self.sidebar.select("library")
        self._setup_menus()

    def _setup_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.tr("Subscribe by URL…"), self._on_library_subscribe_requested)
        file_menu.addAction(self.tr("Import OPML…"), self._on_library_import_opml_requested)
        file_menu.addAction(self.tr("Export OPML…"), self._on_export_opml_requested)
        file_menu.addAction(self.tr("Refresh all podcasts"), self.refresh_all)
        file_menu.addSeparator()
        file_menu.addAction(self.tr("Quit"), self.close)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("Report a problem…"), self.show_problem_report)

    def _connect_pages(self) -> None:
        library = self.library_page
        library.subscribe_requested.connect(self._on_library_subscribe_requested)
        library.import_opml_requested.connect(self._on_library_import_opml_requested)
        library.refresh_requested.connect(self.refresh_all)
        library.unsubscribe_requested.connect(self.unsubscribe)
        library.episode_activated.connect(self.play_episode)
        library.enqueue_requested.connect(self.enqueue)
        library.download_requested.connect(self.download)
        library.mark_played_requested.connect(self._on_library_mark_played_requested)
        self.podcast_options = PodcastOptions(self)
        library.podcast_speed_requested.connect(self.podcast_options.ask_speed)
        library.podcast_auto_download_changed.connect(self.podcast_options.set_auto_download)
        library.details_built.connect(self._wire_details)  # built on first use
        downloads = self.services.downloads
        if downloads is not None:
            downloads.download_finished.connect(self._on_downloads_finished)
            downloads.error_occurred.connect(self.show_message)

        playback = self.services.playback
        if playback is None:
            return
        self.now_playing_link = NowPlayingLink(
            self.now_playing, playback, preferences=self.services.preferences, catalog=self.services.catalog,
            tasks=self.services.tasks, parent=self,
        )
        self.now_playing_link.position_changed.connect(self._on_now_playing_position_changed)
        self.now_playing_link.title_changed.connect(lambda title: self.setWindowTitle(f"{title} — Castwise"))
        playback.error_occurred.connect(self.show_message)
        playback.episode_completed.connect(self._on_playback_episode_completed)
        playback.queue_changed.connect(self._on_queue_changed)

    def _wire_details(self, details: EpisodeDetailsPane) -> None:
        details.play_requested.connect(self.play_episode)
        details.enqueue_requested.connect(self.enqueue)
        details.rating_requested.connect(self._on_details_rating_requested)
        details.chapter_requested.connect(self._on_details_chapter_requested)
        details.transcript_requested.connect(self._on_details_transcript_requested)
        details.episode_shown.connect(self._on_details_episode_shown)
        if self.services.downloads is not None:
            details.download_requested.connect(self.download)
        self._apply_preferences()

    def _apply_preferences(self) -> None:
        preferences = self.services.preferences
        self.now_playing.skip_back_ms = int(preferences.get(library_settings.SKIP_BACK_S)) * 1000
        self.now_playing.skip_forward_ms = int(preferences.get(library_settings.SKIP_FORWARD_S)) * 1000
        details = self.library_page.built_details_pane()
        if details is not None:
            details.notes_view.set_allow_remote_images(bool(preferences.get(library_settings.LOAD_REMOTE_IMAGES)))

    # -- public actions (also what shortcuts, the tray and MPRIS call) ---------------------------
    def load(self, *, refresh: bool = True) -> None:
        """Fill every page from the library, in the background. With ``refresh``, feeds are
        refreshed on the listener's schedule (and soon after start, if they asked for that)."""
        self.library_page.reload()
        for key in ("up-next", "downloads"):  # the others fill themselves when first built
            page = self.pages.built(key)
            if page is not None:
                page.reload()  # type: ignore[attr-defined]
        if self.indexing_status is not None:
            self.indexing_status.start_soon()  # episodes added while Castwise was closed
        if not refresh:
            return
        self._schedule_refresh()
        if self.services.preferences.get(library_settings.REFRESH_ON_START):
            QTimer.singleShot(STARTUP_REFRESH_DELAY_MS, self.refresh_all)

    def _schedule_refresh(self) -> None:
        minutes = int(self.services.preferences.get(library_settings.REFRESH_INTERVAL_MIN))
        if minutes > 0:
            self._refresh_timer.start(minutes * 60_000)
        else:
            self._refresh_timer.stop()

    def show_page(self, key: str) -> None:
        self.sidebar.select(key)

    # The pages other than the Library, built on first use (see app.pages.lazy).
    @property
    def up_next_page(self) -> UpNextPage:
        return self.pages.get("up-next")  # type: ignore[return-value]

    @property
    def downloads_page(self) -> DownloadsPage:
        return self.pages.get("downloads")  # type: ignore[return-value]

    @property
    def for_you_page(self) -> ForYouPage:
        return self.pages.get("for-you")  # type: ignore[return-value]

    @property
    def search_page(self) -> SearchPage:
        return self.pages.get("search")  # type: ignore[return-value]

    @property
    def settings_page(self) -> SettingsPage:
        return self.pages.get("settings")  # type: ignore[return-value]

    def problem_report(self) -> str:
        """Version, platform and the redacted log, as "Report a problem" shows it."""
        from app.logs import problem_report
        from library.paths import resolve_paths

        return problem_report(resolve_paths().log_file)

    def show_problem_report(self) -> ReportDialog:
        dialog = ReportDialog(self.problem_report(), self)
        dialog.show()
        return dialog

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)
        self.message_shown.emit(text)

    def play_episode(self, episode_id: int, start_ms: int | None = None) -> None:
        """Play an episode (where the listener left off, or from ``start_ms``)."""
        playback = self.services.playback
        if playback is None:
            return
        self.services.tasks.submit(
            playback.store.media_to_play, episode_id, key="play",
            on_result=lambda media: self._on_media_for_play_loaded(media, start_ms),
            on_error=self._on_task_error,
        )

    def enqueue(self, episode_id: int) -> None:
        playback = self.services.playback
        if playback is None:
            return
        if playback.controller.queue.add(episode_id):
            self.show_message(self.tr("Added to Up Next."))
        else:
            self.show_message(self.tr("Already in Up Next."))

    def download(self, episode_id: int) -> None:
        downloads = self.services.downloads
        if downloads is None:
            return
        pane = self.library_page.built_details_pane()
        details = pane.episode() if pane is not None else None
        if details is not None and details.episode_id == episode_id:
            downloads.set_titles(episode_id, details.title, details.podcast_title)
        downloads.download(episode_id)
        self.show_message(self.tr("Downloading…"))

    def subscribe(self, url: str) -> None:
        subscriptions = self.services.subscriptions
        if subscriptions is None:
            return
        self.show_message(self.tr("Subscribing to {url}…").format(url=url))
        self.services.tasks.submit(
            subscriptions.subscribe, url, on_result=self._on_subscribe_finished, on_error=self._on_task_error
        )

    def refresh_all(self) -> None:
        subscriptions = self.services.subscriptions
        if subscriptions is None:
            return
        total = self.library_page.podcast_model.rowCount()
        self.library_page.set_refresh_progress(0, max(total, 1))
        auto_download = bool(self.services.preferences.get(AUTO_DOWNLOAD))
        downloads = self.services.downloads
        playback = self.services.playback
        protect = list(playback.controller.queue.items) if playback is not None else []
        if playback is not None and playback.current is not None:
            protect.append(playback.current.episode_id)
        self.services.tasks.submit(
            refresh_and_maintain,
            subscriptions,
            on_progress=self._relay_refresh_progress,
            # Built on the worker thread, and only when some podcast has new episodes to fetch.
            downloads=(lambda: downloads.downloads) if downloads is not None else None,
            auto_download=auto_download,
            protect=protect,
            key="refresh",
            on_result=self._on_refresh_finished,
            on_error=self._on_task_error,
        )

    def unsubscribe(self, podcast_id: int) -> None:
        subscriptions = self.services.subscriptions
        if subscriptions is None:
            return
        self.services.tasks.submit(
            subscriptions.unsubscribe, podcast_id, on_result=self._on_unsubscribe_finished, on_error=self._on_task_error
        )

    def import_opml(self, path: Path) -> None:
        subscriptions = self.services.subscriptions
        if subscriptions is None:
            return
        self.show_message(self.tr("Importing {name}…").format(name=Path(path).name))
        self.services.tasks.submit(
            import_opml_file, subscriptions, Path(path), on_result=self._on_import_finished,
            on_error=self._on_task_error,
        )

    # -- slots ------------------------------------------------------------------------------------
    def _on_sidebar_page_selected(self, key: str) -> None:
        fresh = self.pages.built(key) is None  # a page built now has just read the library
        page = self.pages.show(key)
        if key == "for-you" or (key in ("up-next", "downloads") and not fresh):
            page.reload()  # type: ignore[attr-defined]

    def _on_library_subscribe_requested(self) -> None:
        url, accepted = QInputDialog.getText(self, self.tr("Subscribe"), self.tr("Feed address (URL):"))
        if accepted and url.strip():
            self.subscribe(url.strip())

    def _on_library_import_opml_requested(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import subscriptions"), "", self.tr("OPML files (*.opml *.xml);;All files (*)")
        )
        if path:
            self.import_opml(Path(path))

    def export_opml(self, path: Path) -> None:
        """Write the subscriptions to ``path`` (private feeds left out), in the background."""
        self.services.tasks.submit(
            export_opml_file, self.services.catalog.library, Path(path),
            on_result=lambda counts: self.show_message(
                self.tr("Exported {count} podcasts ({private} private feeds left out).").format(
                    count=counts[0], private=counts[1])
            ),
            on_error=self._on_task_error,
        )

    def _on_export_opml_requested(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export subscriptions"), "castwise.opml", self.tr("OPML files (*.opml *.xml);;All files (*)")
        )
        if path:
            self.export_opml(Path(path))

    def _on_library_mark_played_requested(self, episode_ids: list[int], played: bool) -> None:
        self.services.tasks.submit(
            self.services.catalog.set_played, list(episode_ids), played,
            on_result=lambda _none: self.library_page.reload(), on_error=self._on_task_error,
        )

    def _on_subscribe_finished(self, report: FeedReport) -> None:
        self.show_message(self._describe_report(report))
        self.library_page.reload()
        if self.services.indexing is not None and report.new_episodes:
            self.services.indexing.start()
        if report.podcast_id is not None:
            self.library_page.show_podcast(report.podcast_id)

    def _relay_refresh_progress(self, done: int, total: int, _report: FeedReport) -> None:
        # Runs on the worker thread: hand the numbers to the GUI thread through a queued signal.
        self._refresh_progressed.emit(done, total)

    _refresh_progressed = Signal(int, int)

    def _on_refresh_finished(self, reports: list[FeedReport]) -> None:
        failed = [report for report in reports if str(report.outcome) == "failed"]
        new = sum(report.new_episodes for report in reports)
        self.library_page.set_refresh_progress(1, 1)
        if new:
            self.new_episodes_found.emit(new, [report.title for report in reports if report.new_episodes])
            if self.services.indexing is not None:
                self.services.indexing.start()
        self.show_message(
            self.tr("Refreshed {count} podcasts: {new} new episodes, {failed} failed.").format(
                count=len(reports), new=new, failed=len(failed)
            )
        )
        self.library_page.reload()

    def _on_unsubscribe_finished(self, title: str) -> None:
        self.show_message(self.tr("Unsubscribed from {title}.").format(title=title))
        self.library_page.show_podcast(None)
        self.library_page.reload()

    def _on_import_finished(self, reports: list[FeedReport]) -> None:
        failed = [report for report in reports if str(report.outcome) == "failed"]
        self.show_message(
            self.tr("Imported {count} podcasts ({failed} failed).").format(
                count=len(reports) - len(failed), failed=len(failed)
            )
        )
        self.library_page.set_operation_errors([self._describe_report(report) for report in failed])
        self.library_page.reload()

    def _on_media_for_play_loaded(self, media: EpisodeMedia | None, start_ms: int | None) -> None:
        playback = self.services.playback
        if playback is None:
            return
        if media is None:
            self.show_message(self.tr("This episode has nothing to play."))
            return
        if media.podcast_rate is None and media.episode_rate is None:
            # Neither the episode nor its podcast has a speed of its own: the listener's default.
            media = replace(media, podcast_rate=float(self.services.preferences.get(library_settings.PLAYBACK_SPEED)))
        playback.open(media, start_ms=start_ms)

    def _on_details_rating_requested(self, episode_id: int, rating: int) -> None:
        playback = self.services.playback
        if playback is None:
            return
        word = {1: "like", -1: "not-interested"}.get(rating, "clear")
        self.services.tasks.submit(playback.store.rate, episode_id, word, on_error=self._on_task_error)

    def _on_details_chapter_requested(self, episode_id: int, start_ms: int) -> None:
        playback = self.services.playback
        if playback is None:
            return
        current = playback.current
        if current is not None and current.episode_id == episode_id:
            playback.seek(start_ms)
        else:
            self.play_episode(episode_id, start_ms)

    def _on_details_episode_shown(self) -> None:
        notes = self.library_page.details_pane.notes_view
        wanted = notes.remote_images_wanted()
        if wanted:
            self.services.tasks.submit(
                fetch_images, wanted, key="details.images",
                on_result=self._on_notes_images_loaded,
            )

    def _on_notes_images_loaded(self, images: dict[str, QImage]) -> None:
        notes = self.library_page.details_pane.notes_view
        for url, image in images.items():
            notes.add_cached_image(url, image)
        if images:
            notes.refresh()

    def _on_details_transcript_requested(self, episode_id: int, _url: str, _content_type: str) -> None:
        documents = self.services.documents
        if documents is None:
            return
        self.services.tasks.submit(
            documents.transcript, episode_id, key="details.transcript",
            on_result=lambda cues: self._on_transcript_loaded(episode_id, cues),
            on_error=lambda error: self.library_page.details_pane.transcript_view.show_status(
                self.tr("The transcript could not be loaded: {error}").format(error=error)
            ),
        )

    def _on_transcript_loaded(self, episode_id: int, cues: list[Cue] | None) -> None:
        pane = self.library_page.details_pane
        episode = pane.episode()
        if episode is not None and episode.episode_id == episode_id:
            pane.transcript_view.set_cues(cues or [])

    def _on_up_next_remove_requested(self, episode_id: int) -> None:
        if self.services.playback is not None:
            self.services.playback.controller.queue.remove(episode_id)

    def _on_up_next_move_requested(self, episode_id: int, index: int) -> None:
        if self.services.playback is not None:
            self.services.playback.controller.queue.move(episode_id, index)

    def _on_queue_changed(self) -> None:
        page = self.pages.built("up-next")
        if page is not None:  # otherwise it reads the queue when first shown
            page.reload()  # type: ignore[attr-defined]

    def _on_search_podcast_activated(self, podcast_id: int) -> None:
        self.show_page("library")
        self.library_page.show_podcast(podcast_id)

    def _on_search_directory_requested(self, query: str) -> None:
        directory = self.services.directory
        if directory is None:
            self.search_page.show_directory_results([], [self.tr("Directory search is not available.")])
            return
        self.services.tasks.submit(
            directory.search, query, key="search.directory",
            on_result=lambda outcome: self.search_page.show_directory_results(*outcome),
            on_error=self._on_task_error,
        )

    def _on_settings_preference_changed(self, key: str) -> None:
        self._apply_preferences()
        if key == library_settings.REFRESH_INTERVAL_MIN.key:
            self._schedule_refresh()
        if key == library_settings.THEME.key:
            from app.theme import apply_theme

            apply_theme(str(self.services.preferences.get(library_settings.THEME)))

    def _on_now_playing_position_changed(self, position_ms: int) -> None:
        # The transcript follows along when it shows the episode that is playing.
        playback, pane = self.services.playback, self.library_page.built_details_pane()
        shown = pane.episode() if pane is not None else None
        if pane is not None and playback is not None and playback.current is not None and shown is not None \
                and shown.episode_id == playback.current.episode_id:
            pane.transcript_view.set_position(position_ms)

    def _on_downloads_finished(self, _episode_id: int) -> None:
        self.show_message(self.tr("Download finished."))
        self.library_page.reload()

    def _on_playback_episode_completed(self, _episode_id: int) -> None:
        self.library_page.reload()

    def _on_task_error(self, error: BaseException) -> None:
        log.warning("task failed: %s", error, exc_info=error if not isinstance(error, Exception) else None)
        self.show_message(str(error) or error.__class__.__name__)

    def _describe_report(self, report: FeedReport) -> str:
        outcome = str(report.outcome)
        if outcome == "failed":
            return self.tr("{title}: {message}").format(title=report.title or report.url, message=report.message or "")
        return self.tr("{title}: {new} new episodes").format(title=report.title, new=report.new_episodes)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.services.tasks.cancel_all()
        if self.services.playback is not None:
            self.services.playback.stop()  # saves the position now; the engine closes at quit
        super().closeEvent(event)

