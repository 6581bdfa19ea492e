"""A batch of votes written to PostgreSQL in ONE statement: one round trip, one transaction.

Round trips, not rows, are what a busy poll pays for: each one costs the vote writer a wake-up
and the worker's event loop a turn of the GIL. So the whole batch travels as arrays, and one
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

The statement text never changes (arrays, not a row count's worth of placeholders), so the
driver prepares it once per connection and the server plans it once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

VOTE_BATCH_SQL = """
WITH input AS (
    SELECT * FROM unnest(%(ord)s::int[], %(user_id)s::int[], %(session_id)s::int[], %(poll_id)s::int[],
                         %(key)s::text[], %(fingerprint)s::text[], %(route)s::text[], %(receipt)s::text[])
        AS t(ord, user_id, session_id, poll_id, key, fingerprint, route, receipt)
),
authorized AS (
    SELECT i.ord, i.session_id FROM input i
    JOIN device_sessions s ON s.id = i.session_id AND s.user_id = i.user_id AND s.revoked_at IS NULL
),
touched AS (
    UPDATE device_sessions SET last_used_at = now()
    WHERE id IN (SELECT session_id FROM authorized) AND last_used_at < now() - interval '60 seconds'
),
open_polls AS (
    SELECT p.id, e.show_id FROM interactions p JOIN interactive_episodes e ON e.id = p.episode_id
    WHERE p.id = ANY(%(polls)s::int[]) AND p.kind = 'poll'
      AND (p.opens_at IS NULL OR p.opens_at <= now()) AND (p.closes_at IS NULL OR now() < p.closes_at)
    FOR SHARE OF p
),
replays AS (
    SELECT i.ord FROM input i JOIN idempotency_keys k ON k.user_id = i.user_id AND k.key = i.key
),
eligible AS (
    SELECT i.* FROM input i
    JOIN authorized a ON a.ord = i.ord
    JOIN open_polls o ON o.id = i.poll_id
    WHERE NOT EXISTS (SELECT 1 FROM replays r WHERE r.ord = i.ord)
      AND NOT EXISTS (SELECT 1 FROM blocked_listeners b WHERE b.show_id = o.show_id AND b.user_id = i.user_id)
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
    SELECT b.id, c.option_id, b.poll_id
    FROM ballots b JOIN unnest(%(choice_user)s::int[], %(choice_option)s::int[]) AS c(user_id, option_id)
        ON c.user_id = b.user_id
)
SELECT i.ord,
       EXISTS (SELECT 1 FROM authorized a WHERE a.ord = i.ord),
       EXISTS (SELECT 1 FROM replays r WHERE r.ord = i.ord),
       EXISTS (SELECT 1 FROM eligible e WHERE e.ord = i.ord),
       (SELECT b.id FROM ballots b WHERE b.user_id = i.user_id),
       EXISTS (SELECT 1 FROM keys k WHERE k.user_id = i.user_id)
FROM input i
"""
"""Each batch holds at most one vote per account, so ``user_id`` identifies a vote within it."""


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
    """The statement's arrays for ``votes`` (one per account)."""
    return {
        "ord": list(range(len(votes))),
        "user_id": [vote.user_id for vote in votes],
        "session_id": [vote.session_id for vote in votes],
        "poll_id": [vote.poll_id for vote in votes],
        "key": [vote.key for vote in votes],
        "fingerprint": [vote.fingerprint for vote in votes],
        "route": [vote.route for vote in votes],
        "receipt": [vote.receipt for vote in votes],
        "polls": sorted({vote.poll_id for vote in votes}),
        "choice_user": [vote.user_id for vote in votes for _option in vote.chosen],
        "choice_option": [option for vote in votes for option in vote.chosen],
    }


def write_batch(connection: Any, votes: Sequence[BatchVote]) -> list[VoteResult]:
    """Run the statement for ``votes`` on ``connection`` (psycopg, in a transaction the caller
    commits or rolls back); the results in the order of ``votes``."""
    with connection.cursor() as cursor:
        cursor.execute(VOTE_BATCH_SQL, parameters(votes))
        rows = cursor.fetchall()
    results: list[VoteResult | None] = [None] * len(votes)
    for ord_, authorized, replay, eligible, ballot_id, key_stored in rows:
        results[ord_] = VoteResult(bool(authorized), bool(replay), bool(eligible), ballot_id, bool(key_stored))
    assert all(result is not None for result in results)
    return [result for result in results if result is not None]
