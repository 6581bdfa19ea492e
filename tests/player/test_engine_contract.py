"""One behavioural contract for every engine: the VLC engine with real audio (mp3, ogg, opus; a
local file and the same file over HTTP from 127.0.0.1) and the null engine.

VLC's clock moves in steps, so positions are compared within +-500 ms, and a seek may land past its
target (up to a second; Ogg Opus over HTTP up to ~3.5 s, see ``MediaSetup.seek_overshoot_ms``).
"The end" is the end event, not position == duration.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from player.engine import Engine, PlaybackErrorKind, PlaybackState
from tests.player.conftest import MediaSetup, build_setup, wait_until
from tests.support.audio import FORMATS, Clip
from tests.support.httpserver import LocalHTTPServer

STEP_MS = 500


@pytest.fixture(params=[(fmt, source) for fmt in FORMATS for source in ("local", "http")],
                ids=lambda p: f"{p[0]}-{p[1]}")
def media(
    request: pytest.FixtureRequest,
    make_engine: Callable[[], Engine],
    audio_clips: dict[str, Clip],
    not_audio_file: Path,
    http_server: LocalHTTPServer,
    tmp_path: Path,
) -> MediaSetup:
    fmt, source = request.param
    return build_setup(make_engine(), audio_clips[fmt], source, not_audio_file, http_server, tmp_path)


@pytest.fixture
def errors_media(
    make_engine: Callable[[], Engine],
    audio_clips: dict[str, Clip],
    not_audio_file: Path,
    http_server: LocalHTTPServer,
    tmp_path: Path,
) -> MediaSetup:
    return build_setup(make_engine(), audio_clips["mp3"], "local", not_audio_file, http_server, tmp_path)


def test_a_new_engine_is_idle_and_playing_nothing_is_harmless(make_engine: Callable[[], Engine]) -> None:
    engine = make_engine()
    assert engine.state is PlaybackState.IDLE
    engine.play()
    engine.pause()
    engine.seek(1000)
    assert engine.state is PlaybackState.IDLE
    assert engine.position_ms() == 0
    assert engine.duration_ms() is None


def test_play_reports_playing_the_length_and_a_moving_position(media: MediaSetup) -> None:
    media.engine.load(media.good)
    assert media.engine.state is PlaybackState.STOPPED
    media.engine.play()
    wait_until(lambda: media.engine.state is PlaybackState.PLAYING, what="PLAYING")
    assert (PlaybackState.STOPPED, PlaybackState.LOADING) in media.recorder.states
    assert (PlaybackState.LOADING, PlaybackState.PLAYING) in media.recorder.states
    wait_until(lambda: media.engine.position_ms() >= 800, what="the position to pass 0.8 s")
    duration = media.engine.duration_ms()
    assert duration is not None and abs(duration - media.duration_ms) <= 200
    assert media.engine.state is PlaybackState.PLAYING
    assert media.recorder.errors == []


def test_pause_holds_the_position_and_resume_continues_from_it(media: MediaSetup) -> None:
    media.play_good()
    wait_until(lambda: media.engine.position_ms() >= 500, what="half a second played")
    media.engine.pause()
    assert media.engine.state is PlaybackState.PAUSED
    held = media.engine.position_ms()
    time.sleep(0.8)
    assert abs(media.engine.position_ms() - held) <= STEP_MS
    assert media.engine.state is PlaybackState.PAUSED
    media.engine.resume()
    assert media.engine.state is PlaybackState.PLAYING
    wait_until(lambda: media.engine.position_ms() >= held + 700, what="playback to continue")
    assert media.engine.position_ms() < held + 3000


def test_seek_while_playing_moves_there_and_plays_on(media: MediaSetup) -> None:
    media.play_good()
    media.engine.seek(3000)
    assert 3000 - STEP_MS <= media.engine.position_ms() <= 3000 + media.seek_overshoot_ms
    wait_until(lambda: media.engine.position_ms() >= 3500, what="playback to go on after the seek")
    assert media.engine.state is PlaybackState.PLAYING
    media.engine.seek(1000)  # backwards too
    assert 1000 - STEP_MS <= media.engine.position_ms() <= 1000 + media.seek_overshoot_ms
    time.sleep(0.3)
    assert media.engine.position_ms() < 1000 + media.seek_overshoot_ms + STEP_MS


def test_seek_while_paused_stays_paused_and_resumes_there(media: MediaSetup) -> None:
    media.play_good()
    media.engine.pause()
    media.engine.seek(2500)
    assert media.engine.state is PlaybackState.PAUSED
    assert 2500 - STEP_MS <= media.engine.position_ms() <= 2500 + media.seek_overshoot_ms
    media.engine.resume()
    wait_until(lambda: media.engine.position_ms() >= 2800, what="playback from the seek target")
    assert media.engine.position_ms() <= 2500 + media.seek_overshoot_ms + 1500


def test_pause_and_seek_right_after_play_are_honoured(media: MediaSetup) -> None:
    media.engine.load(media.good)
    media.engine.play()
    media.engine.pause()  # most likely still opening the medium
    media.engine.seek(2000)
    assert media.engine.state is PlaybackState.PAUSED
    time.sleep(1.0)
    assert media.engine.state is PlaybackState.PAUSED
    assert 2000 - STEP_MS <= media.engine.position_ms() <= 2000 + media.seek_overshoot_ms
    media.engine.resume()
    wait_until(lambda: media.engine.state is PlaybackState.PLAYING, what="PLAYING")
    wait_until(lambda: media.engine.position_ms() >= 2300, what="playback from the seek target")
    assert media.recorder.errors == []


def test_load_with_a_start_position_starts_there(media: MediaSetup) -> None:
    media.play_good(start_ms=3000)
    assert 3000 - STEP_MS <= media.engine.position_ms() <= 3000 + media.seek_overshoot_ms + 500


def test_stop_keeps_the_position_and_play_starts_from_it(media: MediaSetup) -> None:
    media.play_good()
    media.engine.seek(1000)
    wait_until(lambda: media.engine.position_ms() >= 1200, what="playback past 1.2 s")
    media.engine.stop()
    assert media.engine.state is PlaybackState.STOPPED
    stopped_at = media.engine.position_ms()
    assert 1200 - STEP_MS <= stopped_at <= 1000 + media.seek_overshoot_ms + 1000
    media.engine.play()
    wait_until(lambda: media.engine.state is PlaybackState.PLAYING, what="PLAYING again")
    wait_until(lambda: media.engine.position_ms() > 0, what="a position")
    assert stopped_at - STEP_MS <= media.engine.position_ms() <= stopped_at + media.seek_overshoot_ms + 500


def test_rate_speeds_playback_up_and_is_bounded(media: MediaSetup) -> None:
    with pytest.raises(ValueError, match=r"between 0\.5x and 3\.0x"):
        media.engine.set_rate(3.5)
    with pytest.raises(ValueError):
        media.engine.set_rate(0.4)
    media.engine.set_rate(2.0)  # set before loading: carries over to the medium
    media.play_good()
    assert media.engine.rate == 2.0
    wait_until(lambda: media.engine.position_ms() >= 300, what="playback")
    start_position, start_clock = media.engine.position_ms(), time.monotonic()
    time.sleep(1.5)
    played_ms = media.engine.position_ms() - start_position
    wall_ms = (time.monotonic() - start_clock) * 1000
    # At 2x about twice the wall time passes in the episode; 1x would stay near 1.0.
    assert played_ms >= 1.4 * wall_ms - STEP_MS
    media.engine.set_rate(0.5)
    assert media.engine.rate == 0.5


def test_volume_is_kept_and_bounded(media: MediaSetup) -> None:
    for bad in (-1, 101):
        with pytest.raises(ValueError, match="between 0 and 100"):
            media.engine.set_volume(bad)
    media.engine.set_volume(35)
    media.play_good()
    assert media.engine.volume == 35
    media.engine.set_volume(80)
    assert media.engine.volume == 80


def test_the_end_of_the_medium_is_reported_once(media: MediaSetup) -> None:
    media.play_good()
    media.engine.seek(media.duration_ms - 1500)
    wait_until(lambda: media.engine.state is PlaybackState.ENDED, what="ENDED")
    wait_until(lambda: media.recorder.ended == 1, what="media_ended")
    assert media.recorder.errors == []
    duration = media.engine.duration_ms()
    assert duration is not None and media.engine.position_ms() == duration
    time.sleep(0.3)
    assert media.recorder.ended == 1
    media.engine.play()  # after the end, play starts over
    wait_until(lambda: media.engine.state is PlaybackState.PLAYING, what="PLAYING again")
    assert media.engine.position_ms() < 2000


def test_a_seek_after_the_end_plays_from_there(media: MediaSetup) -> None:
    media.play_good()
    media.engine.seek(media.duration_ms - 1000)
    wait_until(lambda: media.engine.state is PlaybackState.ENDED, what="ENDED")
    media.engine.seek(2000)
    assert media.engine.state is PlaybackState.STOPPED
    assert media.engine.position_ms() == 2000
    media.engine.play()
    wait_until(lambda: media.engine.state is PlaybackState.PLAYING, what="PLAYING again")
    assert 2000 - STEP_MS <= media.engine.position_ms() <= 2000 + media.seek_overshoot_ms + 500


@pytest.mark.parametrize(
    ("scenario", "kind"),
    [
        ("missing", PlaybackErrorKind.NOT_FOUND),
        ("http_404", PlaybackErrorKind.HTTP_NOT_FOUND),
        ("not_audio", PlaybackErrorKind.UNREADABLE),
        ("dropped", PlaybackErrorKind.STREAM_DROPPED),
    ],
)
def test_errors_are_typed_and_clear_and_the_engine_plays_the_next_episode(
    errors_media: MediaSetup, scenario: str, kind: PlaybackErrorKind
) -> None:
    media = errors_media
    location = getattr(media, scenario)
    media.engine.load(location)
    media.engine.play()
    wait_until(lambda: media.engine.state is PlaybackState.ERROR, timeout_s=15, what="ERROR")
    wait_until(lambda: len(media.recorder.errors) == 1, what="error_occurred")
    error = media.recorder.errors[0]
    assert error.kind is kind
    assert error.location == location
    assert media.engine.last_error == error
    name = location.rstrip("/").rsplit("/", 1)[-1]
    assert name in error.message
    if kind is PlaybackErrorKind.HTTP_NOT_FOUND:
        assert error.status == 404 and "404" in error.message
    if kind is PlaybackErrorKind.STREAM_DROPPED:
        assert "dropped" in error.message
    assert media.recorder.ended == 0
    # The same engine plays the next episode normally.
    media.play_good()
    assert media.engine.last_error is None
    wait_until(lambda: media.engine.position_ms() >= 500, what="the next episode to play")
