"""Tables of the interactive layer: one ``interactions`` table for polls, questions, answers and
comments (they share author, moment, window, visibility and pinning), poll options and ballots,
reports, blocks, idempotency keys, and the per-episode live event log.

Invariants held by the database, not by code paths:
- one ballot per listener per poll (``uq_poll_ballots_poll_user``);
- one report per listener per interaction;
- one stored response per account and ``Idempotency-Key`` (concurrent retries collide here);
- event ids increase in commit order (writers serialize on a lock, see ``service.interactive.live``);
- a poll's counts in ``poll_counts`` always equal its ballots and choices (database triggers).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, UTCDateTime, utcnow

EventId = BigInteger().with_variant(Integer(), "sqlite")
"""64-bit on PostgreSQL; SQLite's INTEGER PRIMARY KEY is already 64-bit (and must stay a rowid)."""


class InteractiveEpisode(Base):
    """An episode of a claimed show opened to interaction, keyed by the feed item's guid."""

    __tablename__ = "interactive_episodes"
    __table_args__ = (UniqueConstraint("show_id", "guid", name="uq_interactive_episodes_show_guid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    guid: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(500))
    duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    approval: Mapped[str] = mapped_column(String(10), default="none")
    """``none`` or ``all`` (every listener comment waits for the creator)."""
    auto_moderation: Mapped[str] = mapped_column(String(10), default="standard")
    blocked_keywords: Mapped[str] = mapped_column(Text, default="[]")
    """JSON list of lower-cased words or phrases; a comment containing one is held."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Interaction(Base):
    """A poll, question, answer (``parent_id`` = its question) or comment (``parent_id`` = the
    comment it replies to). ``anchor_ms`` is the moment in the episode, in milliseconds."""

    __tablename__ = "interactions"
    __table_args__ = (Index("ix_interactions_episode_kind", "episode_id", "kind", "visibility"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("interactive_episodes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    """The author: the creator for polls and questions, a listener (or the creator) otherwise."""
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"),
                                                  nullable=True, index=True)
    text: Mapped[str] = mapped_column(Text)
    anchor_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    """Polls: several options per ballot."""
    visibility: Mapped[str] = mapped_column(String(10), default="visible")
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    share_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    by_creator: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """When the author last changed a comment's text; null when it was never edited."""


class PollOption(Base):
    __tablename__ = "poll_options"
    __table_args__ = (UniqueConstraint("poll_id", "position", name="uq_poll_options_poll_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))


class PollBallot(Base):
    """One listener's vote on one poll; the unique constraint is what makes it "once"."""

    __tablename__ = "poll_ballots"
    __table_args__ = (UniqueConstraint("poll_id", "user_id", name="uq_poll_ballots_poll_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BallotChoice(Base):
    """An option chosen on a ballot (several for a multiple-choice poll); counted for tallies."""

    __tablename__ = "ballot_choices"
    __table_args__ = (Index("ix_ballot_choices_poll_option", "poll_id", "option_id"),)

    ballot_id: Mapped[int] = mapped_column(ForeignKey("poll_ballots.id", ondelete="CASCADE"), primary_key=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("poll_options.id", ondelete="CASCADE"), primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))


class PollCount(Base):
    """A poll's running tally, kept by the database itself: triggers on ``poll_ballots`` and
    ``ballot_choices`` add every ballot and choice as it is inserted and take it back when it is
    deleted (a listener's account erased, an option removed), whatever the code path. Row
    ``option_id = 0`` counts ballots; the others count each option's choices. A tally is then a
    read of a few rows, however many listeners voted. The triggers live in migration
    ``0103_poll_counts`` (SQLite: one per row; PostgreSQL: one per statement, over the rows it
    changed)."""

    __tablename__ = "poll_counts"

    poll_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True)
    option_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    votes: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), default=0)


class InteractionReport(Base):
    __tablename__ = "interaction_reports"
    __table_args__ = (UniqueConstraint("interaction_id", "user_id", name="uq_interaction_reports_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BlockedListener(Base):
    """A listener the creator blocked from every episode of a show."""

    __tablename__ = "blocked_listeners"
    __table_args__ = (UniqueConstraint("show_id", "user_id", name="uq_blocked_listeners_show_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyKey(Base):
    """The stored outcome of a write made with an ``Idempotency-Key``, replayed to retries."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    """SHA-256 of method, path and body: the same key with another request is refused."""
    route: Mapped[str] = mapped_column(String(300))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InteractionEvent(Base):
    """The live event log: what SSE clients receive, replayed after ``Last-Event-ID``."""

    __tablename__ = "interaction_events"
    __table_args__ = (Index("ix_interaction_events_episode_id", "episode_id", "id"),
                      Index("ix_interaction_events_subject_id", "subject_id", "id"))

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("interactive_episodes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The poll, comment or answer the event is about (tallies are compacted per subject)."""
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
