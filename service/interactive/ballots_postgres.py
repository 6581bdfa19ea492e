"""A batch of votes written to PostgreSQL in ONE statement: one round trip, one transaction.

Round trips, not rows, are what a busy poll pays for: each one is a wait for the batch and a
turn of the worker's event loop. So the whole batch travels as one parameter, and one
statement of data-modifying CTEs (``ORDER`` of evaluation: the snapshot of the statement, then
each ``INSERT`` in turn) does what the step-by-step writer does:

- ``authorized``: the token's device session exists, belongs to the voter and is not revoked
  (revocation takes effect at once); a session not used for a minute is touched;
- ``open_polls``: the polls voted on, open now, locked ``FOR SHARE`` until commit so that closing
  a poll waits for the batch (a vote committed before the close is in its final tally);
- ``replays``: an ``Idempotency-Key`` already stored: a retry, answered with the stored response;
- ``ballots``: ``INSERT ... ON CONFLICT DO NOTHING``: the ``uq_poll_ballots_poll_user`` constraint
  refuses a second ballot whatever the code path;
- ``keys``: the key and its response stored only with a ballot actually inserted (a refused vote
  leaves the key free, as the idempotency contract says);
- ``choices``: the chosen options of the inserted ballots.

The batch travels as one JSON parameter (``json_to_recordset``): the statement text never changes
whatever the batch size, so the driver prepares it once per connection and the server plans it
once, and encoding the batch is one C call instead of a Python loop per value.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

VOTE_BATCH_SQL = """
WITH input AS (
    SELECT * FROM json_to_recordset(%(votes)s::json)
        AS t(ord int, user_id int, session_id int, poll_id int, chosen int[], key text, fingerprint text,
             route text, receipt text)
),
authorized AS (
    SELECT i.ord, i.session_id, live.stale FROM input i CROSS JOIN LATERAL (
        SELECT s.last_used_at < now() - interval '60 seconds' AS stale FROM device_sessions s
        WHERE s.id = i.session_id AND s.user_id = i.user_id AND s.revoked_at IS NULL
        OFFSET 0) live  -- OFFSET 0: one primary-key probe per vote, never a scan of every session
),
touched AS (
    UPDATE device_sessions SET last_used_at = now()
    WHERE id = ANY(ARRAY(SELECT session_id FROM authorized WHERE stale))
),
open_polls AS (
    SELECT p.id, e.show_id FROM interactions p JOIN interactive_episodes e ON e.id = p.episode_id
    WHERE p.id IN (SELECT DISTINCT poll_id FROM input) AND p.kind = 'poll'
      AND (p.opens_at IS NULL OR p.opens_at <= now()) AND (p.closes_at IS NULL OR now() < p.closes_at)
    FOR SHARE OF p
),
replays AS (
    SELECT i.ord FROM input i CROSS JOIN LATERAL (
        SELECT 1 FROM idempotency_keys k WHERE k.user_id = i.user_id AND k.key = i.key OFFSET 0) stored
),
eligible AS (
    SELECT i.* FROM input i
    JOIN authorized a ON a.ord = i.ord
    JOIN open_polls o ON o.id = i.poll_id
    WHERE NOT EXISTS (SELECT 1 FROM replays r WHERE r.ord = i.ord)
      AND NOT EXISTS (SELECT 1 FROM blocked_listeners b WHERE b.show_id = o.show_id AND b.user_id = i.user_id
                      OFFSET 0)
),
ballots AS (
    INSERT INTO poll_ballots (poll_id, user_id, created_at)
    SELECT poll_id, user_id, now() FROM eligible ORDER BY ord
    ON CONFLICT DO NOTHING
    RETURNING id, poll_id, user_id
),
keys AS (
    INSERT INTO idempotency_keys (user_id, key, fingerprint, route, status_code, response_body, created_at)
    SELECT e.user_id, e.key, e.fingerprint, e.route, 201, e.receipt, now()
    FROM eligible e JOIN ballots b ON b.user_id = e.user_id
    WHERE e.key IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING user_id
),
choices AS (
    INSERT INTO ballot_choices (ballot_id, option_id, poll_id)
    SELECT b.id, unnest(e.chosen), b.poll_id FROM ballots b JOIN eligible e ON e.user_id = b.user_id
)
SELECT i.ord, a.ord IS NOT NULL, r.ord IS NOT NULL, e.ord IS NOT NULL, b.id, k.user_id IS NOT NULL,
       -- With the guard on, a vote counted without its key stored aborts the statement (see KEY_CLASH).
       CASE WHEN %(guard)s AND b.id IS NOT NULL AND i.key IS NOT NULL AND k.user_id IS NULL
            THEN CAST('idempotency key clash: ' || i.key AS int) END
FROM input i
LEFT JOIN authorized a ON a.ord = i.ord
LEFT JOIN replays r ON r.ord = i.ord
LEFT JOIN eligible e ON e.ord = i.ord
LEFT JOIN ballots b ON b.user_id = i.user_id
LEFT JOIN keys k ON k.user_id = i.user_id
"""
"""Each batch holds at most one vote per account, so ``user_id`` identifies a vote within it."""

KEY_CLASH = "idempotency key clash"
"""Marks the error the guarded statement raises when another request of the same account stored a
vote's key between the statement's snapshot and its insert (a client reusing a key concurrently):
the statement, run on its own (autocommit, one round trip), then counts nothing, and the batch
is written again in an explicit transaction that finds those votes (:func:`clashes`)."""


class BatchVote(Protocol):
    """What the statement needs of one queued vote."""

    user_id: int
    session_id: int
    poll_id: int
    chosen: list[int]
    receipt: str

    @property
    def key(self) -> str | None: ...

    @property
    def fingerprint(self) -> str: ...

    @property
    def route(self) -> str: ...


@dataclass(frozen=True)
class VoteResult:
    """What the statement did with one vote."""

    authorized: bool
    """The device session is live."""
    replay: bool
    """Its ``Idempotency-Key`` was already stored: answer the stored response."""
    eligible: bool
    """Authorized, the poll open, the voter not blocked, the key new."""
    ballot_id: int | None
    """Counted (the ballot was inserted), else refused by the one-ballot constraint."""
    key_stored: bool


def parameters(votes: Sequence[BatchVote]) -> dict[str, Any]:
    """The statement's parameter for ``votes`` (one per account)."""
    return {"votes": json.dumps([
        {"ord": index, "user_id": vote.user_id, "session_id": vote.session_id, "poll_id": vote.poll_id,
         "chosen": vote.chosen, "key": vote.key, "fingerprint": vote.fingerprint, "route": vote.route,
         "receipt": vote.receipt} for index, vote in enumerate(votes)], separators=(",", ":"))}


async def write_batch(connection: Any, votes: Sequence[BatchVote], *, guard: bool) -> list[VoteResult]:
    """Run the statement for ``votes`` on ``connection`` (a psycopg ``AsyncConnection``); the
    results in the order of ``votes``. ``guard``: raise on a key clash (for a statement that is
    its own transaction); without it the caller's transaction must check :func:`clashes`."""
    async with connection.cursor() as cursor:
        await cursor.execute(VOTE_BATCH_SQL, {**parameters(votes), "guard": guard})
        rows = await cursor.fetchall()
    results: list[VoteResult | None] = [None] * len(votes)
    for ord_, authorized, replay, eligible, ballot_id, key_stored, _guard in rows:
        results[ord_] = VoteResult(bool(authorized), bool(replay), bool(eligible), ballot_id, bool(key_stored))
    assert all(result is not None for result in results)
    return [result for result in results if result is not None]


def clashes(votes: Sequence[BatchVote], results: Sequence[VoteResult]) -> list[int]:
    """Positions of votes counted without their key stored: another request of the same account
    stored that key meanwhile (a client reusing it concurrently). The transaction must be undone
    and those votes answered from the stored key instead."""
    return [index for index, (vote, result) in enumerate(zip(votes, results, strict=True))
            if result.ballot_id is not None and vote.key is not None and not result.key_stored]
