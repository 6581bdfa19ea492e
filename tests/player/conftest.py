"""Fixtures for the player tests: real test audio (made once per session) and engines to test.

``media`` gives each contract test an engine plus locations for every scenario, for the VLC engine
(real files, or the same files served over HTTP with Range from 127.0.0.1) and for the null engine
(the same locations registered in its catalogue).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from player.engine import Engine, PlaybackError, PlaybackErrorKind, PlaybackState
from player.null_engine import NullEngine, NullMedia
from tests.support.audio import Clip, make_clips, make_not_audio
from tests.support.httpserver import LocalHTTPServer, Resource

VLC_TEST_OPTIONS = ("--aout=adummy",)
DROP_AFTER_BYTES = 12_000
"""Where the test server cuts the "dropped" stream: about a quarter into a clip."""


@pytest.fixture(scope="session")
def audio_clips(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Clip]:
    """Eight-second speech clips in mp3, ogg and opus, made once (cached between runs when pytest's
    cache is on)."""
    cache = getattr(request.config, "cache", None)
    folder = Path(cache.mkdir("castwise-test-audio")) if cache else tmp_path_factory.mktemp("audio")
    return make_clips(folder)


@pytest.fixture(scope="session")
def not_audio_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_not_audio(tmp_path_factory.mktemp("bad") / "episode-42.mp3")


def wait_until(predicate: Callable[[], bool], timeout_s: float = 10.0, what: str = "condition") -> None:
    """Poll ``predicate`` every 20 ms; fail the test if it is not true within ``timeout_s`` seconds."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.02)


@dataclass
class Recorder:
    """Collects an engine's hook calls (from whatever thread they come)."""

    states: list[tuple[PlaybackState, PlaybackState]] = field(default_factory=list)
    ended: int = 0
    errors: list[PlaybackError] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def attach(self, engine: Engine) -> Recorder:
        engine.state_changed.connect(self._on_state)
        engine.media_ended.connect(self._on_ended)
        engine.error_occurred.connect(self._on_error)
        return self

    def _on_state(self, old: PlaybackState, new: PlaybackState) -> None:
        with self.lock:
            self.states.append((old, new))

    def _on_ended(self) -> None:
        with self.lock:
            self.ended += 1

    def _on_error(self, error: PlaybackError) -> None:
        with self.lock:
            self.errors.append(error)


@dataclass
class MediaSetup:
    """An engine under test and where to find each kind of medium for it."""

    engine: Engine
    good: str
    """An eight-second speech clip."""
    duration_ms: int
    missing: str
    http_404: str
    not_audio: str
    dropped: str
    """A stream that is cut about a quarter in (and cannot be resumed)."""
    recorder: Recorder
    seek_overshoot_ms: int = 1000
    """How far past a seek target the engine may land (VLC's Ogg seeks overshoot)."""

    def play_good(self, start_ms: int = 0) -> None:
        """Load and play the good clip; return once the engine reports PLAYING."""
        self.engine.load(self.good, start_ms)
        self.engine.play()
        wait_until(lambda: self.engine.state is PlaybackState.PLAYING, what="PLAYING")


def _serve(server: LocalHTTPServer, clip: Clip, not_audio: Path) -> dict[str, str]:
    name = clip.path.name
    return {
        "good": server.add(f"/audio/{name}", Resource.from_file(clip.path, clip.content_type)),
        "http_404": server.url(f"/gone/{name}"),
        "not_audio": server.add("/audio/not-audio.mp3", Resource.from_file(not_audio, "audio/mpeg")),
        "dropped": server.add(
            f"/dropped/{name}",
            Resource.from_file(clip.path, clip.content_type, cut_after=DROP_AFTER_BYTES, ranges=False),
        ),
    }


@pytest.fixture(params=["null", "vlc"])
def engine_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_engine(engine_kind: str) -> Iterator[Callable[[], Engine]]:
    """Build engines of the kind under test; closes them after the test."""
    built: list[Engine] = []

    def build() -> Engine:
        engine: Engine
        if engine_kind == "vlc":
            from player.vlc_engine import VlcEngine

            engine = VlcEngine(extra_options=VLC_TEST_OPTIONS, start_timeout_s=8)
        else:
            engine = NullEngine()
        built.append(engine)
        return engine

    yield build
    for engine in built:
        engine.close()


def build_setup(
    engine: Engine, clip: Clip, source: str, not_audio: Path, server: LocalHTTPServer, tmp: Path
) -> MediaSetup:
    """Locations for every scenario; for the null engine they are registered in its catalogue."""
    served = _serve(server, clip, not_audio)
    good = served["good"] if source == "http" else str(clip.path)
    setup = MediaSetup(
        engine=engine,
        good=good,
        duration_ms=clip.duration_ms,
        missing=str(tmp / "no-such-episode.mp3"),
        http_404=served["http_404"],
        not_audio=str(not_audio),
        dropped=served["dropped"],
        recorder=Recorder().attach(engine),
    )
    if source == "http" and clip.format == "opus" and not isinstance(engine, NullEngine):
        # VLC 3 seeks Ogg Opus over HTTP by estimate and lands up to ~3.5 s late.
        setup.seek_overshoot_ms = 4000
    if isinstance(engine, NullEngine):
        engine.add_media(setup.good, NullMedia(duration_ms=clip.duration_ms))
        engine.add_media(setup.not_audio, NullMedia(error=PlaybackErrorKind.UNREADABLE))
        engine.add_media(setup.dropped, NullMedia(duration_ms=clip.duration_ms, drops_at_ms=1500))
    return setup

