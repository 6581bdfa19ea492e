"""Downloads for the window: the download manager's progress as queued Qt signals.

The manager reports from its worker threads (at most every 250 ms per download while bytes flow,
and on every state change); each report is turned into a :class:`DownloadRow` there and emitted
through a signal, which Qt queues onto the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.models.rows import DownloadRow
from app.tasks import TaskRunner
from library.downloads.episodes import EpisodeDownloads
from library.downloads.progress import DownloadProgress, DownloadState

_ROW_STATE = {
    DownloadState.QUEUED: "queued",
    DownloadState.RUNNING: "downloading",
    DownloadState.PAUSED: "paused",
    DownloadState.COMPLETED: "completed",
    DownloadState.FAILED: "failed",
    DownloadState.CANCELLED: "cancelled",
}


class DownloadsAdapter(QObject):
    download_changed = Signal(object)
    """A :class:`DownloadRow` with the latest numbers (GUI thread)."""
    download_finished = Signal(int)
    """The episode id of a download that completed."""
    error_occurred = Signal(str)

    def __init__(self, downloads: EpisodeDownloads, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.downloads = downloads
        self._tasks = tasks
        self._titles: dict[int, tuple[str, str]] = {}
        downloads.manager.progressed.connect(self._relay)
        downloads.manager.state_changed.connect(self._relay)
        self.download_changed.connect(self._on_self_download_changed)

    def set_titles(self, episode_id: int, title: str, podcast_title: str) -> None:
        self._titles[episode_id] = (title, podcast_title)

    def download(self, episode_id: int) -> None:
        """Start (or continue) the episode's download; the database work runs in the background."""
        self._tasks.submit(
            self.downloads.download, episode_id,
            on_error=lambda error: self.error_occurred.emit(str(error)),
        )

    def pause(self, episode_id: int) -> None:
        handle = self.downloads.handle_for(episode_id)
        if handle is not None:
            handle.pause()

    def resume(self, episode_id: int) -> None:
        handle = self.downloads.handle_for(episode_id)
        if handle is not None and handle.state in (DownloadState.PAUSED, DownloadState.FAILED):
            handle.resume()
        elif handle is None:
            self.download(episode_id)  # interrupted in an earlier session: continue its part file

    def cancel(self, episode_id: int) -> None:
        handle = self.downloads.handle_for(episode_id)
        if handle is not None:
            handle.cancel()
        self._tasks.submit(self.downloads.delete, episode_id, on_error=lambda error: self.error_occurred.emit(str(error)))

    # Runs on the manager's threads: build plain data and emit (queued to the GUI thread).
    def _relay(self, progress: DownloadProgress) -> None:
        episode_id = self._episode_for(progress)
        if episode_id is None:
            return
        title, podcast_title = self._titles.get(episode_id, (progress.target.stem, ""))
        self.download_changed.emit(
            DownloadRow(
                episode_id=episode_id,
                title=title,
                podcast_title=podcast_title,
                state=_ROW_STATE.get(progress.state, str(progress.state)),
                bytes_done=progress.bytes_done,
                bytes_total=progress.total_bytes,
                rate_bps=progress.rate_bytes_per_s,
                error=str(progress.error) if progress.error else None,
            )
        )

    def _episode_for(self, progress: DownloadProgress) -> int | None:
        for handle in self.downloads.manager.downloads():
            if handle.id == progress.download_id:
                return self.downloads.episode_id_for(handle)
        return None

    def _on_self_download_changed(self, row: DownloadRow) -> None:
        if row.state == "completed":
            self.download_finished.emit(row.episode_id)
