"""Run downloads on a deliberately tiny disk, in a process of its own; report as JSON.

    python -m tests.library.downloads.disk_child --tmpfs 1m FOLDER URL...   # inside `unshare -m`
    python -m tests.library.downloads.disk_child --fsize-limit 300000 FOLDER URL...

``--tmpfs`` mounts a tmpfs of that size on FOLDER (only in this process's private mount
namespace, so nothing outside sees it); ``--fill-on-progress`` then writes a filler file that
takes every free byte as soon as the first download reports progress, as another program
filling the disk mid-download would. ``--fsize-limit`` sets RLIMIT_FSIZE instead, so writes past
that many bytes fail with EFBIG. The last line of output is a JSON object: each download's state,
error class and message, and the files left in FOLDER.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from library.downloads import DownloadManager, DownloadProgress, RetryPolicy


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tmpfs")
    parser.add_argument("--fsize-limit", type=int)
    parser.add_argument("--fill-on-progress", action="store_true")
    parser.add_argument("folder", type=Path)
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args(argv)

    folder: Path = args.folder
    folder.mkdir(parents=True, exist_ok=True)
    if args.tmpfs:
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={args.tmpfs}", "tmpfs", str(folder)], check=True)
    if args.fsize_limit:
        resource.setrlimit(resource.RLIMIT_FSIZE, (args.fsize_limit, args.fsize_limit))

    filled = threading.Event()

    def fill(progress: DownloadProgress) -> None:
        if progress.bytes_done > 0 and not filled.is_set():
            filled.set()
            with open(folder / "filler", "wb") as filler:
                try:
                    filler.write(b"\0" * shutil.disk_usage(folder).free)
                except OSError:
                    pass  # full: that was the point

    retry = RetryPolicy(attempts=2, base_delay_s=0.01)
    with DownloadManager(max_concurrent=2, retry=retry, progress_interval_s=0.0) as manager:
        if args.fill_on_progress:
            manager.progressed.connect(fill)
        handles = [manager.enqueue(url, folder / f"episode{index}.mp3") for index, url in enumerate(args.urls)]
        for handle in handles:
            handle.wait(60)
    report = {
        "downloads": [
            {
                "state": str(handle.state),
                "error": type(handle.error).__name__ if handle.error else None,
                "message": str(handle.error) if handle.error else None,
            }
            for handle in handles
        ],
        "files": sorted(path.name for path in folder.iterdir()),
        "filled": filled.is_set(),
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
