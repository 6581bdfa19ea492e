"""Embedding the library's episodes for the recommender, in the background, while Castwise runs.

A pass starts a few seconds after start-up, after every refresh that found new episodes and after
a subscription; it embeds only what has no vector yet (``recommend.indexer``), writes each batch as
it is done (a pass cut short by quitting resumes there next time) and reports its progress. It
runs on its own low-priority thread with at most half the cores for the model, so playback, the
window and the library database stay responsive even while 100,000 episodes are embedded; the
"For you" list meanwhile ranks what is already embedded and says how many are still waiting.
Nothing happens when no recommender model is installed.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from app.main_window import MainWindow
    from library.db import Library
    from library.paths import Paths

log = logging.getLogger(__name__)

BACKGROUND_NICENESS = 10
"""How much lower than the window the embedding thread runs (Linux: per thread)."""


def background_threads(cores: int | None = None) -> int:
    """The model's threads for background embedding: half the cores, at least one, so the rest
    of the machine (audio, the window, a refresh) always has a core."""
    return max(1, (cores or os.cpu_count() or 1) // 2)


class EpisodeIndexing(QObject):
    """Starts and stops background embedding passes; signals arrive on the GUI thread."""

    progressed = Signal(int, int)
    """(episodes embedded so far in this pass, episodes this pass embeds)."""
    finished = Signal(int)
    """A pass ended: the number of episodes it embedded (0 when everything was up to date)."""
    failed = Signal(str)
    """A pass stopped on an error (a listener-facing message); finished batches stay saved."""

    def __init__(self, library: Library, paths: Paths, parent: QObject | None = None, *,
                 threads: int | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._paths = paths
        self._threads = threads or background_threads()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._again = False
        self._closed = False

    @property
    def threads(self) -> int:
        """The model's threads in a pass."""
        return self._threads

    @property
    def running(self) -> bool:
        with self._lock:
            return self._thread is not None and self._thread.is_alive()

    def model_installed(self) -> bool:
        """Whether there is a model to embed with (a cheap file check, done on the GUI thread)."""
        from recommend.model_config import CONFIG_NAME
        from recommend.model_store import model_folder

        return (model_folder(self._paths) / CONFIG_NAME).is_file()

    def start(self) -> bool:
        """Start a pass unless no model is installed. While one runs, another follows it (new
        episodes may have arrived after it read the library). Returns whether work was queued."""
        if self._closed or not self.model_installed():
            return False
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._again = True
                return True
            self._cancel = threading.Event()
            self._thread = threading.Thread(target=self._work, args=(self._cancel,),
                                            name="castwise-indexing", daemon=True)
            self._thread.start()
        return True

    def cancel(self) -> None:
        """Ask the running pass to stop after its current batch (returns at once)."""
        with self._lock:
            self._again = False
            self._cancel.set()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Cancel the running pass and wait up to ``timeout_s`` seconds for it to end."""
        self.cancel()
        with self._lock:
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout_s)

    def close(self, timeout_s: float = 10.0) -> None:
        """Stop (see :meth:`stop`) for good: later :meth:`start` calls do nothing."""
        self._closed = True
        self.stop(timeout_s)

    def _work(self, cancel: threading.Event) -> None:
        _lower_priority()
        while True:
            embedded = self._one_pass(cancel)
            with self._lock:
                again, self._again = self._again and not cancel.is_set(), False
            if embedded is not None:
                self.finished.emit(embedded)
            if not again:
                return

    def _one_pass(self, cancel: threading.Event) -> int | None:
        from recommend.errors import EmbeddingCancelledError
        from recommend.model_store import model_folder, try_load_encoder
        from recommend.service import RecommenderService

        try:
            encoder, message = try_load_encoder(model_folder(self._paths), threads=self._threads)
            if encoder is None:
                log.info("background embedding skipped: %s", message)
                return None
            with RecommenderService(self._library, self._paths, encoder) as service:
                result = service.refresh_index(progress=self.progressed.emit, cancel=cancel)
            return result.embedded
        except EmbeddingCancelledError:
            log.info("background embedding stopped; finished batches are kept")
            return None
        except Exception as error:  # a full disk or a broken library must not take the app down
            log.exception("background embedding failed")
            self.failed.emit(str(error) or type(error).__name__)
            return None


def _lower_priority() -> None:
    """Lower this thread's scheduling priority (Linux applies niceness per thread)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)
    except (AttributeError, OSError):  # other platforms: the thread cap alone keeps a core free
        pass


class IndexingStatus(QObject):
    """The window's side of background embedding: a pass soon after start-up, after refreshes
    with new episodes and after subscribing; a status-bar line with the progress while one runs;
    the For You page reloaded when one ends."""

    START_DELAY_MS = 5_000
    """After start-up, the first pass waits this long, so the window is up and responsive first."""

    def __init__(self, window: MainWindow, indexing: EpisodeIndexing) -> None:
        from PySide6.QtWidgets import QLabel

        super().__init__(window)
        self._window = window
        self.indexing = indexing
        self.label = QLabel()
        self.label.setAccessibleName(self.tr("Recommendation indexing progress"))
        self.label.hide()
        window.statusBar().addPermanentWidget(self.label)
        indexing.progressed.connect(self._on_progressed)
        indexing.finished.connect(self._on_finished)
        indexing.failed.connect(self._on_failed)

    def start_soon(self) -> None:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(self.START_DELAY_MS, self, self.indexing.start)

    def _on_progressed(self, done: int, total: int) -> None:
        if total <= 0:
            return
        self.label.setText(self.tr("Preparing recommendations: {done} of {total} episodes").format(
            done=f"{done:,}", total=f"{total:,}"))
        self.label.setVisible(done < total)

    def _on_finished(self, embedded: int) -> None:
        self.label.hide()
        page = self._window.pages.built("for-you")
        if embedded and page is not None:
            page.reload()  # type: ignore[attr-defined]

    def _on_failed(self, message: str) -> None:
        self.label.hide()
        self._window.show_message(self.tr("Recommendations could not index new episodes: {error}").format(error=message))
