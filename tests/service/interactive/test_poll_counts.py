"""A poll's tally comes from running counts the database keeps itself (``poll_counts``): they
equal a recount of the ballots after votes by every path (one at a time, a batch written by one
statement, several options per ballot) and after ballots are taken back by cascades (an erased
account), on SQLite and PostgreSQL; a database from before the counts gets them on upgrade."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from service.context import ServiceContext
from service.db import make_engine
from service.interactive.ballots import VoteBatcher
from service.migrate import upgrade
from tests.service.conftest import LiveServer
from tests.service.interactive.world import World, new_key, seed_listeners, vote_together
from tests.support.postgres import PostgresServer

RECOUNT = """
SELECT poll_id, 0, count(*) FROM poll_ballots GROUP BY poll_id
UNION ALL
SELECT poll_id, option_id, count(*) FROM ballot_choices GROUP BY poll_id, option_id
"""


def _counts(engine: Engine) -> dict[tuple[int, int], int]:
    """The running counts, zero rows left out (a count taken back to nothing is no vote)."""
    with engine.connect() as connection:
        return {(poll, option): votes for poll, option, votes in
                connection.execute(text("SELECT poll_id, option_id, votes FROM poll_counts")) if votes}


def _recount(engine: Engine) -> dict[tuple[int, int], int]:
    with engine.connect() as connection:
        return {(poll, option): votes for poll, option, votes in connection.execute(text(RECOUNT))}


def _view(client: TestClient, world: World, poll_id: int) -> tuple[int, list[int]]:
    view = client.get(f"/api/v1/polls/{poll_id}", headers=world.creator.headers).json()
    return view["total_votes"], [option["votes"] for option in view["options"]]


def test_a_batch_of_votes_is_counted_once_each(client: TestClient, world: World, live_server: LiveServer,
                                               context: ServiceContext, batcher: VoteBatcher) -> None:
    single, multiple = world.poll(client), world.poll(client, kind="multiple")
    one = [option["id"] for option in single["options"]]
    many = [option["id"] for option in multiple["options"]]
    voters = seed_listeners(context, 12)
    requests = [({**headers, "Idempotency-Key": new_key()}, {"option_ids": [one[index % 3]]})
                for index, headers in enumerate(voters)]
    responses = vote_together(f"{live_server.url}/api/v1/polls/{single['id']}/votes", requests)
    assert [response.status_code for response in responses] == [201] * 12
    assert batcher.batches == 1  # one statement wrote all twelve on PostgreSQL

    # A retry and a second ballot change nothing.
    again = client.post(f"/api/v1/polls/{single['id']}/votes", headers=requests[0][0], json=requests[0][1])
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert client.post(f"/api/v1/polls/{single['id']}/votes", headers=voters[0],
                       json={"option_ids": [one[1]]}).status_code == 409

    together = [({**headers, "Idempotency-Key": new_key()}, {"option_ids": many[: 1 + index % 3]})
                for index, headers in enumerate(voters[:6])]
    assert [r.status_code for r in vote_together(f"{live_server.url}/api/v1/polls/{multiple['id']}/votes",
                                                  together)] == [201] * 6

    assert _view(client, world, single["id"]) == (12, [4, 4, 4])
    assert _view(client, world, multiple["id"]) == (6, [6, 4, 2])
    assert _counts(context.engine) == _recount(context.engine)


def test_an_erased_account_takes_its_votes_back(client: TestClient, world: World, context: ServiceContext) -> None:
    poll = world.poll(client, kind="multiple")
    first, second, third = (option["id"] for option in poll["options"])
    assert client.post(f"/api/v1/polls/{poll['id']}/votes", headers=world.alice.headers,
                       json={"option_ids": [first, third]}).status_code == 201
    assert client.post(f"/api/v1/polls/{poll['id']}/votes", headers=world.bob.headers,
                       json={"option_ids": [second, third]}).status_code == 201
    assert _view(client, world, poll["id"]) == (2, [1, 1, 2])

    gone = client.request("DELETE", "/api/v1/account", headers=world.bob.headers,
                          json={"password": world.bob.password})
    assert gone.status_code == 204, gone.text
    assert _view(client, world, poll["id"]) == (1, [1, 0, 1])
    assert _counts(context.engine) == _recount(context.engine)


def test_a_deleted_poll_takes_its_counts_with_it(client: TestClient, world: World, context: ServiceContext) -> None:
    kept, dropped = world.poll(client), world.poll(client)
    for poll in (kept, dropped):
        assert client.post(f"/api/v1/polls/{poll['id']}/votes", headers=world.alice.headers,
                           json={"option_ids": [poll["options"][0]["id"]]}).status_code == 201
    with context.engine.begin() as connection:
        connection.execute(text("DELETE FROM interactions WHERE id = :id"), {"id": dropped["id"]})
    assert _counts(context.engine) == _recount(context.engine) == {(kept["id"], 0): 1,
                                                                  (kept["id"], kept["options"][0]["id"]): 1}


def _populated_before_counts(engine: Engine) -> None:
    """A database at the revision before the counts, with two polls and their ballots."""
    from alembic import command

    from service.migrate import alembic_config

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0102_comment_edited_at")
    rows = [
        "INSERT INTO users (id, email, username, password_hash, email_verified, is_admin, feed_secret, created_at)"
        " VALUES " + ", ".join(f"({n}, 'u{n}@example.org', 'u{n}', 'h', true, false, 's{n}', :now)"
                               for n in range(1, 6)),
        "INSERT INTO shows (id, owner_id, title, feed_url, description, verified_at) "
        "VALUES (1, 1, 'Show', 'http://example.org/f', '', :now)",
        "INSERT INTO interactive_episodes (id, show_id, guid, title, approval, auto_moderation, blocked_keywords,"
        " created_at) VALUES (1, 1, 'g', 'Ep', 'none', 'standard', '[]', :now)",
        "INSERT INTO interactions (id, episode_id, kind, user_id, text, multiple, visibility, pinned, share_consent,"
        " by_creator, created_at) VALUES (1, 1, 'poll', 1, 'A?', false, 'visible', false, false, true, :now),"
        " (2, 1, 'poll', 1, 'B?', true, 'visible', false, false, true, :now)",
        "INSERT INTO poll_options (id, poll_id, position, label) VALUES (1, 1, 0, 'x'), (2, 1, 1, 'y'),"
        " (3, 2, 0, 'p'), (4, 2, 1, 'q')",
        "INSERT INTO poll_ballots (id, poll_id, user_id, created_at) VALUES (1, 1, 2, :now), (2, 1, 3, :now),"
        " (3, 1, 4, :now), (4, 2, 2, :now), (5, 2, 5, :now)",
        "INSERT INTO ballot_choices (ballot_id, option_id, poll_id) VALUES (1, 1, 1), (2, 1, 1), (3, 2, 1),"
        " (4, 3, 2), (4, 4, 2), (5, 4, 2)",
    ]
    with engine.begin() as connection:
        for statement in rows:
            connection.execute(text(statement), {"now": "2026-01-01 00:00:00+00:00"})


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        yield engine
        engine.dispose()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    admin = create_engine(server.url(), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("CREATE DATABASE castwise_counts_upgrade"))
    engine = make_engine(server.url("castwise_counts_upgrade"))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS castwise_counts_upgrade WITH (FORCE)"))
        admin.dispose()


def test_upgrading_counts_the_ballots_already_cast(empty_engine: Engine) -> None:
    _populated_before_counts(empty_engine)
    upgrade(empty_engine)
    assert _counts(empty_engine) == _recount(empty_engine) == {
        (1, 0): 3, (1, 1): 2, (1, 2): 1, (2, 0): 2, (2, 3): 1, (2, 4): 2}
    # The triggers are in place: a ballot taken back by a cascade is uncounted.
    with empty_engine.begin() as connection:
        connection.execute(text("DELETE FROM users WHERE id = 2"))
    assert _counts(empty_engine) == _recount(empty_engine) == {(1, 0): 2, (1, 1): 1, (1, 2): 1, (2, 0): 1, (2, 4): 1}
