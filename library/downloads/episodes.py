"""Downloads of library episodes: the manager's work, recorded in the ``downloads`` table.

    downloads = EpisodeDownloads(library, manager)
    handle = downloads.download(episode.id)     # saved as <downloads>/<Podcast>/<Episode>.mp3
    ...
    location = playback_location(session, episode)   # the local file if complete, else the URL

Each episode has at most one ``downloads`` row. Its ``path`` is set when the download is queued
(so an interrupted one resumes into the same ``.part`` file after a restart) and its ``state``
says whether the file there is complete. Deleting a download keeps the row as a tombstone
(``cancelled``, no path), so auto-download does not fetch again what the listener removed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from library.db.engine import Library
from library.db.models import Download, Episode, Podcast
from library.db.models import DownloadState as RowState
from library.downloads.errors import DownloadTargetError
from library.downloads.manager import DownloadHandle, DownloadManager
from library.downloads.names import episode_path
from library.downloads.progress import DownloadProgress, DownloadState
from library.downloads.transfer import PartialFile
from library.errors import NotFoundError
from library.paths import resolve_paths

if TYPE_CHECKING:
    from library.episode_documents import EpisodeDocuments

log = logging.getLogger(__name__)

_ROW_STATES = {
    DownloadState.QUEUED: RowState.QUEUED,
    DownloadState.RUNNING: RowState.DOWNLOADING,
    DownloadState.PAUSED: RowState.PAUSED,
    DownloadState.COMPLETED: RowState.COMPLETED,
    DownloadState.FAILED: RowState.FAILED,
    DownloadState.CANCELLED: RowState.CANCELLED,
}
_UNFINISHED = (RowState.QUEUED, RowState.DOWNLOADING, RowState.PAUSED)

HeadersFor = Callable[[Podcast, str], dict[str, str] | None]
"""Extra request headers for a podcast's episode file at a URL (e.g. basic auth of a private
feed: :meth:`library.subscriptions.Subscriptions.enclosure_headers`)."""


class EpisodeDownloads:
    """Downloads library episodes with a :class:`DownloadManager` and keeps their rows current.

    Rows are written on every state change and, while bytes flow, at most every
    ``save_interval_s`` seconds per download (the GUI gets live progress from the manager's
    hooks, not from the database). With ``documents``, each finished download's chapters and
    transcript documents are fetched too (on a background thread; the transcript is indexed for
    search), so they work offline; :meth:`wait_for_documents` waits for those fetches.
    """

    def __init__(self, library: Library, manager: DownloadManager, *, folder: Path | None = None,
                 headers_for: HeadersFor | None = None, save_interval_s: float = 5.0,
                 documents: EpisodeDocuments | None = None) -> None:
        self.library = library
        self.manager = manager
        self.folder = folder or (library.paths or resolve_paths()).downloads
        self.headers_for = headers_for
        self.save_interval_s = save_interval_s
        self.documents = documents
        self._prefetches: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._starting = threading.Lock()
        self._episode_by_target: dict[Path, int] = {}
        self._handles: dict[int, DownloadHandle] = {}
        self._last_saved: dict[int, float] = {}
        manager.state_changed.connect(self._on_manager_state_changed)
        manager.progressed.connect(self._on_manager_progressed)

    def close(self) -> None:
        """Stop listening to the manager (it is not closed: the caller owns it)."""
        self.manager.state_changed.disconnect(self._on_manager_state_changed)
        self.manager.progressed.disconnect(self._on_manager_progressed)

    # -- starting and stopping -----------------------------------------------------------------

    def download(self, episode_id: int) -> DownloadHandle | None:
        """Queue the episode's enclosure; ``None`` when it is already downloaded and intact.

        A download already under way is returned as is; an interrupted one (paused, failed,
        or cut short by a restart) continues into its partial file. Raises
        :class:`~library.errors.NotFoundError` for an unknown episode and
        :class:`DownloadTargetError` for one without an audio file.
        """
        with self._starting:  # two quick calls for one episode must not race to two downloads
            return self._download(episode_id)

    def _download(self, episode_id: int) -> DownloadHandle | None:
        with self._lock:
            active = self._handles.get(episode_id)
        if active is not None and active.state in (DownloadState.QUEUED, DownloadState.RUNNING):
            return active
        with self.library.transaction() as session:
            episode = session.get(Episode, episode_id)
            if episode is None:
                raise NotFoundError(f"No episode {episode_id} in the library.")
            if not episode.enclosure_url:
                raise DownloadTargetError(f"“{episode.title}” has no audio file to download.")
            if episode.live_status is not None:  # a stream never ends: there is no file to fetch
                raise DownloadTargetError(f"“{episode.title}” is a live episode: live episodes are not supported yet.")
            if local_path_for(episode, session) is not None:
                return None
            row = session.scalars(select(Download).where(Download.episode_id == episode_id)).first()
            target = self._target_for(session, episode, row)
            if row is None:
                row = Download(episode_id=episode_id)
                session.add(row)
            row.path, row.state, row.error, row.completed_at = str(target), RowState.QUEUED, None, None
            url = episode.enclosure_url
            headers = self.headers_for(episode.podcast, url) if self.headers_for else None
        with self._lock:
            self._episode_by_target[target] = episode_id
        if active is not None and active.target == target and active.state in (DownloadState.PAUSED,
                                                                                DownloadState.FAILED):
            active.resume()
            return active
        handle = self.manager.enqueue(url, target, headers=headers)
        with self._lock:
            self._handles[episode_id] = handle
        return handle

    def handle_for(self, episode_id: int) -> DownloadHandle | None:
        """The manager's handle for the episode's download in this session, if any."""
        with self._lock:
            return self._handles.get(episode_id)

    def episode_id_for(self, handle: DownloadHandle) -> int | None:
        """The episode a handle of this service downloads."""
        with self._lock:
            return self._episode_by_target.get(handle.target)

    def resume_unfinished(self, *, include_paused: bool = False) -> list[DownloadHandle]:
        """Queue again every download the last session left queued or running (after a quit
        or a crash); paused ones stay paused unless ``include_paused``."""
        states = [RowState.QUEUED, RowState.DOWNLOADING] + ([RowState.PAUSED] if include_paused else [])
        with self.library.session() as session:
            episode_ids = session.scalars(
                select(Download.episode_id).where(Download.state.in_(states)).order_by(Download.id)
            ).all()
        handles = []
        for episode_id in episode_ids:
            handle = self.download(episode_id)
            if handle is not None:
                handles.append(handle)
        return handles

    def delete(self, episode_id: int) -> bool:
        """Stop any download of the episode and delete its file (and partial file); the row
        stays as a tombstone so auto-download leaves the episode alone. ``True`` if a file or
        a download existed."""
        handle = self.handle_for(episode_id)
        if handle is not None:
            handle.cancel()
            handle.wait(30.0)
        with self.library.transaction() as session:
            row = session.scalars(select(Download).where(Download.episode_id == episode_id)).first()
            if row is None:
                return handle is not None
            remove_download_files(row)
            tombstone(row)
        return True

    # -- keeping rows current ------------------------------------------------------------------

    def _on_manager_state_changed(self, progress: DownloadProgress) -> None:
        episode_id = self._episode_for(progress)
        if episode_id is None:
            return
        with self.library.transaction() as session:
            row = session.scalars(select(Download).where(Download.episode_id == episode_id)).first()
            if row is None or row.path != str(progress.target):
                return  # deleted or re-targeted meanwhile
            row.state = _ROW_STATES[progress.state]
            row.bytes_done = progress.bytes_done
            row.bytes_total = progress.total_bytes
            row.error = str(progress.error) if progress.error else None
            if progress.state is DownloadState.COMPLETED:
                row.completed_at = datetime.now(UTC)
            elif progress.state is DownloadState.CANCELLED:
                tombstone(row)
        with self._lock:
            self._last_saved[episode_id] = time.monotonic()
        if progress.state is DownloadState.COMPLETED and self.documents is not None:
            self._prefetch_documents(episode_id, self.documents)

    def _prefetch_documents(self, episode_id: int, documents: EpisodeDocuments) -> None:
        # Off the manager's observer thread: other downloads' states must not wait on a fetch.
        def fetch() -> None:
            try:
                documents.prefetch(episode_id)
            except Exception:  # housekeeping: the download itself succeeded
                log.exception("prefetching the documents of episode %s failed", episode_id)

        thread = threading.Thread(target=fetch, name=f"documents-{episode_id}", daemon=True)
        with self._lock:
            self._prefetches = [alive for alive in self._prefetches if alive.is_alive()] + [thread]
        thread.start()

    def wait_for_documents(self, timeout_s: float | None = None) -> None:
        """Wait (up to ``timeout_s`` seconds in all) for the document fetches of finished downloads."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        with self._lock:
            threads = list(self._prefetches)
        for thread in threads:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))

    def _on_manager_progressed(self, progress: DownloadProgress) -> None:
        episode_id = self._episode_for(progress)
        if episode_id is None:
            return
        now = time.monotonic()
        with self._lock:
            if now - self._last_saved.get(episode_id, 0.0) < self.save_interval_s:
                return
            self._last_saved[episode_id] = now
        with self.library.transaction() as session:
            row = session.scalars(select(Download).where(Download.episode_id == episode_id)).first()
            if row is not None and row.path == str(progress.target) and row.state is RowState.DOWNLOADING:
                row.bytes_done = progress.bytes_done
                row.bytes_total = progress.total_bytes

    def _episode_for(self, progress: DownloadProgress) -> int | None:
        with self._lock:
            return self._episode_by_target.get(progress.target)

    def _target_for(self, session: Session, episode: Episode, row: Download | None) -> Path:
        """The row's own path (a partial file may be waiting there, or a damaged copy to
        replace), else a fresh unique one."""
        if row is not None and row.path and row.state is not RowState.CANCELLED:
            return Path(row.path)
        taken = {
            Path(path)
            for path in session.scalars(
                select(Download.path).where(Download.path.is_not(None), Download.state.in_(_UNFINISHED))
            )
            if path
        }
        return episode_path(self.folder, episode.podcast.title, episode.title, episode.enclosure_url or "",
                            episode.enclosure_type, taken=taken)


def local_path_for(episode: Episode, session: Session | None = None) -> Path | None:
    """The episode's downloaded file when it is complete and still on disk, else ``None``.

    "Complete" means the row says so and the file's size matches the recorded length, so a
    file the listener deleted or truncated is streamed instead. ``session`` defaults to the
    one ``episode`` is attached to.
    """
    session = session or object_session(episode)
    if session is None:
        raise ValueError("local_path_for needs a session (the episode is detached)")
    row = session.scalars(select(Download).where(Download.episode_id == episode.id)).first()
    if row is None or row.state is not RowState.COMPLETED or not row.path:
        return None
    path = Path(row.path)
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if not path.is_file() or (row.bytes_total is not None and size != row.bytes_total):
        return None
    return path


def playback_location(episode: Episode, session: Session | None = None) -> str:
    """What the player should open: the local file when :func:`local_path_for` finds one,
    otherwise the enclosure URL (streaming). Raises :class:`NotFoundError` when neither exists."""
    path = local_path_for(episode, session)
    if path is not None:
        return str(path)
    if episode.enclosure_url:
        return episode.enclosure_url
    raise NotFoundError(f"“{episode.title}” has no audio file.")


def remove_download_files(row: Download) -> int:
    """Delete the row's file and any partial file; returns the bytes freed. Missing files are
    fine; other errors propagate (the caller keeps the row then)."""
    if not row.path:
        return 0
    path = Path(row.path)
    freed = 0
    for candidate in (path, PartialFile(path).part):
        try:
            freed += candidate.stat().st_size
            candidate.unlink()
        except FileNotFoundError:
            pass
    PartialFile(path).discard()
    return freed


def tombstone(row: Download) -> None:
    """Mark a row as "removed by the listener or a rule": no file, not to be fetched again."""
    row.state = RowState.CANCELLED
    row.path = None
    row.bytes_done = 0
    row.completed_at = None
