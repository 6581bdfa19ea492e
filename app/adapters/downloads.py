"""Downloads for the window: the download manager's progress as queued Qt signals.

The manager reports from its worker threads (at most every 250 ms per download while bytes flow,
and on every state change); each report is turned into a :class:`DownloadRow` there and emitted
through a signal, which Qt queues onto the GUI thread.

The manager (and the HTTP client under it) is created on the first download, not at start-up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from app.models.rows import DownloadRow
from app.tasks import TaskRunner

if TYPE_CHECKING:
    from library.downloads.episodes import EpisodeDownloads

# The manager's states (``library.downloads.progress.DownloadState`` values) as the list shows them.
_ROW_STATE = {
    "queued": "queued",
    "running": "downloading",
    "paused": "paused",
    "completed": "completed",
    "failed": "failed",
    "cancelled": "cancelled",
}


class DownloadsAdapter(QObject):
    download_changed = Signal(object)
    """A :class:`DownloadRow` with the latest numbers (GUI thread)."""
    download_finished = Signal(int)
    """The episode id of a download that completed."""
    error_occurred = Signal(str)

    def __init__(self, factory: Callable[[], EpisodeDownloads], tasks: TaskRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self._downloads: EpisodeDownloads | None = None
        self._lock = threading.Lock()
        self._tasks = tasks
        self._titles: dict[int, tuple[str, str]] = {}
        self.download_changed.connect(self._on_self_download_changed)

    @property
    def downloads(self) -> EpisodeDownloads:
        """The episode download service, created (with its manager) on first use."""
        with self._lock:
            if self._downloads is None:
                self._downloads = self._factory()
                self._downloads.manager.progressed.connect(self._relay)
                self._downloads.manager.state_changed.connect(self._relay)
            return self._downloads

    def close(self) -> None:
        with self._lock:
            downloads, self._downloads = self._downloads, None
        if downloads is not None:
            downloads.close()
            downloads.manager.close()

    def set_titles(self, episode_id: int, title: str, podcast_title: str) -> None:
        self._titles[episode_id] = (title, podcast_title)

    def download(self, episode_id: int) -> None:
        """Start (or continue) the episode's download; the database work runs in the background."""
        self._tasks.submit(
            lambda: self.downloads.download(episode_id),
            on_error=lambda error: self.error_occurred.emit(str(error)),
        )

    def pause(self, episode_id: int) -> None:
        handle = self.downloads.handle_for(episode_id)
        if handle is not None:
            handle.pause()

    def resume(self, episode_id: int) -> None:
        handle = self.downloads.handle_for(episode_id)
        if handle is not None and str(handle.state) in ("paused", "failed"):
            handle.resume()
        elif handle is None:
            self.download(episode_id)  # interrupted in an earlier session: continue its part file

    def cancel(self, episode_id: int) -> None:
        handle = self.downloads.handle_for(episode_id)
        if handle is not None:
            handle.cancel()
        self._tasks.submit(lambda: self.downloads.delete(episode_id),
                           on_error=lambda error: self.error_occurred.emit(str(error)))

    # Runs on the manager's threads: build plain data and emit (queued to the GUI thread).
    def _relay(self, progress: Any) -> None:
        episode_id = self._episode_for(progress)
        if episode_id is None:
            return
        title, podcast_title = self._titles.get(episode_id, (progress.target.stem, ""))
        state = str(progress.state)
        self.download_changed.emit(
            DownloadRow(
                episode_id=episode_id,
                title=title,
                podcast_title=podcast_title,
                state=_ROW_STATE.get(state, state),
                bytes_done=progress.bytes_done,
                bytes_total=progress.total_bytes,
                rate_bps=progress.rate_bytes_per_s,
                error=str(progress.error) if progress.error else None,
            )
        )

    def _episode_for(self, progress: Any) -> int | None:
        downloads = self._downloads
        if downloads is None:
            return None
        for handle in downloads.manager.downloads():
            if handle.id == progress.download_id:
                return downloads.episode_id_for(handle)
        return None

    def _on_self_download_changed(self, row: DownloadRow) -> None:
        if row.state == "completed":
            self.download_finished.emit(row.episode_id)
