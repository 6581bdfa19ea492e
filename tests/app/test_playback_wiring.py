"""Playback wired into the real library (SQLite) with the real VLC engine and real audio: resume,
positions, played marks, listening events, speeds, chapters, the local file over the stream, and a
queue that survives a restart."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.playback import PlaybackStore, build_controller
from library.db import open_library
from library.db.engine import Library
from library.db.models import (
    Download,
    DownloadState,
    Episode,
    ListeningEvent,
    ListeningEventKind,
    PlaybackState,
)
from library.errors import CastwiseError
from player.controller import PositionCheckpoint, Ticker
from player.engine import PlaybackState as EngineState
from player.vlc_engine import VlcEngine
from tests.support.audio import Clip, make_clips
from tests.support.httpserver import LocalHTTPServer, Resource
from tests.support.playback_process import seed_episode


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Clip:
    return make_clips(tmp_path_factory.mktemp("wiring-audio"))["mp3"]


@pytest.fixture
def library() -> Iterator[Library]:
    with open_library() as opened:
        yield opened


def wait_until(predicate, timeout_s: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def events_of(library: Library, episode_id: int) -> list[ListeningEvent]:
    with library.session() as session:
        return list(
            session.scalars(
                select(ListeningEvent).where(ListeningEvent.episode_id == episode_id).order_by(ListeningEvent.id)
            )
        )


def state_of(library: Library, episode_id: int) -> PlaybackState | None:
    with library.session() as session:
        return session.get(PlaybackState, episode_id)


def test_media_for_resumes_prefers_the_download_and_carries_speeds_and_chapters(
    library: Library, clip: Clip, http_server: LocalHTTPServer
) -> None:
    url = http_server.add("/ep.mp3", Resource.from_file(clip.path, "audio/mpeg"))
    chapters = [{"start_ms": 0, "title": "Hello"}, {"start_ms": 4000, "title": "Numbers"}]
    episode_id = seed_episode(library, url, duration_ms=8000, chapters=chapters, default_speed=1.25)
    store = PlaybackStore(library)

    media = store.media_for(episode_id)
    assert media is not None
    assert (media.location, media.start_ms, media.rate) == (url, 0, 1.25)
    assert list(media.chapters) == [(0, "Hello"), (4000, "Numbers")]

    store.set_episode_speed(episode_id, 1.75)
    store.save_checkpoint(PositionCheckpoint(episode_id, 5000, 8000, "pause"))
    with library.transaction() as session:
        session.add(
            Download(
                episode_id=episode_id, path=str(clip.path), state=DownloadState.COMPLETED,
                bytes_total=clip.path.stat().st_size,
            )
        )
    media = store.media_for(episode_id)
    assert media is not None
    assert (media.location, media.start_ms, media.rate) == (str(clip.path), 5000, 1.75)
    with pytest.raises(CastwiseError, match=r"between 0\.5x and 3\.0x"):
        store.set_episode_speed(episode_id, 4.0)
    # Without the episode's own speed, the podcast's default applies.
    store.set_episode_speed(episode_id, None)
    with library.session() as session:
        podcast_id = session.get(Episode, episode_id).podcast_id  # type: ignore[union-attr]
    store.set_podcast_speed(podcast_id, 0.8)
    media = store.media_for(episode_id)
    assert media is not None and media.rate == 0.8


def test_playing_through_vlc_stores_positions_events_and_the_played_mark(
    library: Library, clip: Clip, http_server: LocalHTTPServer
) -> None:
    url = http_server.add("/ep.mp3", Resource.from_file(clip.path, "audio/mpeg"))
    episode_id = seed_episode(library, url, duration_ms=8000)
    engine = VlcEngine(extra_options=("--aout=adummy",))
    controller, store = build_controller(library, engine, auto_advance=False)
    ticker = Ticker(controller).start()
    try:
        media = store.media_for(episode_id)
        assert media is not None
        controller.open(media)
        wait_until(lambda: engine.state is EngineState.PLAYING)
        wait_until(lambda: (state_of(library, episode_id) or PlaybackState(position_ms=0)).position_ms >= 1500)
        controller.pause()
        paused_at = engine.position_ms()
        stored = state_of(library, episode_id)
        assert stored is not None and abs(stored.position_ms - paused_at) <= 10 and not stored.played
        controller.seek(6000)
        controller.play()
        wait_until(lambda: engine.state is EngineState.ENDED)
        wait_until(lambda: bool((state_of(library, episode_id) or PlaybackState(played=False)).played))
    finally:
        ticker.stop()
        controller.quit()
    stored = state_of(library, episode_id)
    assert stored is not None and stored.played and stored.completed_at is not None
    kinds = [event.kind for event in events_of(library, episode_id)]
    assert kinds == [
        ListeningEventKind.PLAY,
        ListeningEventKind.PAUSE,
        ListeningEventKind.SEEK,
        ListeningEventKind.PLAY,
        ListeningEventKind.COMPLETE,
    ]
    seek = events_of(library, episode_id)[2]
    assert seek.to_ms == 6000 and seek.from_ms is not None and abs(seek.from_ms - paused_at) <= 500
    # Finished: the next play starts from the beginning.
    media = store.media_for(episode_id)
    assert media is not None and media.start_ms == 0


def test_the_queue_survives_a_restart_and_auto_advance_plays_it(
    library: Library, clip: Clip, http_server: LocalHTTPServer, tmp_path: Path
) -> None:
    url = http_server.add("/ep.mp3", Resource.from_file(clip.path, "audio/mpeg"))
    first, second, third = (seed_episode(library, url, title=f"Episode {n}", duration_ms=8000) for n in (1, 2, 3))
    store = PlaybackStore(library)
    queue = store.queue()
    queue.add(first)
    queue.add(second)
    queue.play_next(third)
    queue.move(first, 2)
    assert store.load_queue() == [third, second, first]

    # "Restart": a new library connection and controller see the same queue.
    with open_library() as reopened:
        engine = VlcEngine(extra_options=("--aout=adummy",))
        controller, _ = build_controller(reopened, engine)
        started: list[int] = []
        controller.episode_started.connect(lambda media: started.append(media.episode_id))
        try:
            assert controller.queue.items == [third, second, first]
            assert controller.play_next_in_queue()
            wait_until(lambda: engine.state is EngineState.PLAYING)
            controller.seek(7000)
            deadline = time.monotonic() + 15
            while len(started) < 2 and time.monotonic() < deadline:
                controller.tick()
                time.sleep(0.1)
        finally:
            controller.quit()
    assert started == [third, second]
    assert store.load_queue() == [first]


CORPUS_CHAPTERS = Path("/work/shared/corpus/chapters/podcastns/podcastns_example.json")


def test_a_chapters_document_is_fetched_in_the_background_and_cached(
    library: Library, clip: Clip, http_server: LocalHTTPServer
) -> None:
    import json
    import threading

    from library.documents import DocumentCache
    from library.episode_documents import EpisodeDocuments
    from library.feeds.fetch import fetch_document
    from library.subscriptions import Subscriptions
    from tests.library.feedfactory import Feed, Item, day

    audio = http_server.add("/chaptered.mp3", Resource.from_file(clip.path, "audio/mpeg"))
    chapters_url = http_server.add("/chaptered.json", Resource.from_file(CORPUS_CHAPTERS, "application/json"))
    feed = Feed(items=[Item("Chaptered", guid="chaptered", enclosure=audio, published=day(1), extra=(
        f'<podcast:chapters url="{chapters_url}" type="application/json+chapters"/>'))])
    feed_url = http_server.add("/chaptered.xml", Resource(body=feed.xml(), content_type="application/rss+xml"))
    Subscriptions(library).subscribe(feed_url)
    with library.session() as session:
        episode_id = session.scalars(select(Episode.id).where(Episode.guid == "chaptered")).one()
    expected = [(round(item["startTime"] * 1000), item["title"])
                for item in json.loads(CORPUS_CHAPTERS.read_bytes())["chapters"]]

    # The network is held back until the episode plays: playback must not wait for it.
    gate = threading.Event()

    def held_fetch(url: str, max_bytes: int, deadline_s: float) -> bytes:
        assert gate.wait(30.0)
        return fetch_document(url, max_bytes, deadline_s)

    cache = DocumentCache(fetcher=held_fetch)
    arrived = threading.Event()
    engine = VlcEngine(extra_options=("--aout=adummy",))
    controller, store = build_controller(library, engine, auto_advance=False, documents=EpisodeDocuments(library, cache))
    controller.chapters_changed.connect(lambda _episode_id, _chapters: arrived.set())
    ticker = Ticker(controller).start()
    try:
        media = store.media_for(episode_id)
        assert media is not None and list(media.chapters) == []
        controller.open(media)
        wait_until(lambda: engine.state is EngineState.PLAYING)
        assert controller.chapters == [] and not arrived.is_set()
        gate.set()
        assert arrived.wait(15.0)
        assert [(chapter.start_ms, chapter.title) for chapter in controller.chapters] == expected
        wait_until(lambda: controller.current_chapter() == 0)  # "Intro" plays at the start
    finally:
        ticker.stop()
        controller.quit()

    # Played again later: the chapters come from the cache, not from the server.
    again, store = build_controller(library, VlcEngine(extra_options=("--aout=adummy",)), auto_advance=False,
                                    documents=EpisodeDocuments(library, DocumentCache(cache.folder)))
    arrived.clear()
    again.chapters_changed.connect(lambda _episode_id, _chapters: arrived.set())
    try:
        media = store.media_for(episode_id)
        assert media is not None
        again.open(media)
        assert arrived.wait(15.0)
        assert [(chapter.start_ms, chapter.title) for chapter in again.chapters] == expected
    finally:
        again.quit()
    assert len([r for r in http_server.requests_for("/chaptered.json") if r.method == "GET"]) == 1
