"""A full disk gives a clear error and leaves no partial file: checked on a real, tiny disk.

Each case runs the downloads in a child process (tests/library/downloads/disk_child.py): on a
1 MiB tmpfs mounted in a private mount namespace (``unshare -m``, as root), and under
RLIMIT_FSIZE, where the kernel refuses writes past a size with EFBIG.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.httpserver import LocalHTTPServer, Resource

ROOT = Path(__file__).resolve().parents[3]


def run_child(*args: str, prefix: tuple[str, ...] = ()) -> dict[str, Any]:
    command = [*prefix, sys.executable, "-m", "tests.library.downloads.disk_child", *args]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def private_mounts_available() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "true"], capture_output=True)
    return probe.returncode == 0


needs_private_mounts = pytest.mark.skipif(
    not private_mounts_available(),
    reason="needs root and unshare -m for a private tmpfs; the RLIMIT_FSIZE test covers the write path",
)
UNSHARE = ("unshare", "-m", "--propagation", "private")


@needs_private_mounts
def test_a_file_larger_than_the_free_space_is_refused_before_filling_the_disk(
    http_server: LocalHTTPServer, tmp_path: Path
) -> None:
    url = http_server.add("/big.mp3", Resource(body=random.randbytes(2_000_000)))

    report = run_child("--tmpfs", "1m", str(tmp_path / "disk"), url, prefix=UNSHARE)

    [download] = report["downloads"]
    assert download["state"] == "failed" and download["error"] == "DiskFullError"
    assert "Not enough disk space to save “episode0.mp3”" in download["message"]
    assert "needs 2.0 MB" in download["message"]
    assert report["files"] == []


@needs_private_mounts
def test_a_disk_that_fills_up_mid_download_leaves_no_partial_file(
    http_server: LocalHTTPServer, tmp_path: Path
) -> None:
    body = random.randbytes(600_000)
    url = http_server.add("/mid.mp3", Resource(body=body))

    report = run_child("--tmpfs", "1m", "--fill-on-progress", str(tmp_path / "disk"), url, prefix=UNSHARE)

    assert report["filled"]
    [download] = report["downloads"]
    assert download["state"] == "failed" and download["error"] == "DiskFullError"
    assert "free some space" in download["message"]
    assert report["files"] == ["filler"]  # the other program's file; nothing of ours


def test_a_write_refused_by_the_file_size_limit_leaves_no_partial_file(
    http_server: LocalHTTPServer, tmp_path: Path
) -> None:
    ok_body = random.randbytes(100_000)
    big_url = http_server.add("/big.mp3", Resource(body=random.randbytes(1_000_000)))
    ok_url = http_server.add("/ok.mp3", Resource(body=ok_body))

    report = run_child("--fsize-limit", "300000", str(tmp_path / "disk"), big_url, ok_url)

    big, ok = report["downloads"]
    assert big["state"] == "failed" and big["error"] == "DiskFullError"
    assert "too large for the disk or file system" in big["message"]
    assert ok["state"] == "completed"
    assert report["files"] == ["episode1.mp3"]
    assert (tmp_path / "disk" / "episode1.mp3").read_bytes() == ok_body
