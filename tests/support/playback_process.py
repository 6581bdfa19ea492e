"""Run ``castwise play`` as a real process and kill it with SIGKILL mid-episode (tests, benchmarks).

    episode_id = seed_episode(library, url, duration_ms=30_000)
    result = kill_mid_episode(episode_id, play_for_s=4.0)
    result.loss_ms   # how much listening the stored position lost
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from library.db.engine import Library, open_library
from library.db.models import Episode, PlaybackState, Podcast

ROOT = Path(__file__).resolve().parents[2]


def seed_episode(
    library: Library,
    enclosure_url: str,
    *,
    title: str = "Kill test episode",
    duration_ms: int | None = None,
    feed_url: str = "http://127.0.0.1/castwise-test-feed.xml",
    guid: str | None = None,
    chapters: list[dict[str, object]] | None = None,
    default_speed: float | None = None,
) -> int:
    """Add (or reuse) a podcast and add one episode; returns the episode id."""
    with library.transaction() as session:
        podcast = session.query(Podcast).filter_by(feed_url=feed_url).first()
        if podcast is None:
            podcast = Podcast(feed_url=feed_url, title="Castwise Test Radio", default_speed=default_speed)
            session.add(podcast)
            session.flush()
        episode = Episode(
            podcast_id=podcast.id,
            guid=guid or f"{title}-{time.monotonic_ns()}",
            title=title,
            enclosure_url=enclosure_url,
            enclosure_type="audio/mpeg",
            duration_ms=duration_ms,
            chapters=chapters or [],
        )
        session.add(episode)
        session.flush()
        return int(episode.id)


def castwise_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "app.cli.main", *args]


@dataclass(frozen=True)
class KillResult:
    start_ms: int
    """Where playback started (milliseconds)."""
    played_ms: int
    """Wall time from "Playing" until the kill (milliseconds; the listener heard this much)."""
    stored_ms: int
    """The position in the library after the kill."""

    @property
    def loss_ms(self) -> int:
        """How far behind what was heard the stored position is (milliseconds)."""
        return self.start_ms + self.played_ms - self.stored_ms


def stored_position(episode_id: int) -> int:
    with open_library() as library, library.session() as session:
        state = session.get(PlaybackState, episode_id)
        return state.position_ms if state is not None else 0


def kill_mid_episode(episode_id: int, *, play_for_s: float, start_timeout_s: float = 30.0) -> KillResult:
    """Start ``castwise play`` (silent output, not a terminal), wait for its "Playing" line, let it
    play ``play_for_s`` seconds, SIGKILL it, and read the stored position back."""
    start_ms = stored_position(episode_id)
    process = subprocess.Popen(
        castwise_command("play", str(episode_id), "--aout", "adummy"),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    lines: queue.Queue[str] = queue.Queue()
    stdout = process.stdout
    assert stdout is not None

    def forward() -> None:
        for text in stdout:
            lines.put(text)

    threading.Thread(target=forward, daemon=True).start()
    deadline = time.monotonic() + start_timeout_s
    try:
        while True:
            try:
                line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError("castwise play did not start playing") from None
            if line.startswith("Playing"):
                started = time.monotonic()
                break
        time.sleep(play_for_s)
        os.kill(process.pid, signal.SIGKILL)
        played_ms = round((time.monotonic() - started) * 1000)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
    stderr = process.stderr.read() if process.stderr else ""
    if process.returncode != -signal.SIGKILL:
        raise AssertionError(f"castwise play ended by itself ({process.returncode}): {stderr[-500:]}")
    return KillResult(start_ms=start_ms, played_ms=played_ms, stored_ms=stored_position(episode_id))
