"""Wire types of Castwise's interactive layer: polls, questions (Q&A) and timed comments.

Every moment is in milliseconds from the start of the episode (``anchor_ms``, ``at_ms``). Every
request model forbids unknown fields, so a vote carrying a ``user_id`` (voting on someone else's
behalf) is a clear 422, never silently ignored. Text is stored as given (after stripping
surrounding whitespace) and is always rendered escaped; control characters other than newline
and tab are refused.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

MAX_ANCHOR_MS = 48 * 3600 * 1000
"""Longest episode the service accepts: 48 hours, in milliseconds."""
MAX_COMMENT_CHARS = 2000
MAX_PROMPT_CHARS = 500
MAX_OPTION_CHARS = 200
MAX_OPTIONS = 10
MAX_KEYWORDS = 200
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_.:-]{8,200}$"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _plain_text(value: str) -> str:
    """Refuse control and bidirectional-override characters; keep newlines and tabs."""
    if _CONTROL.search(value):
        raise ValueError("text must not contain control characters")
    return value


PlainText = Annotated[str, AfterValidator(_plain_text)]
AnchorMs = Annotated[int, Field(ge=0, le=MAX_ANCHOR_MS, description="milliseconds from the episode start")]
PollKind = Literal["single", "multiple"]
InteractionKind = Literal["poll", "question", "answer", "comment"]
Visibility = Literal["visible", "pending", "hidden", "rejected", "private"]
"""``pending``: waits in the creator's approval queue; ``private``: an answer only the creator sees."""


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Scheduled(_Request):
    anchor_ms: AnchorMs | None = None
    opens_at: datetime | None = None
    """When listeners may start responding (UTC); ``None``: at once."""
    closes_at: datetime | None = None
    """When responses stop (UTC); ``None``: until the creator closes it."""

    @model_validator(mode="after")
    def _window(self) -> _Scheduled:
        for name in ("opens_at", "closes_at"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} must carry a time zone (UTC)")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        return self


class InteractiveEpisodeCreate(_Request):
    """A creator opens an episode of a claimed show to interaction, identified by its item guid."""

    guid: str = Field(min_length=1, max_length=500)
    title: PlainText = Field(min_length=1, max_length=500)
    duration_ms: Annotated[int, Field(ge=1, le=MAX_ANCHOR_MS)] | None = None


class InteractiveEpisodePublic(BaseModel):
    id: int
    show_id: int
    guid: str
    title: str
    duration_ms: int | None
    interactions_url: str
    """The open JSON document of this episode's interactions (link it from the feed)."""


class PollCreate(_Scheduled):
    prompt: PlainText = Field(min_length=1, max_length=MAX_PROMPT_CHARS)
    kind: PollKind = "single"
    options: list[Annotated[PlainText, Field(min_length=1, max_length=MAX_OPTION_CHARS)]] = Field(
        min_length=2, max_length=MAX_OPTIONS)

    @model_validator(mode="after")
    def _distinct(self) -> PollCreate:
        if len({option.casefold() for option in self.options}) != len(self.options):
            raise ValueError("poll options must be distinct")
        return self


class PollOptionPublic(BaseModel):
    id: int
    label: str
    votes: int | None
    """``None`` until the caller has voted (results are visible only after voting)."""


class PollPublic(BaseModel):
    id: int
    episode_id: int
    prompt: str
    kind: PollKind
    anchor_ms: int | None
    opens_at: datetime | None
    closes_at: datetime | None
    is_open: bool
    options: list[PollOptionPublic]
    total_votes: int | None
    my_option_ids: list[int] | None
    """The caller's own ballot, or ``None`` when the caller has not voted."""


class VoteCreate(_Request):
    """One ballot: exactly one option for a single-choice poll, one or more for multiple choice."""

    option_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(min_length=1, max_length=MAX_OPTIONS)


class PollTally(BaseModel):
    """Payload of ``poll.tally``: counts per option id. ``counts`` is ``None`` for a listener who
    has not voted (only the total is shown before voting)."""

    poll_id: int
    episode_id: int
    total: int
    counts: dict[str, int] | None
    is_open: bool


class VoteReceipt(BaseModel):
    poll_id: int
    option_ids: list[int]
    tally: PollTally
    """The most recent coalesced tally (it may lag the newest votes by a fraction of a second)."""


class QuestionCreate(_Scheduled):
    prompt: PlainText = Field(min_length=1, max_length=MAX_PROMPT_CHARS)


class QuestionPublic(BaseModel):
    id: int
    episode_id: int
    prompt: str
    anchor_ms: int | None
    opens_at: datetime | None
    closes_at: datetime | None
    is_open: bool


class AnswerCreate(_Request):
    text: PlainText = Field(min_length=1, max_length=MAX_COMMENT_CHARS)
    share_consent: bool = False
    """The listener allows the creator to pin (publish) this answer."""


class CommentCreate(_Request):
    text: PlainText = Field(min_length=1, max_length=MAX_COMMENT_CHARS)
    at_ms: AnchorMs
    parent_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    """Reply to this comment (replies carry their own moment)."""


class CommentUpdate(_Request):
    """The author's new text for their own comment; its moment and its thread stay as they were."""

    text: PlainText = Field(min_length=1, max_length=MAX_COMMENT_CHARS)


class CommentDeleted(BaseModel):
    """Payload of ``comment.deleted``, and the answer to deleting one's own comment: comment ``id``
    is gone, and with it its replies (``reply_ids``, every level)."""

    id: int
    episode_id: int
    at_ms: int | None
    parent_id: int | None
    reply_ids: list[int]


class InteractionPublic(BaseModel):
    """A comment or an answer as listeners (or, with more fields filled, the creator) see it."""

    id: int
    episode_id: int
    kind: InteractionKind
    text: str
    at_ms: int | None
    parent_id: int | None
    author: str
    by_creator: bool
    pinned: bool
    visibility: Visibility
    share_consent: bool
    report_count: int | None = None
    """Only for the creator."""
    created_at: datetime
    edited_at: datetime | None = None
    """When the author last changed the text; null when never edited. Defaults to null so that
    events and stored responses written before the service recorded edits still read."""


class ReportCreate(_Request):
    reason: PlainText = Field(min_length=1, max_length=500)


ModerationAction = Literal["approve", "reject", "hide", "unhide", "pin", "unpin"]


class ModerationCreate(_Request):
    action: ModerationAction


ApprovalMode = Literal["none", "all"]
AutoModeration = Literal["off", "standard", "strict"]


class ModerationSettings(_Request):
    """Per-episode moderation. ``approval="all"`` queues every listener comment for the creator.
    ``auto``: ``off`` holds only block-listed keywords, ``standard`` also holds links,
    ``strict`` also holds comments from listeners with no approved comment on the show yet."""

    approval: ApprovalMode = "none"
    auto: AutoModeration = "standard"
    blocked_keywords: list[Annotated[PlainText, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=MAX_KEYWORDS)


class BlockCreate(_Request):
    """Block a listener from the whole show (votes, answers, comments), by their username."""

    username: str = Field(min_length=1, max_length=40)


class TimelineMark(BaseModel):
    id: int
    kind: Literal["poll", "question"]
    at_ms: int
    label: str


class TimelineBucket(BaseModel):
    start_ms: int
    comments: int


class TimelinePublic(BaseModel):
    """The lane under the seek bar: marks, and visible comments counted per ``bucket_ms`` slice."""

    episode_id: int
    duration_ms: int | None
    bucket_ms: int
    marks: list[TimelineMark]
    buckets: list[TimelineBucket]


class EngagementPoint(BaseModel):
    hour: datetime
    votes: int
    answers: int
    comments: int


class EngagementPublic(BaseModel):
    episode_id: int
    votes: int
    answers: int
    comments: int
    pending: int
    reports: int
    per_hour: list[EngagementPoint]


# Live events of one episode (server-sent events at /api/v1/interactive-episodes/{id}/live).
# Each message carries ``id: <event id>`` (monotonically increasing; send it back as
# ``Last-Event-ID`` to resume), ``event: <name>`` and ``data: <payload JSON>``.
POLL_TALLY = "poll.tally"
"""Payload :class:`PollTally`; coalesced, at most a few per second per poll."""
POLL_OPENED = "poll.opened"
"""Payload :class:`PollPublic` without results (a new poll, or one whose window opened)."""
QUESTION_OPENED = "question.opened"
"""Payload :class:`QuestionPublic`."""
COMMENT_APPROVED = "comment.approved"
"""Payload :class:`InteractionPublic`: a comment became visible (posted or approved)."""
COMMENT_HIDDEN = "comment.hidden"
"""Payload :class:`InteractionPublic`: remove it from the lane."""
COMMENT_EDITED = "comment.edited"
"""Payload :class:`InteractionPublic`: a visible comment's author changed its text."""
COMMENT_DELETED = "comment.deleted"
"""Payload :class:`CommentDeleted`: its author deleted a comment; remove it and its replies."""
ANSWER_PINNED = "answer.pinned"
"""Payload :class:`InteractionPublic` of a pinned answer (published with the listener's consent)."""
ANSWER_UNPINNED = "answer.unpinned"
RESYNC = "stream.resync"
"""The stream could not replay everything since ``Last-Event-ID``: re-fetch the episode's state."""
EPISODE_EVENTS = (POLL_TALLY, POLL_OPENED, QUESTION_OPENED, COMMENT_APPROVED, COMMENT_HIDDEN, COMMENT_EDITED,
                  COMMENT_DELETED, ANSWER_PINNED, ANSWER_UNPINNED, RESYNC)
