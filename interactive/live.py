"""The live stream of one interactive episode: tallies, approved, edited, hidden and deleted
comments, pinned answers.

Events and payloads are those of :mod:`protocol.interactive`. The stream resumes with
``Last-Event-ID`` after a dropped connection, so nothing approved meanwhile is missed; when the
service cannot replay that far it sends ``stream.resync`` and :class:`EpisodeLive` calls
``on_resync`` (re-fetch the episode with :class:`interactive.episodes.InteractiveEpisodes`).
Reconnection backs off exponentially (see :mod:`account.sse`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, ValidationError

from account.client import ServiceClient
from account.errors import AccountError
from account.sse import LiveStream, ServerEvent
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
    RESYNC,
    CommentDeleted,
    InteractionPublic,
    PollPublic,
    PollTally,
    QuestionPublic,
)

log = logging.getLogger(__name__)

PAYLOADS: dict[str, type[BaseModel]] = {
    POLL_TALLY: PollTally,
    POLL_OPENED: PollPublic,
    QUESTION_OPENED: QuestionPublic,
    COMMENT_APPROVED: InteractionPublic,
    COMMENT_HIDDEN: InteractionPublic,
    COMMENT_EDITED: InteractionPublic,
    COMMENT_DELETED: CommentDeleted,
    ANSWER_PINNED: InteractionPublic,
    ANSWER_UNPINNED: InteractionPublic,
}


@dataclass(frozen=True)
class EpisodeEvent:
    """One live event: its ``name`` (a :mod:`protocol.interactive` constant), stream ``id`` and
    typed ``payload``."""

    name: str
    id: str | None
    payload: BaseModel


class EpisodeLive:
    """Follows interactive episode ``episode_id`` on a background thread.

    ``on_event`` receives each known event (unknown names from a newer service are skipped);
    ``last_event_id`` resumes a stream an earlier run followed (keep :attr:`last_event_id`).
    Callbacks run on the stream's thread.
    """

    def __init__(self, client: ServiceClient, episode_id: int, *, on_event: Callable[[EpisodeEvent], None],
                 on_resync: Callable[[], None] | None = None, on_error: Callable[[AccountError], None] | None = None,
                 on_connected: Callable[[], None] | None = None, last_event_id: str | None = None) -> None:
        self.episode_id = episode_id
        self.on_event = on_event
        self.on_resync = on_resync
        self._on_connected = on_connected
        self.stream = LiveStream(client, f"/api/v1/interactive-episodes/{int(episode_id)}/live",
                                 on_event=self._on_stream_event, on_error=on_error, on_connected=self._on_stream_connected,
                                 last_event_id=last_event_id,
                                 authenticated=client.session is not None, name=f"castwise-episode-{episode_id}")

    @property
    def last_event_id(self) -> str | None:
        return self.stream.last_event_id

    def start(self) -> EpisodeLive:
        self.stream.start()
        return self

    def stop(self) -> None:
        self.stream.stop()

    def _on_stream_connected(self) -> None:
        # A reconnection without an event id to resume from may have missed events: the
        # service starts a fresh stream at "now", so the listener's view must be re-fetched.
        if self.stream.connections > 1 and self.stream.last_event_id is None and self.on_resync is not None:
            self.on_resync()
        if self._on_connected is not None:
            self._on_connected()

    def _on_stream_event(self, event: ServerEvent) -> None:
        if event.name == RESYNC:
            if self.on_resync is not None:
                self.on_resync()
            return
        model = PAYLOADS.get(event.name)
        if model is None:
            return
        try:
            payload = model.model_validate_json(event.data)
        except ValidationError:
            log.warning("a %s event in an unknown format was skipped", event.name)
            return
        self.on_event(EpisodeEvent(event.name, event.id, payload))
