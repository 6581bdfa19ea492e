"""Podcast artwork, fetched and cached in the background.

Images are downloaded once (at most :data:`MAX_BYTES`, with a timeout), decoded and scaled to
:data:`SIZE_PX` on a worker thread as ``QImage`` (safe off the GUI thread, unlike ``QPixmap``),
kept on disk under the artwork cache (named by a hash of the URL) and in memory for the run. The
GUI thread only turns finished images into pixmaps.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap

from app.tasks import TaskRunner

log = logging.getLogger(__name__)

SIZE_PX = 128
MAX_BYTES = 5_000_000
TIMEOUT_S = 15.0
THREADS = 4


class ArtworkLoader(QObject):
    artwork_ready = Signal(str, QPixmap)
    """The image URL and its pixmap (at most SIZE_PX square)."""

    def __init__(self, cache_dir: Path, *, tasks: TaskRunner | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache_dir = cache_dir
        if tasks is None:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(THREADS)
            tasks = TaskRunner(pool, parent=self)
        self._tasks = tasks
        self._pixmaps: dict[str, QPixmap] = {}
        self._pending: set[str] = set()
        self._failed: set[str] = set()
        self._queued: list[str] = []

    def cached(self, url: str) -> QPixmap | None:
        return self._pixmaps.get(url)

    def request(self, url: str | None) -> None:
        """Ask for ``url``'s artwork; :attr:`artwork_ready` follows once it is there."""
        if not url or url in self._pending or url in self._failed:
            return
        if url in self._pixmaps:
            self.artwork_ready.emit(url, self._pixmaps[url])
            return
        self._pending.add(url)
        # Requests come from rows being drawn: the loads start on the next event-loop turn, once
        # the frame is painted, so the workers do not compete with the painting for the
        # interpreter.
        if not self._queued:
            QTimer.singleShot(0, self._start_queued)
        self._queued.append(url)

    def _start_queued(self) -> None:
        queued, self._queued = self._queued, []
        for url in queued:
            self._tasks.submit(
                load_image, url, self._cache_dir,
                on_result=lambda image, url=url: self._on_image_loaded(url, image),
                on_error=lambda error, url=url: self._on_image_failed(url, error),
            )

    def _on_image_loaded(self, url: str, image: QImage) -> None:
        self._pending.discard(url)
        pixmap = QPixmap.fromImage(image)
        self._pixmaps[url] = pixmap
        self.artwork_ready.emit(url, pixmap)

    def _on_image_failed(self, url: str, error: BaseException) -> None:
        self._pending.discard(url)
        self._failed.add(url)  # not retried this run: a broken image URL stays broken for a while
        log.info("artwork %s not loaded: %s", url, error)


def cache_path(cache_dir: Path, url: str) -> Path:
    return cache_dir / f"{hashlib.sha256(url.encode()).hexdigest()[:32]}.png"


def load_image(url: str, cache_dir: Path) -> QImage:
    """Worker-thread job: the scaled image for ``url``, from the disk cache or the network."""
    path = cache_path(cache_dir, url)
    if path.is_file():
        image = QImage(str(path))
        if not image.isNull():
            return image
    data = download_bytes(url)
    image = QImage.fromData(data)
    if image.isNull():
        raise ValueError("not an image")
    image = image.scaled(SIZE_PX, SIZE_PX, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    image.save(str(partial), "PNG")
    partial.replace(path)
    return image


def download_bytes(url: str) -> bytes:
    """The body at ``url`` (at most MAX_BYTES, with a timeout); raises on HTTP errors."""
    if url.startswith("file:"):
        return Path(url.removeprefix("file://")).read_bytes()[:MAX_BYTES]
    import httpx  # imported on first use: it costs start-up time and start-up needs none of it

    client = httpx.Client(timeout=TIMEOUT_S, follow_redirects=True, headers={"User-Agent": "Castwise"})
    with client, client.stream("GET", url) as response:
        response.raise_for_status()
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_BYTES:
                raise ValueError("artwork larger than 5 MB")
            chunks.append(chunk)
    return b"".join(chunks)


def fetch_images(urls: list[str]) -> dict[str, QImage]:
    """Worker thread: the show notes' images the listener allowed, each size-capped (at most
    MAX_BYTES); an image that fails is left out (logged), never hiding the others."""
    images: dict[str, QImage] = {}
    for url in urls:
        try:
            image = QImage.fromData(download_bytes(url))
        except Exception as error:  # one broken image must not hide the others
            log.info("show-notes image %s not loaded: %s", url, error)
            continue
        if not image.isNull():
            images[url] = image
    return images
