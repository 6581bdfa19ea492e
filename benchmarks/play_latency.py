"""Time from ``play()`` to the VLC engine reporting PLAYING, for a local file and over loopback HTTP.

Plays an 8-second spoken mp3 (espeak-ng + sox) through VLC's silent output (``--aout=adummy``).
One engine per source; the first open of each is a warm-up (VLC loads its plugins) and is
reported separately. The figures are medians over ``--rounds`` opens.

    python -m benchmarks.play_latency [--rounds 9]

Last line: ``{"local_ms": ..., "http_ms": ..., "local_first_ms": ..., "http_first_ms": ...,
"rounds": ...}``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

from player.engine import PlaybackState
from player.vlc_engine import VlcEngine
from tests.support.audio import make_clips
from tests.support.httpserver import LocalHTTPServer, Resource


def _time_opens(location: str, rounds: int) -> list[float]:
    """Milliseconds from play() to the PLAYING state, ``rounds + 1`` times (the first is warm-up)."""
    engine = VlcEngine(extra_options=("--aout=adummy",))
    playing = threading.Event()
    engine.state_changed.connect(lambda _old, new: playing.set() if new is PlaybackState.PLAYING else None)
    timings: list[float] = []
    try:
        for _ in range(rounds + 1):
            engine.load(location)
            playing.clear()
            started = time.perf_counter()
            engine.play()
            if not playing.wait(timeout=15):
                raise RuntimeError(f"{location} did not start playing: {engine.last_error}")
            timings.append((time.perf_counter() - started) * 1000)
            engine.stop()
    finally:
        engine.close()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="castwise-bench-") as folder:
        clip = make_clips(Path(folder))["mp3"]
        with LocalHTTPServer() as server:
            url = server.add("/episode.mp3", Resource.from_file(clip.path, "audio/mpeg"))
            local = _time_opens(str(clip.path), args.rounds)
            http = _time_opens(url, args.rounds)
    for name, timings in (("local", local), ("http", http)):
        rest = ", ".join(f"{value:.1f}" for value in timings[1:])
        print(f"{name}: first {timings[0]:.1f} ms, then {rest} ms")
    result = {
        "local_ms": round(statistics.median(local[1:]), 1),
        "http_ms": round(statistics.median(http[1:]), 1),
        "local_first_ms": round(local[0], 1),
        "http_first_ms": round(http[0], 1),
        "rounds": args.rounds,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
