"""Media storage for premium uploads: a local folder by default.

An S3-compatible store implements the same three methods (``put`` streaming from a file object,
``open``, ``delete``); the local one keeps files under random keys so names reveal nothing.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import BinaryIO, Protocol


class StorageFull(ValueError):
    """The upload is larger than allowed; nothing was kept."""


class MediaStorage(Protocol):
    def put(self, source: BinaryIO, *, max_bytes: int) -> tuple[str, int]:
        """Store ``source``; return (key, size in bytes). Raise :class:`StorageFull` past ``max_bytes``."""

    def path(self, key: str) -> Path | None:
        """A local file for ``key`` if this store has one (served with HTTP Range by the web layer)."""

    def delete(self, key: str) -> None: ...


class LocalFolderStorage:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, source: BinaryIO, *, max_bytes: int) -> tuple[str, int]:
        self.folder.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(16)
        target = self.folder / key
        temporary = self.folder / (key + ".part")
        size = 0
        try:
            with temporary.open("wb") as handle:
                while chunk := source.read(1024 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise StorageFull(f"uploads are limited to {max_bytes} bytes")
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            temporary.replace(target)
        finally:
            temporary.unlink(missing_ok=True)
        return key, size

    def path(self, key: str) -> Path | None:
        if not key.isalnum():
            return None
        candidate = self.folder / key
        return candidate if candidate.is_file() else None

    def delete(self, key: str) -> None:
        if key.isalnum():
            (self.folder / key).unlink(missing_ok=True)
