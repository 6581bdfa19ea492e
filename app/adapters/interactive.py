"""The interactive layer of the playing episode as Qt signals: its polls, questions and comments
on the Castwise service, time cues as playback crosses them, live tallies, comments, replies
and published (pinned) answers as they arrive, and the listener's votes, answers, comments,
replies, reports, and edits and deletions of their own comments through the offline outbox.

The episode is looked up on the service by its feed address and item guid (as
:class:`interactive.episodes.InteractiveEpisodes` does); an episode the service does not know, or
no service address at all, simply has no interactions. Loading runs on the
:class:`~app.tasks.TaskRunner`; the live stream's and the outbox worker's callbacks arrive on
their own threads and are relayed through private signals, which Qt queues onto the GUI thread.
Each action is stored in the outbox before anything is sent, so it survives going offline and is
delivered exactly once (Idempotency-Key). Positions are milliseconds.

When the service cannot be reached as an episode starts, loading is retried while that episode
is the current one: after :data:`RETRY_FIRST_MS`, doubling up to :data:`RETRY_MAX_MS`, and at
once when the service shows signs of life (the account's live stream reconnected, or the outbox
delivered something).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy import select

from account.client import ServiceClient
from account.errors import NotSignedInError, ServiceAddressError, ServiceUnavailableError
from app.adapters.account import AccountAdapter, AccountStatus
from app.tasks import TaskRunner
from interactive.episodes import InteractiveEpisodes
from interactive.live import EpisodeEvent
from interactive.outbox import OUTBOX_FILE, DeliveryReport, Outbox, OutboxItem, OutboxWorker
from interactive.session import EpisodeSession
from library.db import Library
from library.db.models import Episode, Podcast
from library.paths import Paths
from protocol.interactions_document import DocumentQuestion
from protocol.interactive import (
    ANSWER_PINNED,
    ANSWER_UNPINNED,
    COMMENT_APPROVED,
    COMMENT_DELETED,
    COMMENT_EDITED,
    COMMENT_HIDDEN,
    CommentDeleted,
    InteractionPublic,
    PollTally,
    VoteReceipt,
)

log = logging.getLogger(__name__)

NEARBY_MS = 60_000
"""Comments this far either side of the moment are "near" it (milliseconds)."""
FOLLOW_COMMENTS_MS = 30_000
"""Once playback moved this far from the comments last fetched, the nearby ones are fetched again."""
LANE_BUCKETS = 120
"""The comment-density lane splits an episode into about this many slices."""
MIN_BUCKET_MS = 1_000
RETRY_FIRST_MS = 2_000
"""First wait before loading an episode's interactions again when the service was unreachable."""
RETRY_MAX_MS = 60_000
"""The wait doubles up to this (milliseconds)."""


@dataclass(frozen=True)
class PinnedAnswer:
    """An answer the creator published (pinned, with its author's consent), with its question."""

    question: str
    answer: InteractionPublic


class InteractiveAdapter(QObject):
    """Interactions of the episode playing; see the module docstring."""

    episode_loaded = Signal(object)
    """The episode's :class:`interactive.episodes.EpisodeInteractions` (it has interactions)."""
    episode_cleared = Signal()
    """Another episode started: forget the previous one's marks and panel."""
    timeline_changed = Signal(object)
    """A :class:`protocol.interactive.TimelinePublic` for the lane (marks, comment density)."""
    cue_reached = Signal(object)
    """Playback crossed a poll's or question's moment: its :class:`interactive.cues.Cue`."""
    poll_loaded = Signal(object)
    """A :class:`PollPublic` (its counts only once this account voted)."""
    tally_changed = Signal(object)
    """A live :class:`PollTally`."""
    comments_loaded = Signal(list)
    """Visible comments (:class:`InteractionPublic`) near the moment asked for, in time order."""
    comment_arrived = Signal(object, bool)
    """A comment or reply (:class:`InteractionPublic`) became visible or was edited, live; the flag
    says whether it is near the moment the comments list shows."""
    comments_removed = Signal(list)
    """Comment ids hidden by the creator or deleted by their author (with their replies)."""
    pinned_answers_changed = Signal(list)
    """The episode's published answers (:class:`PinnedAnswer`), oldest first, whenever they change."""
    answer_pinned = Signal(object)
    """A :class:`PinnedAnswer` the creator published just now (live)."""
    action_queued = Signal(str)
    """``vote``, ``answer``, ``comment``, ``report``, ``edit`` or ``delete`` stored in the outbox
    (sent when possible)."""
    action_delivered = Signal(object)
    """An :class:`OutboxItem` the service took."""
    message_shown = Signal(str)
    """Something for the listener to read (a refused action, sign-in needed...)."""

    _tally_arrived = Signal(object)  # live stream thread -> GUI thread
    _comments_arrived = Signal()
    _resynced = Signal(object)
    _report_arrived = Signal(object)  # outbox worker thread -> GUI thread
    _event_arrived = Signal(object)  # live stream thread -> GUI thread

    def __init__(self, account: AccountAdapter, *, library: Library, paths: Paths, tasks: TaskRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account = account
        self._library = library
        self._paths = paths
        self._tasks = tasks
        self._lock = threading.Lock()
        self._outbox: Outbox | None = None
        self._worker: OutboxWorker | None = None
        self._episode_id: int | None = None
        self._session: EpisodeSession | None = None
        self._duration_ms = 0
        self._position_ms = 0
        self._comments_at_ms: int | None = None
        self._closed = False
        self._told_offline = False  # say "offline" once per outage, not at every retry
        self._pinned: dict[int, PinnedAnswer] = {}
        self._retry_ms = RETRY_FIRST_MS
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self._on_retry_timer_timeout)
        self._loading = False
        self._tally_arrived.connect(self._on_live_tally)
        self._comments_arrived.connect(self._on_live_comments_changed)
        self._resynced.connect(self._on_live_resynced)
        self._report_arrived.connect(self._on_outbox_report)
        self._event_arrived.connect(self._on_live_event)
        account.status_changed.connect(self._on_account_status_changed)
        account.service_reached.connect(self._on_account_service_reached)

    # -- state ---------------------------------------------------------------------------------------
    @property
    def session(self) -> EpisodeSession | None:
        """The interactive session of the episode playing, when it has one."""
        return self._session

    @property
    def position_ms(self) -> int:
        """Where playback of the current episode is, as last told (milliseconds)."""
        return self._position_ms

    @property
    def can_act(self) -> bool:
        """Whether votes, answers and comments can be queued (signed in)."""
        return self._session is not None and self._session.outbox is not None

    # -- episodes (GUI thread) -----------------------------------------------------------------------
    def open_episode(self, episode_id: int, duration_ms: int = 0, start_ms: int = 0) -> None:
        """Episode ``episode_id`` of the library started (at ``start_ms``): find its interactions
        on the service."""
        self._close_session()
        self._episode_id = episode_id
        self._duration_ms = duration_ms
        self._position_ms = start_ms
        self._comments_at_ms = None
        self._pinned = {}
        self._retry_timer.stop()
        self._retry_ms = RETRY_FIRST_MS
        self.episode_cleared.emit()
        self._load()

    @property
    def retry_pending(self) -> bool:
        """Whether loading the current episode failed (service unreachable) and waits to be retried."""
        return self._retry_timer.isActive()

    def _load(self) -> None:
        episode_id = self._episode_id
        if episode_id is None or self._closed:
            return
        self._loading = True
        self._tasks.submit(self._load_job, episode_id, key="interactive.load", on_result=self._on_session_loaded,
                           on_error=lambda error: self._on_load_failed(episode_id, error))

    def reload(self) -> None:
        """Load the current episode again (after signing in or out)."""
        if self._episode_id is not None:
            self.open_episode(self._episode_id, self._duration_ms, self._position_ms)

    def on_position(self, position_ms: int) -> None:
        """Playback is at ``position_ms``: offer each poll or question it just crossed."""
        self._position_ms = position_ms
        session = self._session
        if session is None:
            return
        crossed = session.on_position(position_ms)
        for cue in crossed:
            if cue.kind != "comment":
                self.cue_reached.emit(cue)  # the panel asks for the poll's options itself
        fetched_at = self._comments_at_ms
        if any(cue.kind == "comment" for cue in crossed) or fetched_at is None \
                or abs(position_ms - fetched_at) > FOLLOW_COMMENTS_MS:
            self.load_comments(position_ms)  # the nearby comments follow playback

    def load_poll(self, poll_id: int) -> None:
        session = self._session
        if session is not None:
            self._tasks.submit(session.episodes.poll, poll_id, key=f"interactive.poll.{poll_id}",
                               on_result=self.poll_loaded.emit, on_error=self._on_task_error)

    def load_comments(self, position_ms: int) -> None:
        """Fetch the visible comments within :data:`NEARBY_MS` of ``position_ms``."""
        session = self._session
        if session is not None:
            self._comments_at_ms = position_ms
            self._tasks.submit(session.episodes.comments, session.episode_id,
                               from_ms=max(0, position_ms - NEARBY_MS), to_ms=position_ms + NEARBY_MS,
                               key="interactive.comments", on_result=self.comments_loaded.emit,
                               on_error=self._on_task_error)

    def load_pinned_answers(self) -> None:
        """Read the episode's published answers again (after the live stream lost track)."""
        session = self._session
        if session is not None:
            self._tasks.submit(lambda: (session, _pinned_answers(session)), key="interactive.pinned",
                               on_result=self._on_pinned_answers_loaded, on_error=self._on_task_error)

    def _on_pinned_answers_loaded(self, result: tuple[EpisodeSession, list[PinnedAnswer]]) -> None:
        session, pinned = result
        if session is self._session:
            self._pinned = {item.answer.id: item for item in pinned}
            self.pinned_answers_changed.emit(self.pinned_answers())

    def load_timeline(self) -> None:
        session = self._session
        if session is None:
            return
        duration_ms = session.interactions.timeline.duration_ms or self._duration_ms
        bucket_ms = max(MIN_BUCKET_MS, (duration_ms or 0) // LANE_BUCKETS)
        self._tasks.submit(session.episodes.timeline, session.episode_id, bucket_ms=bucket_ms,
                           key="interactive.timeline", on_result=self.timeline_changed.emit,
                           on_error=self._on_task_error)

    # -- the listener's actions (GUI thread) ---------------------------------------------------------
    def vote(self, poll_id: int, option_ids: list[int]) -> None:
        self._queue("vote", lambda session: session.vote(poll_id, option_ids))

    def answer(self, question_id: int, text: str, *, share_consent: bool) -> None:
        self._queue("answer", lambda session: session.answer(question_id, text, share_consent=share_consent))

    def comment(self, text: str, at_ms: int) -> None:
        self._queue("comment", lambda session: session.comment(text, at_ms))

    def reply(self, text: str, at_ms: int, parent_id: int) -> None:
        """Reply to comment ``parent_id``; the reply carries its own moment ``at_ms``."""
        self._queue("comment", lambda session: session.comment(text, at_ms, parent_id=parent_id))

    def edit_comment(self, comment_id: int, text: str) -> None:
        """New text for the listener's own comment ``comment_id`` (the service moderates it again)."""
        self._queue("edit", lambda session: session.edit_comment(comment_id, text))

    def delete_comment(self, comment_id: int) -> None:
        """Delete the listener's own comment ``comment_id`` and its replies."""
        self._queue("delete", lambda session: session.delete_comment(comment_id))

    def report(self, comment_id: int, reason: str) -> None:
        def report(session: EpisodeSession) -> OutboxItem:
            if session.outbox is None:
                raise NotSignedInError("Sign in to report a comment.")
            item = session.outbox.report(comment_id, reason)
            if session.worker is not None:
                session.worker.wake()
            return item

        self._queue("report", report)

    def _queue(self, kind: str, action: Callable[[EpisodeSession], OutboxItem]) -> None:
        session = self._session
        if session is None:
            return
        self._tasks.submit(action, session, on_result=lambda _item: self.action_queued.emit(kind),
                           on_error=self._on_task_error)

    def close(self) -> None:
        """Stop the live stream and the outbox worker (the window is closing); queued actions stay
        stored and are sent next time."""
        self._closed = True
        self._retry_timer.stop()
        session, self._session = self._session, None
        self._episode_id = None
        if session is not None:
            session.close()
        with self._lock:
            worker, outbox = self._worker, self._outbox
            self._worker = self._outbox = None
        if worker is not None:
            worker.stop()
        if outbox is not None:
            outbox.close()

    # -- jobs (worker threads) -----------------------------------------------------------------------
    def _load_job(self, episode_id: int) -> tuple[int, EpisodeSession | None, list[PinnedAnswer]]:
        with self._library.session() as db:
            row = db.execute(select(Podcast.feed_url, Episode.guid).join(Podcast, Podcast.id == Episode.podcast_id)
                             .where(Episode.id == episode_id)).one_or_none()
        if row is None or not row.guid:
            return episode_id, None, []
        try:
            client = self._account.client()
        except ServiceAddressError:
            return episode_id, None, []  # no service configured: nothing to look up, nothing to say
        found = InteractiveEpisodes(client).find(row.feed_url, row.guid)
        if found is None:
            return episode_id, None, []
        outbox, worker = self._ensure_outbox(client)
        session = EpisodeSession(client, found.id, outbox=outbox, worker=worker, on_tally=self._tally_arrived.emit,
                                 on_comments_changed=self._comments_arrived.emit, on_resynced=self._resynced.emit,
                                 on_event=self._event_arrived.emit)
        try:
            pinned = _pinned_answers(session)
        except BaseException:
            session.close()
            raise
        return episode_id, session, pinned

    def _ensure_outbox(self, client: ServiceClient) -> tuple[Outbox | None, OutboxWorker | None]:
        """The signed-in account's outbox and its running worker; ``(None, None)`` when signed out
        (or once the window closed)."""
        if self._closed:
            return None, None
        stored = client.session
        with self._lock:
            current = self._outbox
            wanted = (client.service_url, stored.account_id) if stored is not None else None
            if current is not None and wanted == (current.service_url, current.account_id) \
                    and self._worker is not None and self._worker.client is client:
                return current, self._worker
            old_worker, old_outbox = self._worker, self._outbox
            self._worker = self._outbox = None
        if old_worker is not None:
            old_worker.stop()
        if old_outbox is not None:
            old_outbox.close()
        if stored is None or stored.account_id is None:
            return None, None
        outbox = Outbox(self._paths.data / OUTBOX_FILE, service_url=client.service_url, account_id=stored.account_id)
        worker = OutboxWorker(outbox, client, on_report=self._report_arrived.emit).start()
        with self._lock:
            self._outbox, self._worker = outbox, worker
        return outbox, worker

    def _resume_outbox_job(self) -> None:
        """Signed in: (re)start the worker, which sends whatever an earlier run left queued."""
        if self._closed:
            return
        _outbox, worker = self._ensure_outbox(self._account.client())
        if worker is not None:
            worker.wake()

    # -- results (GUI thread) ------------------------------------------------------------------------
    def _on_session_loaded(self, result: tuple[int, EpisodeSession | None, list[PinnedAnswer]]) -> None:
        episode_id, session, pinned = result
        if episode_id == self._episode_id:
            self._loading = False
            self._retry_ms = RETRY_FIRST_MS
        if session is None:
            return
        if episode_id != self._episode_id or self._closed or self._session is not None:
            # The listener moved on, the window closed, or another attempt got there first.
            self._tasks.submit(session.close)
            return
        self._session = session
        self._pinned = {item.answer.id: item for item in pinned}
        # Count from where playback was while the episode loaded: a poll it reaches from here on
        # is offered, even when playback crossed nothing yet.
        session.on_seek(self._position_ms)
        session.follow()
        self.episode_loaded.emit(session.interactions)
        self.timeline_changed.emit(session.interactions.timeline)
        self.pinned_answers_changed.emit(self.pinned_answers())
        self.load_timeline()

    def pinned_answers(self) -> list[PinnedAnswer]:
        """The current episode's published answers, oldest first."""
        return sorted(self._pinned.values(), key=lambda item: item.answer.id)

    def _on_load_failed(self, episode_id: int, error: BaseException) -> None:
        if episode_id != self._episode_id or self._closed:
            return  # a stale attempt: the listener moved on
        self._loading = False
        if isinstance(error, ServiceUnavailableError):
            # Offline: the episode plays without them for now; try again while it is the current one.
            log.info("interactions not loaded, retrying in %d ms: %s", self._retry_ms, error)
            self._retry_timer.start(self._retry_ms)
            self._retry_ms = min(self._retry_ms * 2, RETRY_MAX_MS)
            return
        self._on_task_error(error)

    def _on_retry_timer_timeout(self) -> None:
        if self._session is None and not self._loading:
            self._load()

    def _retry_now(self) -> None:
        """The service answers again: load a pending episode at once instead of at the next retry."""
        if self._retry_timer.isActive():
            self._retry_timer.stop()
            self._load()

    def _on_account_service_reached(self) -> None:
        self._retry_now()

    def _on_task_error(self, error: BaseException) -> None:
        self.message_shown.emit(self._account.describe(error))

    def _on_account_status_changed(self, status: AccountStatus | None) -> None:
        signed_in = status is not None
        if signed_in:
            self._tasks.submit(self._resume_outbox_job, on_error=self._on_task_error)
        was_signed_in = self._session is not None and self._session.outbox is not None
        if self._session is not None and signed_in != was_signed_in:
            self.reload()  # the session needs (or must drop) the account's outbox and stream

    def _on_live_tally(self, tally: PollTally) -> None:
        self.tally_changed.emit(tally)

    def _on_live_comments_changed(self) -> None:
        self.load_timeline()

    def _on_live_resynced(self, _interactions: object) -> None:
        # The stream could not replay what it missed: read what the listener sees afresh.
        self.load_timeline()
        self.load_comments(self._position_ms)
        self.load_pinned_answers()

    def _on_live_event(self, event: EpisodeEvent) -> None:
        session, payload = self._session, event.payload
        if session is None or getattr(payload, "episode_id", None) != session.episode_id:
            return  # a late event of the episode before
        if event.name in (COMMENT_APPROVED, COMMENT_EDITED) and isinstance(payload, InteractionPublic):
            self.comment_arrived.emit(payload, self._near(payload.at_ms))
        elif event.name == COMMENT_HIDDEN and isinstance(payload, InteractionPublic):
            self.comments_removed.emit([payload.id])
        elif event.name == COMMENT_DELETED and isinstance(payload, CommentDeleted):
            self.comments_removed.emit([payload.id, *payload.reply_ids])
        elif event.name == ANSWER_PINNED and isinstance(payload, InteractionPublic):
            pinned = PinnedAnswer(_question_prompts(session).get(payload.parent_id or 0, ""), payload)
            self._pinned[payload.id] = pinned
            self.pinned_answers_changed.emit(self.pinned_answers())
            self.answer_pinned.emit(pinned)
        elif event.name == ANSWER_UNPINNED and isinstance(payload, InteractionPublic) \
                and self._pinned.pop(payload.id, None) is not None:
            self.pinned_answers_changed.emit(self.pinned_answers())

    def _near(self, at_ms: int | None) -> bool:
        """Whether ``at_ms`` lies within the comments the list shows."""
        fetched_at = self._comments_at_ms
        return at_ms is not None and fetched_at is not None and abs(at_ms - fetched_at) <= NEARBY_MS

    def _on_outbox_report(self, report: DeliveryReport) -> None:
        if report.delivered:
            self._retry_now()  # the service took something: it is back
        if report.delivered or report.refused:
            self._told_offline = False
        elif report.pending and not report.needs_sign_in and not self._told_offline:
            self._told_offline = True
            self.message_shown.emit(self.tr("The Castwise service cannot be reached now; your votes, answers and comments are kept and sent when it is back."))
        for item in report.delivered:
            self.action_delivered.emit(item)
            if item.kind == "vote" and item.response:
                try:
                    receipt = VoteReceipt.model_validate_json(item.response)
                except ValueError:
                    continue
                self.tally_changed.emit(receipt.tally)
                self.load_poll(receipt.poll_id)
            elif item.kind in ("comment", "edit", "delete"):
                self._apply_own_change(item)
                self.load_timeline()
        for item in report.refused:
            self.message_shown.emit(self.tr("Not sent: {reason}").format(reason=item.last_error or ""))
        if report.needs_sign_in:
            self.message_shown.emit(self.tr("Sign in to send your votes, answers and comments."))

    def _apply_own_change(self, item: OutboxItem) -> None:
        """Show the listener's delivered comment, edit or deletion at once (the live stream may
        be reconnecting, and a comment waiting for approval is never announced)."""
        try:
            if item.kind == "delete":
                gone = CommentDeleted.model_validate_json(item.response or "")
                self.comments_removed.emit([gone.id, *gone.reply_ids])
                return
            changed = InteractionPublic.model_validate_json(item.response or "")
        except ValueError:
            return
        if changed.visibility == "visible":
            self.comment_arrived.emit(changed, self._near(changed.at_ms))
        else:
            self.comments_removed.emit([changed.id])  # an edit held for the creator's approval

    def _close_session(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            self._tasks.submit(session.close)  # joins the stream's thread: not on the GUI thread


def _question_prompts(session: EpisodeSession) -> dict[int, str]:
    """Question id -> prompt, from the episode's interactions document."""
    return {int(item.id): item.prompt for item in session.interactions.document.interactions
            if isinstance(item, DocumentQuestion) and item.id.isdigit()}


def _pinned_answers(session: EpisodeSession) -> list[PinnedAnswer]:
    """The episode's published answers with their questions' prompts (network: a worker thread)."""
    prompts = _question_prompts(session)
    return [PinnedAnswer(prompts.get(answer.parent_id or 0, ""), answer) for answer in session.pinned_answers()]
