"""An episode's session while it plays: live comments become cues at once, votes and comments go
through the outbox, and tallies reach the listener."""

from __future__ import annotations

import queue
import threading

from interactive.outbox import OUTBOX_FILE, Outbox, OutboxWorker
from interactive.session import EpisodeSession
from library.paths import resolve_paths
from protocol.interactive import PollTally
from tests.account.liveservice import LiveService
from tests.interactive.helpers import alice_client, interactive_world, poll_as
from tests.support.httpserver import LocalHTTPServer

WAIT_S = 30


def test_live_comments_become_cues_and_the_listeners_vote_arrives(service: LiveService,
                                                                   http_server: LocalHTTPServer) -> None:
    world = interactive_world(service, http_server)
    poll = world.poll(service.api, anchor_ms=60_000)
    tallies: queue.Queue[PollTally] = queue.Queue()
    lane_changed = threading.Event()
    connected = threading.Event()
    with alice_client(service) as client, \
            Outbox(resolve_paths().data / OUTBOX_FILE, service_url=service.url, account_id=world.alice.id) as outbox:
        worker = OutboxWorker(outbox, client).start()
        session = EpisodeSession(client, world.episode_id, outbox=outbox, worker=worker, on_tally=tallies.put,
                                 on_comments_changed=lane_changed.set)
        try:
            session.follow(connected=connected.set)
            assert connected.wait(WAIT_S)
            assert session.on_position(30_000) == []
            world.comment(service.api, world.bob, "Listen to this bit", 30_400)
            assert lane_changed.wait(WAIT_S)
            assert [cue.label for cue in session.on_position(30_500)] == ["Listen to this bit"]
            session.on_seek(59_900)
            (fired,) = session.on_position(60_100)
            assert fired.kind == "poll" and fired.id == str(poll["id"])
            session.vote(int(fired.id), [poll["options"][1]["id"]])
            while (tally := tallies.get(timeout=WAIT_S)).total < 1:
                pass
            assert tally.counts == {str(poll["options"][1]["id"]): 1}
        finally:
            session.close()
            worker.stop()
    assert poll_as(service, world, poll["id"])["my_option_ids"] == [poll["options"][1]["id"]]
