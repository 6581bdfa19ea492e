"""The offline outbox: votes, comments, answers, reports, and edits and deletions of one's own
comments, delivered to the service exactly once.

A listener's action is validated (the :mod:`protocol.interactive` request models), given an
``Idempotency-Key`` and written to SQLite (``<data>/interactive-outbox.sqlite3``) *before* any
network traffic, so it survives a dropped connection, a service outage and a killed process.
Delivery sends the stored method and body byte for byte with the stored key; the service applies a key
once and answers every retry with the first response, so an action whose response was lost
(the connection dropped after the service committed, or the app died before recording it) is
simply sent again and still counts once.

Outcomes per action: *delivered* (2xx), *refused* for good (4xx other than 401/429: the poll
closed, the comment was too long...; the listener is told why), or still *pending* (unreachable,
5xx, 429, signed out) and retried later with exponential backoff (2 s doubling to 5 min).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from account.client import ServiceClient
from account.errors import AccountError, NotSignedInError, ServiceUnavailableError, SessionExpiredError
from library.errors import CastwiseError, ErrorKind
from protocol.interactive import (
    IDEMPOTENCY_HEADER,
    AnswerCreate,
    CommentCreate,
    CommentUpdate,
    ReportCreate,
    VoteCreate,
)

log = logging.getLogger(__name__)

OUTBOX_FILE = "interactive-outbox.sqlite3"
ActionKind = Literal["vote", "comment", "answer", "report", "edit", "delete"]
Method = Literal["POST", "PATCH", "DELETE"]
State = Literal["pending", "delivered", "refused"]
FIRST_RETRY_S = 2.0
MAX_RETRY_S = 300.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    service_url TEXT NOT NULL,
    account_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    body TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    response TEXT,
    created_at REAL NOT NULL,
    finished_at REAL,
    method TEXT NOT NULL DEFAULT 'POST'
)
"""
_ADD_METHOD = "ALTER TABLE outbox ADD COLUMN method TEXT NOT NULL DEFAULT 'POST'"
"""Outbox files written before edits and deletions held only POSTs."""
_COLUMNS = "id, kind, path, body, idempotency_key, state, attempts, last_error, response, method"


class OutboxInputError(CastwiseError):
    """The action itself is wrong (empty comment, no option chosen...); nothing was stored."""

    kind = ErrorKind.BAD_INPUT


@dataclass(frozen=True)
class OutboxItem:
    """One stored action. ``response`` is the service's JSON answer once delivered."""

    id: int
    kind: ActionKind
    path: str
    body: str
    idempotency_key: str
    state: State
    attempts: int
    last_error: str | None
    response: str | None
    method: Method = "POST"


@dataclass
class DeliveryReport:
    """What one :meth:`Outbox.deliver` round did."""

    delivered: list[OutboxItem] = field(default_factory=list)
    refused: list[OutboxItem] = field(default_factory=list)
    pending: int = 0
    """Actions still waiting (the service was unreachable, or sign-in is needed)."""
    stopped_by: str | None = None
    """Why the round stopped early, in words, if it did."""
    needs_sign_in: bool = False
    """Nothing can be sent until the account that made the actions signs in (again)."""


def _new_key() -> str:
    return f"castwise-{uuid.uuid4().hex}"


class Outbox:
    """The outbox of one account (``account_id``) on one service, in the SQLite file at ``path``.

    Actions are filed under the account that made them and only ever delivered signed in as it:
    a vote queued by one listener is never cast by the next one to sign in on the machine.
    """

    def __init__(self, path: Path, *, service_url: str, account_id: int) -> None:
        self.path = path
        self.service_url = service_url
        self.account_id = account_id
        self._deliver_lock = threading.Lock()
        self._connection_lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        # One connection for the outbox's life (opening one costs more than most statements);
        # the lock serializes the threads that share it.
        self._connection = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._connection.execute("PRAGMA journal_mode=WAL")
        with self._connection:
            self._connection.execute(_SCHEMA)
            columns = {row[1] for row in self._connection.execute("PRAGMA table_info(outbox)")}
            if "method" not in columns:
                self._connection.execute(_ADD_METHOD)

    def close(self) -> None:
        with self._connection_lock:
            self._connection.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _db(self, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """The connection inside one transaction. ``durable``: the commit reaches the disk before
        it returns (an action the listener saw accepted must survive a power cut). Recording a
        delivery needs less: should that record be lost, the action is sent again and the
        service answers it from its idempotency record."""
        with self._connection_lock:
            self._connection.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
            with self._connection:
                yield self._connection

    # -- adding actions ----------------------------------------------------------------------------

    def _add(self, kind: ActionKind, path: str, model: type[BaseModel] | None, fields: dict[str, object], *,
             method: Method = "POST") -> OutboxItem:
        """Validate and store one action; ``model`` ``None``: it has no body (a deletion)."""
        try:
            body = model.model_validate(fields).model_dump_json() if model is not None else ""
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(str(part) for part in problem.get("loc", ()))
            raise OutboxInputError(f"{kind}: {where + ': ' if where else ''}{problem.get('msg', 'invalid')}") \
                from None
        key = _new_key()
        with self._db(durable=True) as connection:
            cursor = connection.execute(
                "INSERT INTO outbox (service_url, account_id, kind, path, body, idempotency_key, created_at, method) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (self.service_url, self.account_id, kind, path, body, key, time.time(), method))
            item_id = int(cursor.lastrowid or 0)
        return OutboxItem(item_id, kind, path, body, key, "pending", 0, None, None, method)

    def vote(self, poll_id: int, option_ids: list[int]) -> OutboxItem:
        """Queue a ballot in poll ``poll_id``. Raises :class:`OutboxInputError` for a bad one."""
        return self._add("vote", f"/api/v1/polls/{int(poll_id)}/votes", VoteCreate, {"option_ids": option_ids})

    def comment(self, episode_id: int, text: str, at_ms: int, *, parent_id: int | None = None) -> OutboxItem:
        """Queue a comment at ``at_ms`` (milliseconds into interactive episode ``episode_id``)."""
        return self._add("comment", f"/api/v1/interactive-episodes/{int(episode_id)}/comments", CommentCreate,
                         {"text": text, "at_ms": at_ms, "parent_id": parent_id})

    def answer(self, question_id: int, text: str, *, share_consent: bool = False) -> OutboxItem:
        """Queue an answer to question ``question_id`` (``share_consent``: the creator may pin it)."""
        return self._add("answer", f"/api/v1/questions/{int(question_id)}/answers", AnswerCreate,
                         {"text": text, "share_consent": share_consent})

    def report(self, interaction_id: int, reason: str) -> OutboxItem:
        """Queue a report of comment ``interaction_id`` to the creator's moderation queue."""
        return self._add("report", f"/api/v1/interactions/{int(interaction_id)}/reports", ReportCreate,
                         {"reason": reason})

    def edit_comment(self, comment_id: int, text: str) -> OutboxItem:
        """Queue new text for the account's own comment ``comment_id`` (the service moderates it again)."""
        return self._add("edit", f"/api/v1/interactions/{int(comment_id)}", CommentUpdate, {"text": text},
                         method="PATCH")

    def delete_comment(self, comment_id: int) -> OutboxItem:
        """Queue the deletion of the account's own comment ``comment_id`` (its replies go with it)."""
        return self._add("delete", f"/api/v1/interactions/{int(comment_id)}", None, {}, method="DELETE")

    # -- reading -----------------------------------------------------------------------------------

    def items(self, state: State | None = None) -> list[OutboxItem]:
        """Stored actions of this service, oldest first (only ``state`` ones when given)."""
        query = f"SELECT {_COLUMNS} FROM outbox WHERE service_url = ? AND account_id = ?"
        arguments: list[object] = [self.service_url, self.account_id]
        if state is not None:
            query += " AND state = ?"
            arguments.append(state)
        with self._db() as connection:
            rows = connection.execute(query + " ORDER BY id", arguments).fetchall()
        return [OutboxItem(*row) for row in rows]

    def next_attempt_in_s(self, *, now_s: float | None = None) -> float | None:
        """Seconds until a pending action is due (0 when one is due now); ``None`` when none waits."""
        with self._db() as connection:
            (due,) = connection.execute("SELECT MIN(next_attempt_at) FROM outbox WHERE service_url = ? AND "
                                        "account_id = ? AND state = 'pending'",
                                        (self.service_url, self.account_id)).fetchone()
        if due is None:
            return None
        return max(0.0, float(due) - (time.time() if now_s is None else now_s))

    # -- delivering --------------------------------------------------------------------------------

    def deliver(self, client: ServiceClient, *, only_due: bool = False) -> DeliveryReport:
        """Send pending actions in the order they were made; see the module docstring.

        Stops at the first action the service could not take now (unreachable, 5xx, 429, signed
        out): later ones wait too, so a comment never overtakes the vote made before it.
        ``only_due`` skips actions whose backoff has not run out yet.
        """
        report = DeliveryReport()
        session = client.session
        if session is None or session.account_id != self.account_id:
            report.pending = len(self.items("pending"))
            report.stopped_by = "sign in as the account that made these actions to send them"
            report.needs_sign_in = True
            return report
        with self._deliver_lock:
            now = time.time()
            for item in self.items("pending"):
                if report.stopped_by is None and only_due and self._next_attempt_at(item.id) > now:
                    report.stopped_by = "waiting to retry"
                if report.stopped_by is not None:
                    report.pending += 1
                    continue
                try:
                    headers = {IDEMPOTENCY_HEADER: item.idempotency_key}
                    if item.body:
                        headers["Content-Type"] = "application/json"
                    response = client.request(item.method, item.path, content=item.body.encode("utf-8"),
                                              headers=headers)
                except (NotSignedInError, SessionExpiredError) as error:
                    report.stopped_by = error.message
                    report.needs_sign_in = True
                    report.pending += 1
                    self._retry_later(item, error.message)
                    continue
                except ServiceUnavailableError as error:
                    report.stopped_by = error.message
                    report.pending += 1
                    self._retry_later(item, error.message)
                    continue
                if response.status_code < 300:
                    report.delivered.append(self._finish(item, "delivered", None, response.text))
                elif response.status_code == 429:
                    report.stopped_by = "the service asked us to slow down"
                    report.pending += 1
                    self._retry_later(item, report.stopped_by)
                else:
                    try:
                        client.check(response)
                    except AccountError as error:
                        report.refused.append(self._finish(item, "refused", error.message, response.text))
        return report

    def _next_attempt_at(self, item_id: int) -> float:
        with self._db() as connection:
            (due,) = connection.execute("SELECT next_attempt_at FROM outbox WHERE id = ?", (item_id,)).fetchone()
        return float(due)

    def _retry_later(self, item: OutboxItem, error: str) -> None:
        delay = min(FIRST_RETRY_S * 2 ** item.attempts, MAX_RETRY_S)
        with self._db() as connection:
            connection.execute("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? "
                               "WHERE id = ?", (time.time() + delay, error, item.id))

    def _finish(self, item: OutboxItem, state: State, error: str | None, response: str) -> OutboxItem:
        with self._db() as connection:
            connection.execute("UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ?, response = ?, "
                               "finished_at = ? WHERE id = ?", (state, error, response, time.time(), item.id))
        if state == "refused":
            log.info("the service refused %s %s: %s", item.kind, item.id, error)
        return OutboxItem(item.id, item.kind, item.path, item.body, item.idempotency_key, state, item.attempts + 1,
                          error, response, item.method)


class OutboxWorker:
    """Delivers the outbox in the background: at once after :meth:`wake` (a new action), and
    whenever the earliest retry is due. ``on_report`` gets each round's report (worker thread)."""

    def __init__(self, outbox: Outbox, client: ServiceClient, *,
                 on_report: Callable[[DeliveryReport], None] | None = None, idle_s: float = 60.0) -> None:
        self.outbox = outbox
        self.client = client
        self.on_report = on_report
        self.idle_s = idle_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="castwise-outbox", daemon=True)

    def start(self) -> OutboxWorker:
        self._wake.set()  # deliver what an earlier run left behind
        self._thread.start()
        return self

    def wake(self) -> None:
        """Try now (the listener just voted, or the network came back)."""
        self._wake.set()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout_s)

    def _run(self) -> None:
        while not self._stop.is_set():
            woken = self._wake.is_set()
            self._wake.clear()
            try:
                report = self.outbox.deliver(self.client, only_due=not woken)
            except Exception:  # never let the worker die: the actions stay stored
                log.exception("outbox delivery failed")
                report = None
            if report is not None and self.on_report is not None and (report.delivered or report.refused
                                                                      or report.stopped_by):
                self.on_report(report)
            due = self.outbox.next_attempt_in_s()
            if due is None or (report is not None and report.needs_sign_in):
                self._wake.wait(self.idle_s)  # the app wakes us after a sign-in
            else:
                self._wake.wait(min(max(due, 0.05), self.idle_s))
