"""The composition root: paths -> preferences -> database -> services -> window.

Nothing else in Castwise builds these objects; everything gets its collaborators passed in.
Tests call :func:`build` with a ready engine and ``inline_tasks`` as they need.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from app.adapters.downloads import DownloadsAdapter
from app.adapters.playback import PlaybackAdapter
from app.artwork import ArtworkLoader
from app.catalog import LibraryCatalog
from app.directory import DirectorySearch
from app.logs import setup_logging
from app.main_window import MainWindow, Services
from app.playback import build_controller, create_engine
from app.preferences import Preferences
from app.recommend_indexing import EpisodeIndexing
from app.tasks import TaskRunner
from library import settings as library_settings
from library.db import Library, open_library
from library.documents import DocumentCache
from library.episode_documents import EpisodeDocuments
from library.paths import Paths, resolve_paths
from player.engine import Engine

log = logging.getLogger(__name__)


@dataclass
class Application:
    """Everything built for one run; :meth:`close` releases it in the right order."""

    paths: Paths
    library: Library
    services: Services
    window: MainWindow
    engine: Engine
    log_handler: logging.Handler | None = None

    def close(self) -> None:
        self.services.tasks.close()  # nothing submitted from now on runs or calls back
        self.services.tasks.wait_for_done(5_000)
        if self.services.downloads is not None:
            self.services.downloads.close()
        if self.services.playback is not None:
            self.services.playback.quit()  # saves the position, then releases the engine
        else:
            self.engine.close()
        if self.services.indexing is not None:
            self.services.indexing.close()  # between batches: what is embedded stays saved
        if isinstance(self.services.recommendations, RecommendationsLoader):
            self.services.recommendations.close()
        self.library.close()
        if self.log_handler is not None:
            logging.getLogger().removeHandler(self.log_handler)
            self.log_handler.close()


def build(
    paths: Paths | None = None,
    *,
    engine: Engine | None = None,
    inline_tasks: bool = False,
    log_to_file: bool = True,
    style: bool = True,
) -> Application:
    """Build the whole object graph and the main window (not shown yet).

    With ``style`` (and a QApplication), the listener's language and theme are applied before any
    widget exists, so every string is created translated.
    """
    paths = (paths or resolve_paths()).ensure()
    log_handler = setup_logging(paths.log_file) if log_to_file else None
    library = open_library(paths)
    preferences = Preferences(library)
    if style:
        _apply_language_and_theme(preferences)
    tasks = TaskRunner(inline=inline_tasks)
    catalog = LibraryCatalog(library)
    engine = engine if engine is not None else create_engine()
    subscriptions = LazySubscriptions(library)
    # One document service for the details pane, the player's chapters and the downloads' offline
    # copies: a private feed's credentials go with its documents, and every transcript read is
    # indexed for search.
    documents = EpisodeDocuments(library, DocumentCache(paths.documents_cache),
                                 auth_for=lambda podcast, url: subscriptions.enclosure_auth(podcast, url))
    controller, store = build_controller(
        library,
        engine,
        documents=documents,
        skip_forward_s=float(preferences.get(library_settings.SKIP_FORWARD_S)),
        skip_back_s=float(preferences.get(library_settings.SKIP_BACK_S)),
    )
    playback = PlaybackAdapter(controller, store)
    downloads = DownloadsAdapter(lambda: _episode_downloads(library, preferences, subscriptions, documents), tasks)
    services = Services(
        catalog=catalog,
        tasks=tasks,
        preferences=preferences,
        subscriptions=subscriptions,  # type: ignore[arg-type]
        playback=playback,
        directory=DirectorySearch(),
        artwork=ArtworkLoader(paths.artwork_cache),
        downloads=downloads,
        documents=documents,
        recommendations=RecommendationsLoader(library, paths),
        indexing=EpisodeIndexing(library, paths),
    )
    window = MainWindow(services)
    return Application(
        paths=paths, library=library, services=services, window=window, engine=engine, log_handler=log_handler
    )


def _apply_language_and_theme(preferences: Preferences) -> None:
    from PySide6.QtWidgets import QApplication

    from app.i18n import install_translator
    from app.preferences import LANGUAGE
    from app.theme import apply_theme

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    install_translator(app, str(preferences.get(LANGUAGE)))
    apply_theme(str(preferences.get(library_settings.THEME)), app)


class RecommendationsLoader:
    """"For you", computed on a worker thread; the recommender (and its model) is loaded on the
    first call, not at start-up. Calls are serialised: the service is not shared between threads.
    It ranks what is embedded already: new episodes are embedded in the background
    (:mod:`app.recommend_indexing`), never while the listener waits for the list."""

    def __init__(self, library: Library, paths: Paths, limit: int = 40) -> None:
        import threading

        self._library = library
        self._paths = paths
        self._limit = limit
        self._service: object | None = None
        self._lock = threading.Lock()

    def __call__(self) -> object:
        with self._lock:
            if self._service is None:
                from recommend.model_store import model_folder, try_load_encoder
                from recommend.service import RecommenderService

                encoder, message = try_load_encoder(model_folder(self._paths))
                self._service = RecommenderService(self._library, self._paths, encoder, message)
            return self._service.for_you(self._limit)  # type: ignore[attr-defined]

    def close(self) -> None:
        with self._lock:
            if self._service is not None:
                self._service.close()  # type: ignore[attr-defined]
                self._service = None


def _episode_downloads(library: Library, preferences: Preferences, subscriptions: LazySubscriptions,
                       documents: EpisodeDocuments) -> object:
    """The download service; built on the first download (the HTTP stack is not needed before).

    A basic-auth private feed's files are fetched with its credentials (only from the feed's own
    origin), and each finished download's chapters and transcript are fetched for offline use."""
    from library.downloads.episodes import EpisodeDownloads
    from library.downloads.manager import DownloadManager

    folder = preferences.get(library_settings.DOWNLOAD_FOLDER)
    manager = DownloadManager(max_concurrent=int(preferences.get(library_settings.DOWNLOAD_CONCURRENCY)))
    return EpisodeDownloads(library, manager, folder=Path(folder) if folder else None,
                            headers_for=lambda podcast, url: subscriptions.enclosure_headers(podcast, url),
                            documents=documents)


class LazySubscriptions:
    """:class:`library.subscriptions.Subscriptions`, created on first use: importing the feed
    fetcher and parser costs start-up time and nothing at start-up needs them."""

    def __init__(self, library: Library) -> None:
        import threading

        self._library = library
        self._lock = threading.Lock()
        self._subscriptions: object | None = None

    def __getattr__(self, name: str) -> object:
        with self._lock:
            if self._subscriptions is None:
                from library.subscriptions import Subscriptions

                self._subscriptions = Subscriptions(self._library)
        return getattr(self._subscriptions, name)
