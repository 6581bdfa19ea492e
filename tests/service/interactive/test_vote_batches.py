"""Votes written in batches: concurrent voters share one transaction, every acknowledged vote is
counted, a second ballot in the same batch is refused like any other, and a failed batch counts
none of its votes and tells each voter so (on SQLite and PostgreSQL, against a real server)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from service.context import ServiceContext
from service.interactive.ballots import VoteBatcher
from service.interactive.models import BallotChoice, IdempotencyKey, PollBallot
from tests.service.conftest import LiveServer
from tests.service.interactive.world import World, new_key, seed_listeners, vote_together

VOTERS = 16


def _ballots(context: ServiceContext, poll_id: int) -> int:
    with context.sessions() as db:
        return db.scalar(select(func.count()).select_from(PollBallot).where(PollBallot.poll_id == poll_id)) or 0


def _refuse_choices(context: ServiceContext, refuse: bool) -> None:
    """Make the database itself refuse (or accept again) every chosen option: the batch's last
    write, after its ballots and keys (a trigger, so it holds whatever statements the writer uses)."""
    postgres = context.engine.dialect.name == "postgresql"
    with context.engine.begin() as connection:
        if not refuse:
            connection.execute(text("DROP TRIGGER refuse_choices" + (" ON ballot_choices" if postgres else "")))
        elif postgres:
            connection.execute(text("CREATE OR REPLACE FUNCTION refuse_choice() RETURNS trigger LANGUAGE plpgsql "
                                    "AS $$ BEGIN RAISE EXCEPTION 'the database refused the write'; END $$"))
            connection.execute(text("CREATE TRIGGER refuse_choices BEFORE INSERT ON ballot_choices "
                                    "FOR EACH ROW EXECUTE FUNCTION refuse_choice()"))
        else:
            connection.execute(text("CREATE TRIGGER refuse_choices BEFORE INSERT ON ballot_choices "
                                    "BEGIN SELECT RAISE(ABORT, 'the database refused the write'); END"))


def test_many_voters_in_one_batch_are_all_counted(client: TestClient, world: World, live_server: LiveServer,
                                                   context: ServiceContext, batcher: VoteBatcher) -> None:
    poll = world.poll(client)
    options = [option["id"] for option in poll["options"]]
    voters = seed_listeners(context, VOTERS)
    requests = [({**headers, "Idempotency-Key": new_key()}, {"option_ids": [options[index % len(options)]]})
                for index, headers in enumerate(voters)]
    responses = vote_together(f"{live_server.url}/api/v1/polls/{poll['id']}/votes", requests)
    assert [response.status_code for response in responses] == [201] * VOTERS, [r.text for r in responses]
    assert batcher.batches == 1  # one transaction for all of them
    assert _ballots(context, poll["id"]) == VOTERS
    with context.sessions() as db:
        assert db.scalar(select(func.count()).select_from(BallotChoice)) == VOTERS
        assert db.scalar(select(func.count()).select_from(IdempotencyKey)) == VOTERS
    # A retry of one of them replays its receipt and counts nothing more.
    again = client.post(f"/api/v1/polls/{poll['id']}/votes", headers=requests[3][0], json=requests[3][1])
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.text == responses[3].text
    assert _ballots(context, poll["id"]) == VOTERS


def test_a_second_ballot_in_the_same_batch_is_refused(client: TestClient, world: World, live_server: LiveServer,
                                                      context: ServiceContext, batcher: VoteBatcher) -> None:
    poll = world.poll(client)
    first, second = poll["options"][0]["id"], poll["options"][1]["id"]
    requests = [({**world.alice.headers, "Idempotency-Key": new_key()}, {"option_ids": [first]}),
                ({**world.alice.headers, "Idempotency-Key": new_key()}, {"option_ids": [second]}),
                ({**world.bob.headers}, {"option_ids": [second]})]
    responses = vote_together(f"{live_server.url}/api/v1/polls/{poll['id']}/votes", requests)
    alice = sorted(response.status_code for response in responses[:2])
    assert alice == [201, 409], [r.text for r in responses]
    refused = next(response for response in responses[:2] if response.status_code == 409)
    assert refused.json()["detail"] == "this account has already voted in this poll"
    assert responses[2].status_code == 201
    assert _ballots(context, poll["id"]) == 2
    with context.sessions() as db:  # the refused vote's key answers nothing: only the counted ones stay
        assert db.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def test_a_failed_batch_counts_none_and_tells_every_voter(client: TestClient, world: World,
                                                          live_server: LiveServer, context: ServiceContext,
                                                          batcher: VoteBatcher) -> None:
    poll = world.poll(client)
    option = poll["options"][0]["id"]
    voters = seed_listeners(context, 6)
    requests = [({**headers, "Idempotency-Key": new_key()}, {"option_ids": [option]}) for headers in voters]
    _refuse_choices(context, True)
    try:
        responses = vote_together(f"{live_server.url}/api/v1/polls/{poll['id']}/votes", requests)
    finally:
        _refuse_choices(context, False)
    assert [response.status_code for response in responses] == [503] * len(requests)
    assert all("nothing was counted" in response.json()["detail"] for response in responses)
    assert _ballots(context, poll["id"]) == 0
    with context.sessions() as db:
        assert db.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
    # The same retries (same keys) are then applied, once each.
    responses = vote_together(f"{live_server.url}/api/v1/polls/{poll['id']}/votes", requests)
    assert [response.status_code for response in responses] == [201] * len(requests)
    assert not any(response.headers.get("Idempotent-Replayed") for response in responses)
    assert _ballots(context, poll["id"]) == len(requests)
