"""Reading an episode's interactions from the service: the open interactions document, the
timeline lane (marks and comment density), timed comments and poll results."""

from __future__ import annotations

from dataclasses import dataclass

from account.client import ServiceClient
from account.errors import RequestRefusedError
from interactive.cues import CueTracker, cues_from_comments, cues_from_document
from protocol.interactions_document import DocumentQuestion, InteractionsDocument
from protocol.interactive import InteractionPublic, InteractiveEpisodePublic, PollPublic, TimelinePublic

MAX_COMMENTS = 500
"""Most comments the service returns per request."""


@dataclass(frozen=True)
class EpisodeInteractions:
    """Everything the player needs for one episode: the document, the lane, comments and cues."""

    episode_id: int
    document: InteractionsDocument
    timeline: TimelinePublic
    comments: list[InteractionPublic]

    def cue_tracker(self) -> CueTracker:
        """A fresh tracker over the polls, questions and comments of the episode."""
        return CueTracker([*cues_from_document(self.document), *cues_from_comments(self.comments)])


class InteractiveEpisodes:
    """Read access to interactive episodes; anonymous unless this machine is signed in."""

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    def find(self, feed_url: str, guid: str) -> InteractiveEpisodePublic | None:
        """The interactive episode for the feed item ``guid`` of ``feed_url``, if its creator
        opened one."""
        found = self.client.get_json("/api/v1/interactive-episodes", params={"feed_url": feed_url, "guid": guid})
        return InteractiveEpisodePublic.model_validate(found[0]) if found else None

    def document(self, episode_id: int) -> InteractionsDocument:
        return InteractionsDocument.model_validate(self.client.get_json(f"/interactions/{int(episode_id)}.json"))

    def timeline(self, episode_id: int, *, bucket_ms: int = 30_000) -> TimelinePublic:
        """Marks and visible comments per ``bucket_ms`` slice (milliseconds, at least 1,000)."""
        return TimelinePublic.model_validate(self.client.get_json(
            f"/api/v1/interactive-episodes/{int(episode_id)}/timeline", params={"bucket_ms": bucket_ms}))

    def comments(self, episode_id: int, *, from_ms: int = 0, to_ms: int | None = None) -> list[InteractionPublic]:
        """Visible comments between ``from_ms`` and ``to_ms`` (milliseconds), in time order."""
        params: dict[str, int] = {"from_ms": from_ms, "limit": MAX_COMMENTS}
        if to_ms is not None:
            params["to_ms"] = to_ms
        items = self.client.get_json(f"/api/v1/interactive-episodes/{int(episode_id)}/comments", params=params)
        return [InteractionPublic.model_validate(item) for item in items]

    def pinned_answers(self, document: InteractionsDocument) -> list[InteractionPublic]:
        """The answers the creator published (pinned, with the listener's consent) to the
        questions of ``document``, question by question, oldest first."""
        pinned: list[InteractionPublic] = []
        for item in document.interactions:
            if not isinstance(item, DocumentQuestion) or not item.id.isdigit():
                continue  # a static document's question lives on no service
            answers = self.client.get_json(f"/api/v1/questions/{int(item.id)}/answers")
            pinned.extend(answer for answer in (InteractionPublic.model_validate(raw) for raw in answers)
                          if answer.pinned)
        return pinned

    def poll(self, poll_id: int) -> PollPublic:
        """The poll; its counts only once this account has voted."""
        return PollPublic.model_validate(self.client.get_json(f"/api/v1/polls/{int(poll_id)}"))

    def load(self, episode_id: int) -> EpisodeInteractions:
        """Document, timeline and comments of the episode in one go. Raises
        :class:`account.errors.RequestRefusedError` (404) for an unknown episode."""
        try:
            return EpisodeInteractions(episode_id, self.document(episode_id), self.timeline(episode_id),
                                       self.comments(episode_id))
        except RequestRefusedError as error:
            if error.status == 404:
                raise RequestRefusedError("This episode has no polls, questions or comments on the service.",
                                          status=404) from None
            raise
