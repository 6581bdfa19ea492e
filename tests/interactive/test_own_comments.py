"""The listener's own comments from the client, against the real service: edits and deletions go
through the outbox (also made offline, sent once), an outbox file from before edits existed keeps
working, and the episode's session hears other listeners' edits, deletions and the creator's
pinned answers live."""

from __future__ import annotations

import queue
import sqlite3
import threading

from interactive.live import EpisodeEvent
from interactive.outbox import OUTBOX_FILE, Outbox, OutboxWorker
from interactive.session import EpisodeSession
from library.paths import resolve_paths
from protocol.interactive import (
    ANSWER_PINNED,
    COMMENT_APPROVED,
    COMMENT_DELETED,
    COMMENT_EDITED,
    CommentDeleted,
    InteractionPublic,
)
from tests.account.liveservice import LiveService
from tests.interactive.helpers import alice_client, interactive_world, visible_comments
from tests.support.httpserver import LocalHTTPServer

WAIT_S = 30


def test_edits_and_deletions_made_offline_are_sent_once_when_the_service_is_back(
        service: LiveService, http_server: LocalHTTPServer) -> None:
    world = interactive_world(service, http_server)
    mine = world.comment(service.api, world.alice, "first thougt", 10_000).json()
    other = world.comment(service.api, world.alice, "never mind", 20_000).json()
    with alice_client(service) as client, \
            Outbox(resolve_paths().data / OUTBOX_FILE, service_url=service.url, account_id=world.alice.id) as outbox:
        service.stop()
        try:
            outbox.edit_comment(mine["id"], "first thought")
            outbox.delete_comment(other["id"])
            report = outbox.deliver(client)
            assert report.pending == 2 and not report.delivered
        finally:
            service.start()
        report = outbox.deliver(client)
        assert [(item.kind, item.method) for item in report.delivered] == [("edit", "PATCH"), ("delete", "DELETE")]
        assert report.pending == 0
        # Sent again (as after a lost answer): the service replays, nothing changes twice.
        for item in report.delivered:
            again = client.request(item.method, item.path, content=item.body.encode(),
                                   headers={"Idempotency-Key": item.idempotency_key,
                                            **({"Content-Type": "application/json"} if item.body else {})})
            assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert [(item["author"], item["text"]) for item in visible_comments(service, world)] == [
        ("alice", "first thought")]


def test_changing_someone_elses_comment_is_refused_and_not_retried(service: LiveService,
                                                                   http_server: LocalHTTPServer) -> None:
    world = interactive_world(service, http_server)
    bobs = world.comment(service.api, world.bob, "bob's words", 10_000).json()
    with alice_client(service) as client, \
            Outbox(resolve_paths().data / OUTBOX_FILE, service_url=service.url, account_id=world.alice.id) as outbox:
        outbox.edit_comment(bobs["id"], "alice's words")
        outbox.delete_comment(bobs["id"])
        report = outbox.deliver(client)
        assert [item.kind for item in report.refused] == ["edit", "delete"]
        assert all("only its author" in (item.last_error or "") for item in report.refused)
        assert outbox.items("pending") == []
    assert [item["text"] for item in visible_comments(service, world)] == ["bob's words"]


def test_an_outbox_file_from_before_edits_still_delivers(service: LiveService, http_server: LocalHTTPServer) -> None:
    world = interactive_world(service, http_server)
    path = resolve_paths().data / OUTBOX_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as old:  # the table as earlier versions wrote it, a comment waiting
        old.execute("CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, service_url TEXT NOT NULL, "
                    "account_id INTEGER NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL, body TEXT NOT NULL, "
                    "idempotency_key TEXT NOT NULL UNIQUE, state TEXT NOT NULL DEFAULT 'pending', "
                    "attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL DEFAULT 0, "
                    "last_error TEXT, response TEXT, created_at REAL NOT NULL, finished_at REAL)")
        old.execute("INSERT INTO outbox (service_url, account_id, kind, path, body, idempotency_key, created_at) "
                    "VALUES (?, ?, 'comment', ?, ?, 'castwise-old-key-1', 0)",
                    (service.url, world.alice.id, f"/api/v1/interactive-episodes/{world.episode_id}/comments",
                     '{"text":"from an older Castwise","at_ms":1000,"parent_id":null}'))
    old.close()
    with alice_client(service) as client, Outbox(path, service_url=service.url, account_id=world.alice.id) as outbox:
        report = outbox.deliver(client)
        assert [(item.kind, item.method) for item in report.delivered] == [("comment", "POST")]
    assert [item["text"] for item in visible_comments(service, world)] == ["from an older Castwise"]


def test_the_session_hears_edits_deletions_and_pinned_answers(service: LiveService,
                                                              http_server: LocalHTTPServer) -> None:
    world = interactive_world(service, http_server)
    question = world.question(service.api, anchor_ms=120_000)
    answers = f"/api/v1/questions/{question['id']}/answers"
    early = service.json("POST", answers, world.bob.access_token, json={"text": "Pinned before", "share_consent": True})
    service.json("POST", f"/api/v1/interactions/{early['id']}/moderation", world.creator.access_token,
                 json={"action": "pin"})
    events: queue.Queue[EpisodeEvent] = queue.Queue()
    connected = threading.Event()
    with alice_client(service) as client, \
            Outbox(resolve_paths().data / OUTBOX_FILE, service_url=service.url, account_id=world.alice.id) as outbox:
        worker = OutboxWorker(outbox, client).start()
        session = EpisodeSession(client, world.episode_id, outbox=outbox, worker=worker, on_event=events.put)
        try:
            assert [answer.text for answer in session.pinned_answers()] == ["Pinned before"]
            session.follow(connected=connected.set)
            assert connected.wait(WAIT_S)
            bobs = world.comment(service.api, world.bob, "Typo hre", 30_000).json()
            assert _next(events, COMMENT_APPROVED).id == bobs["id"]
            service.json("PATCH", f"/api/v1/interactions/{bobs['id']}", world.bob.access_token,
                         json={"text": "Typo here"})
            edited = _next(events, COMMENT_EDITED)
            assert isinstance(edited, InteractionPublic) and edited.text == "Typo here"
            assert [cue.label for cue in session.cues if cue.kind == "comment"] == ["Typo here"]
            reply = world.comment(service.api, world.creator, "Thanks Bob", 31_000, parent_id=bobs["id"]).json()
            created = _next(events, COMMENT_APPROVED)
            assert isinstance(created, InteractionPublic) and created.by_creator and created.parent_id == bobs["id"]
            service.json("DELETE", f"/api/v1/interactions/{bobs['id']}", world.bob.access_token)
            deleted = _next(events, COMMENT_DELETED)
            assert isinstance(deleted, CommentDeleted) and deleted.reply_ids == [reply["id"]]
            assert [cue for cue in session.cues if cue.kind == "comment"] == []
            later = service.json("POST", answers, world.alice.access_token,
                                 json={"text": "Pinned live", "share_consent": True})
            service.json("POST", f"/api/v1/interactions/{later['id']}/moderation", world.creator.access_token,
                         json={"action": "pin"})
            pinned = _next(events, ANSWER_PINNED)
            assert isinstance(pinned, InteractionPublic) and pinned.text == "Pinned live"
            assert pinned.parent_id == question["id"]
        finally:
            session.close()
            worker.stop()


def _next(events: queue.Queue[EpisodeEvent], name: str) -> object:
    """The payload of the next ``name`` event (others before it are skipped)."""
    while True:
        event = events.get(timeout=WAIT_S)
        if event.name == name:
            return event.payload
