"""Download throughput over loopback: Castwise's download manager against ``curl -o``.

    python -m benchmarks.download [--size-mb 200] [--rounds 3]

A file of random bytes is generated in a temporary folder and served from 127.0.0.1 by a small
server in its own process that answers with ``sendfile(2)`` (zero-copy), so the server is not
the bottleneck and its CPU time is not counted as ours. Each round downloads the file once with
curl and once with :class:`library.downloads.DownloadManager` (alternating which goes first),
into the same folder, after one unmeasured warm-up download each; the medians over the rounds
are compared.

The last line is one JSON object: ``ratio_vs_curl`` (our throughput / curl's, higher is better),
``cpu_s_per_100mb`` (this process's CPU seconds, user + system, per 100 MB downloaded), and the
raw medians.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def serve(path: Path) -> None:
    """Serve ``path`` at every URL with sendfile; print the port, then serve until killed."""
    size = path.stat().st_size

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "audio/mpeg")
            self.send_header("Content-Length", str(size))
            self.send_header("ETag", '"benchmark"')
            self.end_headers()
            with path.open("rb") as file:
                self.connection.sendfile(file)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def make_file(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as file:
        remaining = size
        while remaining:
            block = os.urandom(min(remaining, 8 << 20))
            digest.update(block)
            file.write(block)
            remaining -= len(block)
    return digest.hexdigest()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(8 << 20):
            digest.update(block)
    return digest.hexdigest()


def run_curl(curl: str, url: str, out: Path) -> tuple[float, float]:
    """Wall seconds and curl's CPU seconds for one download."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([curl, "-s", "-S", "-f", "-o", str(out), url], check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run_ours(url: str, out: Path) -> tuple[float, float]:
    """Wall seconds and this process's CPU seconds for one download with the manager."""
    from library.downloads import DownloadManager, DownloadState

    with DownloadManager(max_concurrent=1) as manager:
        cpu_before = time.process_time()
        start = time.perf_counter()
        handle = manager.enqueue(url, out)
        state = handle.wait()
        wall = time.perf_counter() - start
        cpu = time.process_time() - cpu_before
    if state is not DownloadState.COMPLETED:
        raise SystemExit(f"download failed: {handle.error}")
    return wall, cpu


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200, help="file size in MB (10^6 bytes)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return 0
    curl = shutil.which("curl")
    if curl is None:
        raise SystemExit("curl is needed for the comparison (apt-get install curl)")

    size = args.size_mb * 1_000_000
    with tempfile.TemporaryDirectory(prefix="castwise-download-bench-") as folder:
        source = Path(folder) / "source.bin"
        expected = make_file(source, size)
        server = subprocess.Popen([sys.executable, "-m", "benchmarks.download", "--serve", str(source)],
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert server.stdout is not None
            url = f"http://127.0.0.1:{int(server.stdout.readline())}/episode.mp3"
            # One unmeasured download each first: imports, connection set-up and page cache.
            for who in ("curl", "ours"):
                out = Path(folder) / f"warm-up-{who}.mp3"
                run_curl(curl, url, out) if who == "curl" else run_ours(url, out)
                out.unlink()
            curl_walls: list[float] = []
            curl_cpus: list[float] = []
            our_walls: list[float] = []
            our_cpus: list[float] = []
            for round_number in range(args.rounds):
                order = ("curl", "ours") if round_number % 2 == 0 else ("ours", "curl")
                for who in order:
                    out = Path(folder) / f"{who}.mp3"
                    wall, cpu = run_curl(curl, url, out) if who == "curl" else run_ours(url, out)
                    if sha256(out) != expected:
                        raise SystemExit(f"{who} downloaded a different file")
                    out.unlink()
                    (curl_walls if who == "curl" else our_walls).append(wall)
                    (curl_cpus if who == "curl" else our_cpus).append(cpu)
                    print(f"round {round_number + 1} {who:4}: {size / wall / 1e6:8.1f} MB/s, "
                          f"{wall:.3f} s wall, {cpu:.3f} s CPU", flush=True)
        finally:
            server.terminate()
            server.wait()

    curl_mb_s = size / statistics.median(curl_walls) / 1e6
    our_mb_s = size / statistics.median(our_walls) / 1e6
    result = {
        "size_mb": args.size_mb,
        "rounds": args.rounds,
        "server": "python http.server + sendfile(2), separate process",
        "ours_mb_per_s": round(our_mb_s, 1),
        "curl_mb_per_s": round(curl_mb_s, 1),
        "ratio_vs_curl": round(our_mb_s / curl_mb_s, 3),
        "cpu_s_per_100mb": round(statistics.median(our_cpus) / size * 100_000_000, 3),
        "curl_cpu_s_per_100mb": round(statistics.median(curl_cpus) / size * 100_000_000, 3),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
