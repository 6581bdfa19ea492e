"""Reading an episode's interactions, and following its live stream with resume and reconnection."""

from __future__ import annotations

import queue
import threading

from account.client import ServiceClient
from interactive.episodes import InteractiveEpisodes
from interactive.live import EpisodeEvent, EpisodeLive
from interactive.outbox import OUTBOX_FILE, Outbox
from library.paths import resolve_paths
from protocol.interactive import COMMENT_APPROVED, POLL_TALLY, InteractionPublic, PollTally
from tests.account.liveservice import LiveService
from tests.interactive.helpers import alice_client, interactive_world
from tests.support.httpserver import LocalHTTPServer

WAIT_S = 30


def test_an_episode_loads_with_its_lane_comments_and_cues(service: LiveService, http_server: LocalHTTPServer) -> None:
    world = interactive_world(service, http_server)
    poll = world.poll(service.api, anchor_ms=60_000)
    world.question(service.api, anchor_ms=120_000)
    assert world.comment(service.api, world.bob, "Nice intro", 45_000).status_code == 201
    with ServiceClient(service.url) as anonymous:
        episodes = InteractiveEpisodes(anonymous)
        found = episodes.find(world.feed_url, "urn:uuid:episode-12")
        assert found is not None and found.id == world.episode_id
        assert episodes.find(world.feed_url, "urn:uuid:no-such-episode") is None
        loaded = episodes.load(world.episode_id)
        assert episodes.poll(poll["id"]).total_votes is None  # results only after voting
    assert [mark.at_ms for mark in loaded.timeline.marks] == [60_000, 120_000]
    assert [bucket.comments for bucket in loaded.timeline.buckets[:3]] == [0, 1, 0]
    assert [comment.text for comment in loaded.comments] == ["Nice intro"]
    tracker = loaded.cue_tracker()
    tracker.update(44_900)
    assert [cue.label for cue in tracker.update(45_100)] == ["Nice intro"]
    tracker.seek(59_800)
    assert [cue.kind for cue in tracker.update(60_000)] == ["poll"]


def _follow(client: ServiceClient, episode_id: int, **kwargs: object) -> tuple[EpisodeLive, queue.Queue[EpisodeEvent]]:
    events: queue.Queue[EpisodeEvent] = queue.Queue()
    connected = threading.Event()
    live = EpisodeLive(client, episode_id, on_event=events.put, on_connected=connected.set, **kwargs)  # type: ignore[arg-type]
    live.start()
    assert connected.wait(WAIT_S)
    return live, events


def _next(events: queue.Queue[EpisodeEvent], name: str) -> EpisodeEvent:
    while True:
        event = events.get(timeout=WAIT_S)
        if event.name == name:
            return event


def test_live_comments_and_tallies_arrive_and_a_resumed_stream_misses_nothing(
        service: LiveService, http_server: LocalHTTPServer) -> None:
    world = interactive_world(service, http_server)
    poll = world.poll(service.api)
    with alice_client(service) as client:
        live, events = _follow(client, world.episode_id)
        try:
            world.comment(service.api, world.bob, "Live one", 10_000)
            approved = _next(events, COMMENT_APPROVED)
            assert isinstance(approved.payload, InteractionPublic) and approved.payload.text == "Live one"
            outbox = Outbox(resolve_paths().data / OUTBOX_FILE, service_url=service.url, account_id=world.alice.id)
            outbox.vote(poll["id"], [poll["options"][0]["id"]])
            assert len(outbox.deliver(client).delivered) == 1
            tally = _next(events, POLL_TALLY).payload
            assert isinstance(tally, PollTally) and tally.total == 1
            assert tally.counts == {str(poll["options"][0]["id"]): 1}  # alice voted: she sees counts
        finally:
            live.stop()
        resume_from = live.last_event_id
        assert resume_from is not None
        world.comment(service.api, world.bob, "While you were away", 20_000)
        resumed, later = _follow(client, world.episode_id, last_event_id=resume_from)
        try:
            missed = _next(later, COMMENT_APPROVED)
            assert isinstance(missed.payload, InteractionPublic) and missed.payload.text == "While you were away"
        finally:
            resumed.stop()


def test_the_stream_reconnects_after_the_service_was_down(service: LiveService, http_server: LocalHTTPServer) -> None:
    world = interactive_world(service, http_server)
    with ServiceClient(service.url) as anonymous:
        live, events = _follow(anonymous, world.episode_id)
        try:
            world.comment(service.api, world.bob, "Before the outage", 1_000)
            _next(events, COMMENT_APPROVED)
            service.stop()
            service.start()
            # Posted once the service is back, whether or not the stream has reconnected yet:
            # Last-Event-ID replays it either way.
            world.comment(service.api, world.bob, "After the outage", 30_000)
            back = _next(events, COMMENT_APPROVED)
            assert isinstance(back.payload, InteractionPublic) and back.payload.text == "After the outage"
            assert live.stream.connections >= 2
        finally:
            live.stop()


def test_a_reconnection_with_nothing_to_resume_from_asks_for_a_refetch(
        service: LiveService, http_server: LocalHTTPServer) -> None:
    world = interactive_world(service, http_server)
    resynced = threading.Event()
    with ServiceClient(service.url) as anonymous:
        live, _events = _follow(anonymous, world.episode_id, on_resync=resynced.set)
        try:
            service.stop()
            service.start()
            assert resynced.wait(WAIT_S)
        finally:
            live.stop()
