"""The offline outbox against the real service: actions made while it is down arrive once it is
back, a lost response or a killed process neither loses nor doubles an action."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import keyring
import pytest
from keyring.backends import fail

from account.client import ServiceClient
from interactive.outbox import OUTBOX_FILE, DeliveryReport, Outbox, OutboxInputError, OutboxWorker
from library.paths import resolve_paths
from library.secrets import SecretStore
from tests.account.liveservice import LiveService
from tests.conftest import ROOT
from tests.interactive.helpers import (
    ALICE_PASSWORD,
    alice_client,
    interactive_world,
    poll_as,
    visible_comments,
)
from tests.service.interactive.world import World
from tests.support.httpserver import LocalHTTPServer


def _outbox(service: LiveService, world: World) -> Outbox:
    return Outbox(resolve_paths().data / OUTBOX_FILE, service_url=service.url, account_id=world.alice.id)


def test_actions_made_while_the_service_is_down_arrive_once_it_is_back(service: LiveService,
                                                                       http_server: LocalHTTPServer) -> None:
    world = interactive_world(service, http_server)
    poll = world.poll(service.api)
    question = world.question(service.api)
    with alice_client(service) as client:
        service.stop()
        outbox = _outbox(service, world)
        outbox.vote(poll["id"], [poll["options"][1]["id"]])
        outbox.comment(world.episode_id, "Loved the interview", 61_000)
        outbox.answer(question["id"], "More interviews please", share_consent=True)
        offline = outbox.deliver(client)
        assert offline.delivered == [] and offline.pending == 3 and "cannot be reached" in (offline.stopped_by or "")
        service.start()
        back = outbox.deliver(client)
        assert [item.kind for item in back.delivered] == ["vote", "comment", "answer"] and back.pending == 0
        assert outbox.deliver(client).delivered == []
    seen = poll_as(service, world, poll["id"])
    assert seen["total_votes"] == 1 and seen["my_option_ids"] == [poll["options"][1]["id"]]
    assert [(item["text"], item["at_ms"]) for item in visible_comments(service, world)] == [
        ("Loved the interview", 61_000)]
    answers = service.json("GET", f"/api/v1/questions/{question['id']}/answers", world.creator.access_token)
    assert [(item["text"], item["share_consent"]) for item in answers] == [("More interviews please", True)]


class _LoseFirstResponse(httpx.BaseTransport):
    """The connection drops after the service committed a write, before its answer arrives."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST" and "/auth/" not in request.url.path and not self.lost:
            response.read()
            self.lost += 1
            raise httpx.ReadError("connection reset by peer", request=request)
        return response


def test_a_response_lost_on_a_dropped_connection_is_resent_and_counted_once(
        service: LiveService, http_server: LocalHTTPServer) -> None:
    world = interactive_world(service, http_server)
    poll = world.poll(service.api)
    outbox = _outbox(service, world)
    vote = outbox.vote(poll["id"], [poll["options"][0]["id"]])
    comment = outbox.comment(world.episode_id, "First!", 1_000)
    dropping = _LoseFirstResponse()
    with alice_client(service, transport=dropping) as client:
        first = outbox.deliver(client)
        assert dropping.lost == 1 and first.delivered == [] and first.pending == 2
        second = outbox.deliver(client)  # the same key again: the service answers with the first result
    assert [item.idempotency_key for item in second.delivered] == [vote.idempotency_key, comment.idempotency_key]
    assert poll_as(service, world, poll["id"])["total_votes"] == 1
    assert [item["text"] for item in visible_comments(service, world)] == ["First!"]


_KILLED_DELIVERY = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import httpx, keyring
    from keyring.backends import fail
    keyring.set_keyring(fail.Keyring())
    from account.client import ServiceClient
    from interactive.outbox import Outbox
    from library.secrets import SecretStore

    url, outbox_path, secrets_folder, poll_id, option_id, episode_id, account_id = sys.argv[1:]

    class DieAfterSending(httpx.BaseTransport):
        # The process is killed the moment the service has taken the vote: nothing recorded here.
        def __init__(self):
            self.inner = httpx.HTTPTransport()
        def handle_request(self, request):
            response = self.inner.handle_request(request)
            if request.method == "POST" and "/auth/" not in request.url.path:
                response.read()
                os.kill(os.getpid(), signal.SIGKILL)
            return response

    outbox = Outbox(Path(outbox_path), service_url=url, account_id=int(account_id))
    outbox.vote(int(poll_id), [int(option_id)])
    outbox.comment(int(episode_id), "Written just before the crash", 5000)
    print("queued", flush=True)
    client = ServiceClient(url, secrets=SecretStore(Path(secrets_folder), confirm_plaintext=lambda _m: True),
                           transport=DieAfterSending())
    outbox.deliver(client)
""")


def test_a_process_killed_mid_delivery_loses_nothing_and_doubles_nothing(
        service: LiveService, http_server: LocalHTTPServer, tmp_path: Path) -> None:
    world = interactive_world(service, http_server)
    poll = world.poll(service.api)
    keyring.set_keyring(fail.Keyring())  # both processes share the (consented) plain-text store
    secrets = SecretStore(tmp_path / "secrets", confirm_plaintext=lambda _message: True)
    outbox_path = resolve_paths().data / OUTBOX_FILE
    with ServiceClient(service.url, secrets=secrets) as client:
        client.sign_in("alice", ALICE_PASSWORD, device_name="desktop")
        run = subprocess.run(
            [sys.executable, "-c", _KILLED_DELIVERY, service.url, str(outbox_path), str(tmp_path / "secrets"),
             str(poll["id"]), str(poll["options"][2]["id"]), str(world.episode_id), str(world.alice.id)],
            cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert run.returncode == -9, run.stderr
        assert run.stdout.strip() == "queued"
        assert poll_as(service, world, poll["id"])["total_votes"] == 1  # the service took the vote...
        outbox = Outbox(outbox_path, service_url=service.url, account_id=world.alice.id)
        assert [item.kind for item in outbox.items("pending")] == ["vote", "comment"]  # ...unrecorded here
        report = outbox.deliver(client)
    assert [item.kind for item in report.delivered] == ["vote", "comment"]
    seen = poll_as(service, world, poll["id"])
    assert seen["total_votes"] == 1 and seen["my_option_ids"] == [poll["options"][2]["id"]]
    assert [item["text"] for item in visible_comments(service, world)] == ["Written just before the crash"]


def test_actions_the_service_refuses_are_reported_and_not_retried(service: LiveService,
                                                                   http_server: LocalHTTPServer) -> None:
    world = interactive_world(service, http_server)
    poll = world.poll(service.api)
    outbox = _outbox(service, world)
    late = outbox.vote(poll["id"], [poll["options"][0]["id"]])
    service.json("POST", f"/api/v1/polls/{poll['id']}/close", world.creator.access_token)
    with alice_client(service) as client:
        report = outbox.deliver(client)
        assert [item.id for item in report.refused] == [late.id]
        assert "not open" in (report.refused[0].last_error or "") or "closed" in (report.refused[0].last_error or "")
        assert outbox.items("pending") == [] and outbox.deliver(client).refused == []


def test_bad_actions_are_refused_before_anything_is_stored(service: LiveService) -> None:
    outbox = Outbox(resolve_paths().data / OUTBOX_FILE, service_url=service.url, account_id=1)
    with pytest.raises(OutboxInputError, match="text"):
        outbox.comment(1, "   ", 1_000)
    with pytest.raises(OutboxInputError):
        outbox.comment(1, "x" * 2001, 1_000)
    with pytest.raises(OutboxInputError, match="option_ids"):
        outbox.vote(1, [])
    with pytest.raises(OutboxInputError, match="control"):
        outbox.comment(1, "bell\x07", 1_000)
    assert outbox.items() == []


def test_the_worker_delivers_in_the_background_when_woken(service: LiveService, http_server: LocalHTTPServer) -> None:
    world = interactive_world(service, http_server)
    reports: queue.Queue[DeliveryReport] = queue.Queue()
    outbox = _outbox(service, world)
    with alice_client(service) as client:
        worker = OutboxWorker(outbox, client, on_report=reports.put).start()
        try:
            outbox.comment(world.episode_id, "Hello from the background", 2_000)
            worker.wake()
            report = reports.get(timeout=30)
        finally:
            worker.stop()
    assert [item.kind for item in report.delivered] == ["comment"]
    assert [item["text"] for item in visible_comments(service, world)] == ["Hello from the background"]


def test_actions_are_only_ever_sent_as_the_account_that_made_them(service: LiveService,
                                                                  http_server: LocalHTTPServer) -> None:
    world = interactive_world(service, http_server)
    poll = world.poll(service.api)
    alices = _outbox(service, world)
    alices.vote(poll["id"], [poll["options"][0]["id"]])
    with ServiceClient(service.url) as client:
        client.sign_in("bob", "bob-long-password", device_name="shared computer")
        report = alices.deliver(client)
        assert report.delivered == [] and report.pending == 1 and "sign in as" in (report.stopped_by or "")
        bobs = Outbox(resolve_paths().data / OUTBOX_FILE, service_url=service.url, account_id=world.bob.id)
        assert bobs.items() == [] and bobs.deliver(client).delivered == []
    assert poll_as(service, world, poll["id"], who="bob")["total_votes"] is None  # nobody voted
    with alice_client(service) as client:
        assert len(alices.deliver(client).delivered) == 1
    assert poll_as(service, world, poll["id"])["total_votes"] == 1


def test_a_report_reaches_the_creators_moderation_view(service: LiveService, http_server: LocalHTTPServer) -> None:
    world = interactive_world(service, http_server)
    comment = world.comment(service.api, world.bob, "Buy cheap watches", 3_000).json()
    outbox = _outbox(service, world)
    outbox.report(comment["id"], "spam")
    with alice_client(service) as client:
        assert [item.kind for item in outbox.deliver(client).delivered] == ["report"]
    seen = service.json("GET", f"/api/v1/interactive-episodes/{world.episode_id}/comments",
                        world.creator.access_token)
    assert [(item["text"], item["report_count"]) for item in seen] == [("Buy cheap watches", 1)]
