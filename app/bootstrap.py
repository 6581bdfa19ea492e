"""The composition root: paths -> preferences -> database -> services -> window.

Nothing else in Castwise builds these objects; everything gets its collaborators passed in.
Tests call :func:`build` with a ready engine and ``inline_tasks`` as they need.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.adapters.playback import PlaybackAdapter
from app.artwork import ArtworkLoader
from app.catalog import LibraryCatalog
from app.directory import DirectorySearch
from app.logs import setup_logging
from app.main_window import MainWindow, Services
from app.preferences import Preferences
from app.tasks import TaskRunner
from library.db import Library, open_library
from library.paths import Paths, resolve_paths
from library.subscriptions import Subscriptions
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

    def close(self) -> None:
        self.services.tasks.cancel_all()
        self.services.tasks.wait_for_done(5_000)
        if self.services.playback is not None:
            self.services.playback.stop()
        self.engine.close()
        self.library.close()


def create_engine_for_app(extra_options: tuple[str, ...] = ()) -> Engine:
    """The VLC engine, or the null engine (with a logged reason) where VLC is missing."""
    try:
        from player.vlc_engine import VlcEngine

        return VlcEngine(extra_options=extra_options)
    except Exception as error:  # libvlc missing or broken: the library still works
        log.warning("VLC is not available (%s); playback is disabled", error)
        from player.null_engine import NullEngine

        return NullEngine()


def build(
    paths: Paths | None = None,
    *,
    engine: Engine | None = None,
    inline_tasks: bool = False,
    log_to_file: bool = True,
) -> Application:
    """Build the whole object graph and the main window (not shown yet)."""
    paths = (paths or resolve_paths()).ensure()
    if log_to_file:
        setup_logging(paths.log_file)
    library = open_library(paths)
    preferences = Preferences(library)
    tasks = TaskRunner(inline=inline_tasks)
    catalog = LibraryCatalog(library)
    engine = engine if engine is not None else create_engine_for_app()
    playback = PlaybackAdapter(engine, next_episode=catalog.next_in_queue)
    services = Services(
        catalog=catalog,
        tasks=tasks,
        preferences=preferences,
        subscriptions=Subscriptions(library),
        playback=playback,
        directory=DirectorySearch(),
        artwork=ArtworkLoader(paths.artwork_cache),
    )
    window = MainWindow(services)
    return Application(paths=paths, library=library, services=services, window=window, engine=engine)
