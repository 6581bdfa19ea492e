"""One episode's interactions while it plays: cues, live updates and the listener's own actions.

:class:`EpisodeSession` is what the app holds for the episode on screen. It loads the episode
(:class:`~interactive.episodes.InteractiveEpisodes`), feeds playback positions to a
:class:`~interactive.cues.CueTracker`, keeps that tracker current from the live stream (a newly
approved comment becomes a cue at once, a hidden or deleted one disappears, an edited one changes,
a newly opened poll appears) and queues votes, comments, answers, and edits and deletions of the
listener's own comments in the outbox, waking its worker. Hooks are plain
callables, called on the live stream's thread; the app's Qt adapter re-emits them as signals.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from account.client import ServiceClient
from interactive.cues import Cue
from interactive.episodes import EpisodeInteractions, InteractiveEpisodes
from interactive.live import EpisodeEvent, EpisodeLive
from interactive.outbox import Outbox, OutboxItem, OutboxWorker
from protocol.interactive import (
    ANSWER_PINNED,
    ANSWER_UNPINNED,
    COMMENT_APPROVED,
    COMMENT_DELETED,
    COMMENT_EDITED,
    COMMENT_HIDDEN,
    POLL_OPENED,
    POLL_TALLY,
    QUESTION_OPENED,
    CommentDeleted,
    InteractionPublic,
    PollPublic,
    PollTally,
    QuestionPublic,
)

READER_EVENTS = frozenset({COMMENT_APPROVED, COMMENT_EDITED, COMMENT_HIDDEN, COMMENT_DELETED, ANSWER_PINNED,
                           ANSWER_UNPINNED})
"""Live events that change what a listener reads (comments, replies, published answers)."""


class EpisodeSession:
    """Interactions of interactive episode ``episode_id`` for as long as it is open.

    ``on_tally(tally)``: a poll's results changed. ``on_comments_changed()``: the comment lane
    changed (re-read :attr:`cues`). ``on_resynced(interactions)``: the episode was re-fetched
    after the live stream could not resume. ``outbox`` may be ``None`` when nobody is signed in
    (the session is then read-only). ``on_event(event)``: a comment was approved, edited, hidden or
    deleted, or an answer pinned or unpinned (:data:`READER_EVENTS`), after the cues took it in.
    """

    def __init__(self, client: ServiceClient, episode_id: int, *, outbox: Outbox | None = None,
                 worker: OutboxWorker | None = None, on_tally: Callable[[PollTally], None] | None = None,
                 on_comments_changed: Callable[[], None] | None = None,
                 on_resynced: Callable[[EpisodeInteractions], None] | None = None,
                 on_event: Callable[[EpisodeEvent], None] | None = None) -> None:
        self.episodes = InteractiveEpisodes(client)
        self.client = client
        self.episode_id = episode_id
        self.outbox = outbox
        self.worker = worker
        self.on_tally = on_tally
        self.on_comments_changed = on_comments_changed
        self.on_resynced = on_resynced
        self.on_event = on_event
        self._lock = threading.Lock()  # the tracker is fed by the player and the live stream
        self.interactions = self.episodes.load(episode_id)
        self._tracker = self.interactions.cue_tracker()
        self._live: EpisodeLive | None = None

    # -- playback ------------------------------------------------------------------------------------

    def on_position(self, position_ms: int) -> list[Cue]:
        """Playback is at ``position_ms``: the cues it just crossed (see :class:`CueTracker`)."""
        with self._lock:
            return self._tracker.update(position_ms)

    def on_seek(self, position_ms: int) -> list[Cue]:
        with self._lock:
            return self._tracker.seek(position_ms)

    @property
    def cues(self) -> list[Cue]:
        with self._lock:
            return self._tracker.cues

    # -- live ----------------------------------------------------------------------------------------

    def follow(self, *, connected: Callable[[], None] | None = None) -> None:
        """Start following the live stream (idempotent)."""
        if self._live is None:
            self._live = EpisodeLive(self.client, self.episode_id, on_event=self._on_live_event,
                                     on_resync=self._on_live_resync, on_connected=connected).start()

    def close(self) -> None:
        """Stop the live stream; the outbox keeps delivering whatever was queued."""
        if self._live is not None:
            self._live.stop()
            self._live = None

    def _on_live_event(self, event: EpisodeEvent) -> None:
        payload = event.payload
        if event.name == POLL_TALLY and isinstance(payload, PollTally):
            if self.on_tally is not None:
                self.on_tally(payload)
            return
        with self._lock:
            if event.name in (COMMENT_APPROVED, COMMENT_EDITED) and isinstance(payload, InteractionPublic) \
                    and payload.kind == "comment":  # an edit replaces the cue's text
                self._tracker.add([Cue("comment", str(payload.id), payload.at_ms, payload.text)])
            elif event.name == COMMENT_HIDDEN and isinstance(payload, InteractionPublic):
                self._tracker.remove("comment", str(payload.id))
            elif event.name == COMMENT_DELETED and isinstance(payload, CommentDeleted):
                for comment_id in (payload.id, *payload.reply_ids):
                    self._tracker.remove("comment", str(comment_id))
            elif event.name == POLL_OPENED and isinstance(payload, PollPublic):
                self._tracker.add([Cue("poll", str(payload.id), payload.anchor_ms, payload.prompt)])
            elif event.name == QUESTION_OPENED and isinstance(payload, QuestionPublic):
                self._tracker.add([Cue("question", str(payload.id), payload.anchor_ms, payload.prompt)])
            elif event.name not in READER_EVENTS:
                return
        if event.name in (COMMENT_APPROVED, COMMENT_HIDDEN, COMMENT_DELETED) and self.on_comments_changed is not None:
            self.on_comments_changed()
        if event.name in READER_EVENTS and self.on_event is not None:
            self.on_event(event)

    def _on_live_resync(self) -> None:
        interactions = self.episodes.load(self.episode_id)
        with self._lock:
            self.interactions = interactions
            fresh = interactions.cue_tracker()
            self._tracker.replace([*fresh.cues, *fresh.anytime])
        if self.on_resynced is not None:
            self.on_resynced(interactions)

    # -- the listener's actions ----------------------------------------------------------------------

    def _queued(self, item: OutboxItem) -> OutboxItem:
        if self.worker is not None:
            self.worker.wake()
        return item

    def _require_outbox(self) -> Outbox:
        if self.outbox is None:
            from account.errors import NotSignedInError

            raise NotSignedInError("Sign in to vote, answer or comment.")
        return self.outbox

    def vote(self, poll_id: int, option_ids: list[int]) -> OutboxItem:
        """Queue a ballot (delivered once, even offline); raises for a bad one, storing nothing."""
        return self._queued(self._require_outbox().vote(poll_id, option_ids))

    def comment(self, text: str, at_ms: int, *, parent_id: int | None = None) -> OutboxItem:
        """Queue a comment at ``at_ms`` (milliseconds into the episode)."""
        return self._queued(self._require_outbox().comment(self.episode_id, text, at_ms, parent_id=parent_id))

    def answer(self, question_id: int, text: str, *, share_consent: bool = False) -> OutboxItem:
        return self._queued(self._require_outbox().answer(question_id, text, share_consent=share_consent))

    def edit_comment(self, comment_id: int, text: str) -> OutboxItem:
        """Queue new text for the listener's own comment ``comment_id``."""
        return self._queued(self._require_outbox().edit_comment(comment_id, text))

    def delete_comment(self, comment_id: int) -> OutboxItem:
        """Queue the deletion of the listener's own comment ``comment_id`` (with its replies)."""
        return self._queued(self._require_outbox().delete_comment(comment_id))

    def pinned_answers(self) -> list[InteractionPublic]:
        """The answers the creator published to this episode's questions (network: call it off
        the GUI thread)."""
        return self.episodes.pinned_answers(self.interactions.document)
