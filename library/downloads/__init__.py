"""Episode downloads: a bounded, resumable download manager, safe file names, and the rules
that tie downloads to the library (auto-download, cleanup, local playback)."""

from __future__ import annotations

from library.downloads.errors import (
    DiskFullError,
    DownloadAuthError,
    DownloadError,
    DownloadHTTPError,
    DownloadLengthError,
    DownloadNetworkError,
    DownloadStorageError,
    DownloadTargetError,
)
from library.downloads.manager import DownloadHandle, DownloadManager, RetryPolicy
from library.downloads.progress import DownloadProgress, DownloadState

__all__ = [
    "DiskFullError",
    "DownloadAuthError",
    "DownloadError",
    "DownloadHTTPError",
    "DownloadHandle",
    "DownloadLengthError",
    "DownloadManager",
    "DownloadNetworkError",
    "DownloadProgress",
    "DownloadState",
    "DownloadStorageError",
    "DownloadTargetError",
    "RetryPolicy",
]
