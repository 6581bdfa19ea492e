"""How much listening a ``kill -9`` loses: ``castwise play`` killed 20 times mid-episode.

Each round sets the stored position of a 40-second spoken episode (served over loopback HTTP) to
a random point in its first half, runs ``castwise play`` as a real process with VLC's silent
output, lets it play a random 2-8 s after it prints "Playing", sends SIGKILL, and compares the
stored position with what was heard (start + wall time played). Runs in a temporary
CASTWISE_HOME; the seed makes the schedule repeatable.

    python -m benchmarks.kill_position [--kills 20] [--seed 7]

Last line: ``{"median_loss_s": ..., "max_loss_s": ..., "min_loss_s": ..., "kills": ...}``
(``max_loss_s`` must be at most 5).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="castwise-bench-") as home:
        os.environ["CASTWISE_HOME"] = home
        # Imported after CASTWISE_HOME is set: every path below resolves inside it.
        from library.db import open_library
        from library.db.models import PlaybackState
        from tests.support.audio import make_clips
        from tests.support.httpserver import LocalHTTPServer, Resource
        from tests.support.playback_process import kill_mid_episode, seed_episode

        clip = make_clips(Path(home) / "audio", duration_s=40.0)["mp3"]
        losses: list[float] = []
        with LocalHTTPServer() as server, open_library() as library:
            url = server.add("/episode.mp3", Resource.from_file(clip.path, "audio/mpeg"))
            episode_id = seed_episode(library, url, title="Kill benchmark", duration_ms=clip.duration_ms)
            for kill in range(args.kills):
                start_ms = rng.randrange(0, 20_000, 250)
                with library.transaction() as session:
                    state = session.get(PlaybackState, episode_id) or PlaybackState(episode_id=episode_id)
                    state.position_ms = start_ms
                    state.played = False
                    session.add(state)
                play_for_s = rng.uniform(2.0, 8.0)
                result = kill_mid_episode(episode_id, play_for_s=play_for_s)
                losses.append(result.loss_ms / 1000)
                print(
                    f"kill {kill + 1:2d}: started {result.start_ms / 1000:5.2f} s, heard {result.played_ms / 1000:4.2f} s,"
                    f" stored {result.stored_ms / 1000:5.2f} s, lost {result.loss_ms / 1000:5.2f} s",
                    flush=True,
                )
    print(
        json.dumps(
            {
                "median_loss_s": round(statistics.median(losses), 2),
                "max_loss_s": round(max(losses), 2),
                "min_loss_s": round(min(losses), 2),
                "kills": len(losses),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
