"""The interactive layer of the playing episode as Qt signals: its polls, questions and comments
on the Castwise service, time cues as playback crosses them, live tallies, and the listener's
votes, answers, comments and reports through the offline outbox.

The episode is looked up on the service by its feed address and item guid (as
:class:`interactive.episodes.InteractiveEpisodes` does); an episode the service does not know, or
no service address at all, simply has no interactions. Loading runs on the
:class:`~app.tasks.TaskRunner`; the live stream's and the outbox worker's callbacks arrive on
their own threads and are relayed through private signals, which Qt queues onto the GUI thread.
Each action is stored in the outbox before anything is sent, so it survives going offline and is
delivered exactly once (Idempotency-Key). Positions are milliseconds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from sqlalchemy import select

from account.client import ServiceClient
from account.errors import NotSignedInError, ServiceAddressError, ServiceUnavailableError
from app.adapters.account import AccountAdapter, AccountStatus
from app.tasks import TaskRunner
from interactive.episodes import InteractiveEpisodes
from interactive.outbox import OUTBOX_FILE, DeliveryReport, Outbox, OutboxItem, OutboxWorker
from interactive.session import EpisodeSession
from library.db import Library
from library.db.models import Episode, Podcast
from library.paths import Paths
from protocol.interactive import PollTally, VoteReceipt

log = logging.getLogger(__name__)

NEARBY_MS = 60_000
"""Comments this far either side of the moment are "near" it (milliseconds)."""
FOLLOW_COMMENTS_MS = 30_000
"""Once playback moved this far from the comments last fetched, the nearby ones are fetched again."""
LANE_BUCKETS = 120
"""The comment-density lane splits an episode into about this many slices."""
MIN_BUCKET_MS = 1_000


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
    action_queued = Signal(str)
    """``vote``, ``answer``, ``comment`` or ``report`` stored in the outbox (sent when possible)."""
    action_delivered = Signal(object)
    """An :class:`OutboxItem` the service took."""
    message_shown = Signal(str)
    """Something for the listener to read (a refused action, sign-in needed...)."""

    _tally_arrived = Signal(object)  # live stream thread -> GUI thread
    _comments_arrived = Signal()
    _resynced = Signal(object)
    _report_arrived = Signal(object)  # outbox worker thread -> GUI thread

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
        self._tally_arrived.connect(self._on_live_tally)
        self._comments_arrived.connect(self._on_live_comments_changed)
        self._resynced.connect(self._on_live_resynced)
        self._report_arrived.connect(self._on_outbox_report)
        account.status_changed.connect(self._on_account_status_changed)

    # -- state ---------------------------------------------------------------------------------------
    @property
    def session(self) -> EpisodeSession | None:
        """The interactive session of the episode playing, when it has one."""
        return self._session

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
        self.episode_cleared.emit()
        self._tasks.submit(self._load_job, episode_id, key="interactive.load", on_result=self._on_session_loaded,
                           on_error=self._on_load_failed)

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
    def _load_job(self, episode_id: int) -> tuple[int, EpisodeSession | None]:
        with self._library.session() as db:
            row = db.execute(select(Podcast.feed_url, Episode.guid).join(Podcast, Podcast.id == Episode.podcast_id)
                             .where(Episode.id == episode_id)).one_or_none()
        if row is None or not row.guid:
            return episode_id, None
        try:
            client = self._account.client()
        except ServiceAddressError:
            return episode_id, None  # no service configured: nothing to look up, nothing to say
        found = InteractiveEpisodes(client).find(row.feed_url, row.guid)
        if found is None:
            return episode_id, None
        outbox, worker = self._ensure_outbox(client)
        session = EpisodeSession(client, found.id, outbox=outbox, worker=worker, on_tally=self._tally_arrived.emit,
                                 on_comments_changed=self._comments_arrived.emit, on_resynced=self._resynced.emit)
        return episode_id, session

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
    def _on_session_loaded(self, result: tuple[int, EpisodeSession | None]) -> None:
        episode_id, session = result
        if session is None:
            return
        if episode_id != self._episode_id or self._closed:  # the listener moved on, or the window closed
            self._tasks.submit(session.close)
            return
        self._session = session
        # Count from where playback was while the episode loaded: a poll it reaches from here on
        # is offered, even when playback crossed nothing yet.
        session.on_seek(self._position_ms)
        session.follow()
        self.episode_loaded.emit(session.interactions)
        self.timeline_changed.emit(session.interactions.timeline)
        self.load_timeline()

    def _on_load_failed(self, error: BaseException) -> None:
        if isinstance(error, ServiceUnavailableError):
            log.info("interactions not loaded: %s", error)  # offline: the episode plays without them
            return
        self._on_task_error(error)

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
        self.load_timeline()

    def _on_outbox_report(self, report: DeliveryReport) -> None:
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
            elif item.kind == "comment":
                self.load_timeline()
        for item in report.refused:
            self.message_shown.emit(self.tr("Not sent: {reason}").format(reason=item.last_error or ""))
        if report.needs_sign_in:
            self.message_shown.emit(self.tr("Sign in to send your votes, answers and comments."))

    def _close_session(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            self._tasks.submit(session.close)  # joins the stream's thread: not on the GUI thread
