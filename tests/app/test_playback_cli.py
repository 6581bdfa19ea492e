"""The playback commands as a listener runs them: ``castwise play`` as a real process (VLC with a
silent output, real audio over HTTP from 127.0.0.1, the real library), including a ``kill -9``
mid-episode; ``castwise rate`` and ``castwise queue``."""

from __future__ import annotations

import json
import os
import pty
import select as io_select
import subprocess
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from app.cli.main import main
from library.db import open_library
from library.db.engine import Library
from library.db.models import ListeningEvent, ListeningEventKind, PlaybackState
from tests.support.audio import Clip, make_clips
from tests.support.httpserver import LocalHTTPServer, Resource
from tests.support.playback_process import ROOT, castwise_command, kill_mid_episode, seed_episode

MAX_LOSS_MS = 5000


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Clip]:
    return make_clips(tmp_path_factory.mktemp("cli-audio"))


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> Clip:
    return make_clips(tmp_path_factory.mktemp("cli-audio-long"), duration_s=30.0)["mp3"]


@pytest.fixture
def library() -> Iterator[Library]:
    with open_library() as opened:
        yield opened


def kinds_of(library: Library, episode_id: int) -> list[ListeningEventKind]:
    with library.session() as session:
        return list(
            session.scalars(
                select(ListeningEvent.kind).where(ListeningEvent.episode_id == episode_id).order_by(ListeningEvent.id)
            )
        )


def run_castwise(*args: str, timeout_s: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        castwise_command(*args), cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=timeout_s,
    )


def test_play_without_a_terminal_plays_to_the_end_and_marks_the_episode_played(
    library: Library, clips: dict[str, Clip], http_server: LocalHTTPServer
) -> None:
    url = http_server.add("/ep.mp3", Resource.from_file(clips["mp3"].path, "audio/mpeg"))
    episode_id = seed_episode(library, url, title="Short one", duration_ms=8000)
    result = run_castwise("play", str(episode_id), "--from", "5", "--rate", "1.5", "--aout", "adummy")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Playing 'Short one' from 0:05 at 1.5x"
    assert any(line.startswith("playing  0:0") and "/ 0:08" in line for line in lines[1:])
    assert "Traceback" not in result.stderr
    with library.session() as session:
        state = session.get(PlaybackState, episode_id)
        assert state is not None and state.played and state.speed == 1.5
    assert kinds_of(library, episode_id) == [ListeningEventKind.PLAY, ListeningEventKind.COMPLETE]


def test_after_kill_9_mid_episode_at_most_five_seconds_are_lost(
    library: Library, long_clip: Clip, http_server: LocalHTTPServer
) -> None:
    url = http_server.add("/long.mp3", Resource.from_file(long_clip.path, "audio/mpeg"))
    episode_id = seed_episode(library, url, title="Long one", duration_ms=30_000)
    first = kill_mid_episode(episode_id, play_for_s=3.3)
    assert first.start_ms == 0 and first.stored_ms > 0
    assert first.loss_ms <= MAX_LOSS_MS
    # The next run resumes where the stored position says, and is saved again when killed.
    second = kill_mid_episode(episode_id, play_for_s=5.1)
    assert second.start_ms == first.stored_ms
    assert second.stored_ms > second.start_ms + 2000
    assert second.loss_ms <= MAX_LOSS_MS


def test_play_errors_are_one_clear_line_without_a_traceback(
    library: Library, http_server: LocalHTTPServer
) -> None:
    gone = seed_episode(library, http_server.url("/gone/episode-9.mp3"), title="Gone")
    result = run_castwise("play", str(gone), "--aout", "adummy")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "castwise: The server no longer has episode-9.mp3 (HTTP 404); the episode may have been removed."
    ]
    unknown = run_castwise("play", "99999")
    assert unknown.returncode == 1 and "No episode '99999' in the library" in unknown.stderr
    bad_rate = run_castwise("play", str(gone), "--rate", "5")
    assert bad_rate.returncode == 1 and "between 0.5x and 3.0x" in bad_rate.stderr
    for result in (unknown, bad_rate):
        assert "Traceback" not in result.stderr


def test_rate_records_like_not_interested_and_clear(
    library: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    episode_id = seed_episode(library, "http://127.0.0.1:9/e.mp3", title="Rated", guid="rated-guid")
    assert main(["rate", str(episode_id), "like"]) == 0
    assert main(["rate", "rated-guid", "not-interested"]) == 0  # a guid works as well as an id
    assert main(["rate", str(episode_id), "clear"]) == 0
    assert "Marked 'Rated'" in capsys.readouterr().out
    assert kinds_of(library, episode_id) == [
        ListeningEventKind.LIKE,
        ListeningEventKind.NOT_INTERESTED,
        ListeningEventKind.CLEAR_RATING,
    ]
    with pytest.raises(SystemExit):
        main(["rate", str(episode_id), "love"])


def test_queue_commands_change_the_stored_queue(library: Library, capsys: pytest.CaptureFixture[str]) -> None:
    a, b, c = (seed_episode(library, f"http://127.0.0.1:9/{n}.mp3", title=f"Ep {n}") for n in "abc")
    assert main(["queue"]) == 0
    assert capsys.readouterr().out.strip() == "The queue is empty."
    assert main(["queue", "add", str(a), str(b)]) == 0
    assert main(["queue", "add", "--next", str(c)]) == 0
    assert main(["queue", "move", str(a), "1"]) == 0
    capsys.readouterr()
    assert main(["queue", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [row["id"] for row in listed] == [a, c, b]
    assert listed[0] == {"position": 1, "id": a, "title": "Ep a"}
    assert main(["queue", "remove", str(c)]) == 0
    assert main(["queue", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == [f"  1. [{a}] Ep a", f"  2. [{b}] Ep b"]
    assert main(["queue", "move", str(c), "1"]) == 1
    assert "not in the queue" in capsys.readouterr().err
    assert main(["queue", "clear"]) == 0
    with open_library() as reopened, reopened.session() as session:
        from library.db.models import QueueEntry

        assert session.scalars(select(QueueEntry)).all() == []


def test_on_a_terminal_keys_pause_skip_and_quit(
    library: Library, long_clip: Clip, http_server: LocalHTTPServer
) -> None:
    url = http_server.add("/keys.mp3", Resource.from_file(long_clip.path, "audio/mpeg"))
    episode_id = seed_episode(library, url, title="Keys", duration_ms=30_000)
    controller_fd, terminal_fd = pty.openpty()
    process = subprocess.Popen(
        castwise_command("play", str(episode_id), "--from", "12", "--aout", "adummy"),
        cwd=ROOT, stdin=terminal_fd, stdout=terminal_fd, stderr=terminal_fd,
    )
    os.close(terminal_fd)
    seen = b""

    def read_until(marker: bytes, timeout_s: float = 20) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout_s
        while marker not in seen:
            assert time.monotonic() < deadline, f"no {marker!r} in {seen[-300:]!r}"
            if io_select.select([controller_fd], [], [], 0.1)[0]:
                seen += os.read(controller_fd, 4096)

    def wait_for_event(kind: ListeningEventKind) -> None:
        deadline = time.monotonic() + 10
        while kind not in kinds_of(library, episode_id):
            assert time.monotonic() < deadline, f"no {kind} event"
            time.sleep(0.05)

    try:
        read_until(b"Playing 'Keys' from 0:12")
        read_until(b"space pause/resume")
        os.write(controller_fd, b" ")
        wait_for_event(ListeningEventKind.PAUSE)
        read_until(b"paused")
        os.write(controller_fd, b"\x1b[D")  # left arrow: 10 s back
        wait_for_event(ListeningEventKind.SKIP)
        os.write(controller_fd, b"q")
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller_fd)
    assert kinds_of(library, episode_id) == [
        ListeningEventKind.PLAY, ListeningEventKind.PAUSE, ListeningEventKind.SKIP,
    ]
    with library.session() as session:
        skip = session.scalars(select(ListeningEvent).where(ListeningEvent.kind == ListeningEventKind.SKIP)).one()
        state = session.get(PlaybackState, episode_id)
    assert skip.from_ms is not None and skip.to_ms == skip.from_ms - 10_000
    # Paused after the skip: quitting stored that spot (VLC may settle a little off the target).
    assert state is not None and abs(state.position_ms - skip.to_ms) <= 500


def test_play_with_queue_goes_on_with_up_next_and_sigterm_saves_the_spot(
    library: Library, clips: dict[str, Clip], long_clip: Clip, http_server: LocalHTTPServer
) -> None:
    from app.playback import PlaybackStore
    from player.controller import PositionCheckpoint

    short = http_server.add("/short.mp3", Resource.from_file(clips["mp3"].path, "audio/mpeg"))
    long = http_server.add("/long.mp3", Resource.from_file(long_clip.path, "audio/mpeg"))
    first = seed_episode(library, short, title="First", duration_ms=8000)
    second = seed_episode(library, long, title="Second", duration_ms=30_000)
    store = PlaybackStore(library)
    store.queue().add(second)
    store.save_checkpoint(PositionCheckpoint(second, 20_000, 30_000, "pause"))

    process = subprocess.Popen(
        castwise_command("play", str(first), "--from", "6", "--queue", "--aout", "adummy"),
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("Playing 'Second'"):
            break
    assert line == "Playing 'Second' from 0:20 at 1x\n"
    time.sleep(2.0)
    process.terminate()  # SIGTERM: a clean stop that saves the position
    assert process.wait(timeout=15) == 0
    with library.session() as session:
        done = session.get(PlaybackState, first)
        stopped = session.get(PlaybackState, second)
    assert done is not None and done.played
    assert stopped is not None and not stopped.played
    assert 21_500 <= stopped.position_ms <= 23_500
    assert store.load_queue() == []  # playing it took it off "up next"
