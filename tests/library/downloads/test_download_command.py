"""``castwise download EPISODE | --new`` as a listener runs it: a real process, a real library
under CASTWISE_HOME, files from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from library.db import open_library
from library.db.models import Download, Episode, PlaybackState, Podcast, QueueEntry
from library.db.models import DownloadState as RowState
from library.paths import resolve_paths
from library.settings import DELETE_PLAYED_AFTER_DAYS, Settings
from tests.support.httpserver import LocalHTTPServer, Resource

ROOT = Path(__file__).resolve().parents[3]


def castwise(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.cli.main", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=dict(os.environ))


def add_show(server: LocalHTTPServer, title: str, episodes: list[tuple[str, int]], *,
             auto_download: bool = False) -> dict[str, tuple[int, bytes]]:
    """A podcast whose episodes are served by ``server``: {episode title: (id, body)}."""
    made: dict[str, tuple[int, bytes]] = {}
    with open_library() as library, library.transaction() as session:
        podcast = Podcast(feed_url=f"https://feeds.example/{title}.xml", title=title, auto_download=auto_download)
        session.add(podcast)
        session.flush()
        for episode_title, size in episodes:
            body = random.Random(episode_title).randbytes(size)
            url = server.add(f"/{title}/{episode_title}.mp3", Resource(body=body, content_type="audio/mpeg"))
            episode = Episode(podcast_id=podcast.id, title=episode_title, guid=episode_title, enclosure_url=url,
                              enclosure_type="audio/mpeg")
            session.add(episode)
            session.flush()
            made[episode_title] = (episode.id, body)
    return made


def test_download_an_episode_by_id_with_a_progress_line(http_server: LocalHTTPServer) -> None:
    episodes = add_show(http_server, "Show", [("Pilot", 120_000)])
    episode_id, body = episodes["Pilot"]

    result = castwise("download", str(episode_id))

    assert result.returncode == 0, result.stderr
    path = resolve_paths().downloads / "Show" / "Pilot.mp3"
    assert path.read_bytes() == body
    assert result.stdout.splitlines() == [f"downloaded  {episode_id}  Pilot  {path}"]
    assert "1/1 done · 120.0 kB of 120.0 kB (100%)" in result.stderr

    again = castwise("download", "Pilot")  # by guid this time: already there
    assert again.returncode == 0
    assert again.stdout.startswith(f"already     {episode_id}  Pilot  {path}")
    assert len(http_server.requests_for("/Show/Pilot.mp3")) == 1


def test_download_new_fetches_the_opted_in_podcasts(http_server: LocalHTTPServer) -> None:
    auto = add_show(http_server, "Auto", [("A1", 10_000), ("A2", 10_000)], auto_download=True)
    add_show(http_server, "Manual", [("M1", 10_000)])

    result = castwise("download", "--new")

    assert result.returncode == 0, result.stderr
    folder = resolve_paths().downloads
    assert sorted(path.name for path in (folder / "Auto").iterdir()) == ["A1.mp3", "A2.mp3"]
    assert not (folder / "Manual").exists()
    assert sum(line.startswith("downloaded") for line in result.stdout.splitlines()) == 2
    with open_library() as library, library.session() as session:
        states = session.scalars(select(Download.state)).all()
    assert sorted(states) == [RowState.COMPLETED, RowState.COMPLETED]
    assert (folder / "Auto" / "A1.mp3").read_bytes() == auto["A1"][1]

    again = castwise("download", "--new")
    assert again.returncode == 0 and again.stdout.strip() == "nothing new to download"


def test_failures_and_unknown_episodes_are_one_clear_line(http_server: LocalHTTPServer) -> None:
    episodes = add_show(http_server, "Show", [("Broken", 1_000)])
    episode_id, _ = episodes["Broken"]
    http_server.add("/Show/Broken.mp3", Resource(status=404))

    result = castwise("download", str(episode_id))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.strip() == (
        f"failed      {episode_id}  Broken: The episode file is gone from the server (404 Not Found)."
    )

    unknown = castwise("download", "99999")
    assert unknown.returncode == 1
    assert unknown.stderr.strip().startswith("castwise: No episode '99999' in the library")

    usage = castwise("download")
    assert usage.returncode == 2 and "give EPISODE ids, --new or --clean-up" in usage.stderr


def _interruptible() -> None:
    """Ctrl+C reaches the command as it would from a terminal. A shell that starts the suite in
    the background (``cmd &``) makes everything it starts ignore SIGINT, and Python then leaves it
    ignored; a listener's terminal never does that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_pauses_and_the_next_run_continues(http_server: LocalHTTPServer) -> None:
    episodes = add_show(http_server, "Slow", [("Long", 400_000)])
    episode_id, body = episodes["Long"]
    http_server.add("/Slow/Long.mp3", Resource(body=body, content_type="audio/mpeg", drip_bytes_per_s=100_000))
    partial = resolve_paths().downloads / "Slow" / "Long.mp3.part"

    process = subprocess.Popen([sys.executable, "-m", "app.cli.main", "download", str(episode_id)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ),
                               preexec_fn=_interruptible)
    try:
        deadline = time.monotonic() + 60
        while not (partial.exists() and partial.stat().st_size >= 50_000):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()

    assert process.returncode == 130
    assert "paused; run the same command again to continue" in stderr and "Traceback" not in stderr
    kept = partial.stat().st_size
    assert 50_000 <= kept < len(body)
    with open_library() as library, library.session() as session:
        row = session.scalars(select(Download)).one()
        assert row.state is RowState.PAUSED

    http_server.add("/Slow/Long.mp3", Resource(body=body, content_type="audio/mpeg"))
    result = castwise("download", str(episode_id))
    assert result.returncode == 0, result.stderr
    assert (resolve_paths().downloads / "Slow" / "Long.mp3").read_bytes() == body
    assert http_server.requests_for("/Slow/Long.mp3")[-1].headers["Range"] == f"bytes={kept}-"


def test_clean_up_follows_the_settings_and_spares_the_queue(http_server: LocalHTTPServer) -> None:
    episodes = add_show(http_server, "Show", [("Old", 3_000), ("Queued", 3_000), ("Fresh", 3_000)])
    ids = {title: episode_id for title, (episode_id, _) in episodes.items()}
    assert castwise("download", *map(str, ids.values())).returncode == 0
    long_ago = datetime.now(UTC) - timedelta(days=30)
    with open_library() as library:
        with library.transaction() as session:
            for title in ("Old", "Queued"):
                session.add(PlaybackState(episode_id=ids[title], played=True, completed_at=long_ago))
            session.add(PlaybackState(episode_id=ids["Fresh"], played=True, completed_at=datetime.now(UTC)))
            session.add(QueueEntry(episode_id=ids["Queued"], position=0))
        Settings(library).set(DELETE_PLAYED_AFTER_DAYS, 7)

    result = castwise("download", "--clean-up")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"deleted     {ids['Old']}  Old",
        f"kept        {ids['Queued']}  Queued (queued or in progress)",
        "cleanup: 1 downloads deleted, 3.0 kB freed",
    ]
    folder = resolve_paths().downloads / "Show"
    assert sorted(path.name for path in folder.iterdir()) == ["Fresh.mp3", "Queued.mp3"]

    # --played-days overrides the setting for one run.
    result = castwise("download", "--clean-up", "--played-days", "0")
    assert f"deleted     {ids['Fresh']}  Fresh" in result.stdout.splitlines()
    assert sorted(path.name for path in folder.iterdir()) == ["Queued.mp3"]
