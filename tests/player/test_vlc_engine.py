"""What the contract cannot say for every engine: that the rate reaches VLC, that VLC's threads never
run our listeners, that a dropped connection with Range support is resumed, and that a medium that
never starts fails after the start timeout."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from player.engine import PlaybackErrorKind, PlaybackState
from player.vlc_engine import VlcEngine
from tests.player.conftest import Recorder, wait_until
from tests.support.audio import Clip
from tests.support.httpserver import LocalHTTPServer, Resource


@pytest.fixture
def engine() -> Iterator[VlcEngine]:
    built = VlcEngine(extra_options=("--aout=adummy",), start_timeout_s=3)
    yield built
    built.close()
    built.close()  # closing twice is harmless


def test_a_rate_set_before_loading_reaches_vlc_for_each_new_medium(
    engine: VlcEngine, audio_clips: dict[str, Clip]
) -> None:
    # (VLC's silent outputs have no volume to read back, so volume is held to the contract only.)
    engine.set_rate(1.75)
    for fmt in ("mp3", "opus"):
        engine.load(str(audio_clips[fmt].path))
        engine.play()
        wait_until(lambda: engine.state is PlaybackState.PLAYING, what="PLAYING")
        assert engine.vlc_player.get_rate() == pytest.approx(1.75)


def test_listeners_run_on_the_engine_thread_and_may_call_the_engine(
    engine: VlcEngine, audio_clips: dict[str, Clip]
) -> None:
    seen: list[tuple[str, int]] = []

    def on_state(_old: PlaybackState, new: PlaybackState) -> None:
        if new is PlaybackState.PLAYING:
            # Another thread reads the engine while this listener runs: no deadlock.
            reader = threading.Thread(target=lambda: seen.append(("reader", engine.position_ms())))
            reader.start()
            reader.join(timeout=5)
            seen.append((threading.current_thread().name, engine.position_ms()))

    engine.state_changed.connect(on_state)
    engine.load(str(audio_clips["ogg"].path), start_ms=1000)
    engine.play()
    wait_until(lambda: len(seen) == 2, what="the listener")
    assert seen[0][0] == "reader"
    assert seen[1][0] == "castwise-vlc-events"  # not one of VLC's own threads
    assert all(position >= 500 for _, position in seen)


def test_a_connection_cut_mid_body_is_resumed_with_range_and_plays_to_the_end(
    engine: VlcEngine, audio_clips: dict[str, Clip], http_server: LocalHTTPServer
) -> None:
    clip = audio_clips["mp3"]
    url = http_server.add("/flaky.mp3", Resource.from_file(clip.path, clip.content_type, cut_after=20_000))
    recorder = Recorder().attach(engine)
    engine.load(url)
    engine.play()
    wait_until(lambda: engine.state is PlaybackState.PLAYING, what="PLAYING")
    engine.seek(clip.duration_ms - 2500)
    wait_until(lambda: engine.state is PlaybackState.ENDED, what="ENDED")
    assert recorder.errors == [] and recorder.ended == 1
    ranges = [request.headers.get("Range") for request in http_server.requests_for("/flaky.mp3")]
    assert len(ranges) >= 2 and all(value and value.startswith("bytes=") for value in ranges[1:])


def test_a_medium_that_never_starts_fails_after_the_start_timeout(
    engine: VlcEngine, http_server: LocalHTTPServer
) -> None:
    url = http_server.add("/slow.mp3", Resource(body=b"\xff" * 50_000, content_type="audio/mpeg", drip_bytes_per_s=20))
    recorder = Recorder().attach(engine)
    engine.load(url)
    engine.play()
    wait_until(lambda: engine.state is PlaybackState.ERROR, timeout_s=20, what="ERROR")
    assert recorder.errors[0].kind is PlaybackErrorKind.TIMEOUT
    assert "did not start playing within 3 seconds" in recorder.errors[0].message


# A missing corpus must fail (through the ``corpus`` fixture), not leave an empty parameter set.
CORPUS_AUDIO = sorted(
    path.name for path in (Path(__file__).resolve().parents[3] / "shared" / "corpus" / "audio").glob("*.*")
) or ["missing-corpus"]


@pytest.mark.parametrize("name", CORPUS_AUDIO)
def test_real_world_files_play_and_end_cleanly(engine: VlcEngine, corpus: Path, name: str) -> None:
    """Files from other players' test suites (ID3 chapters, MP4/M4B, Vorbis, Opus): they open
    with a length and end with the end event, never a false "corrupt" or "dropped"."""
    recorder = Recorder().attach(engine)
    engine.load(str(corpus / "audio" / name))
    engine.play()
    wait_until(lambda: engine.state is PlaybackState.PLAYING, what="PLAYING")
    duration = engine.duration_ms()
    assert duration is not None and duration > 1000
    engine.seek(duration - 1500)
    wait_until(lambda: engine.state is PlaybackState.ENDED, what="ENDED")
    assert recorder.errors == [] and recorder.ended == 1
