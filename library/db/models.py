"""The listener's library as SQLAlchemy 2.x typed models.

Units are part of the names: positions and durations are milliseconds (``*_ms``), sizes are bytes,
playback rates are multipliers (1.0 = normal speed). Every timestamp is an aware UTC ``datetime``
on the Python side (:class:`UTCDateTime` stores it naive-UTC in SQLite).

JSON columns hold the feed model's lists as plain dicts (``dataclasses.asdict`` of
:mod:`library.feeds.model` items), so they read back without our classes.

The schema is owned by the Alembic migrations in :mod:`library.migrations`; change a model here
only together with a new revision there (and :data:`library.db.engine.HEAD_REVISION`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names, so Alembic's batch mode on SQLite can find and change them later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime. Naive values are taken to be UTC already; others are converted."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def _enum(enum_class: type[StrEnum]) -> Enum:
    # Stored as the value text with no CHECK constraint: adding a kind later needs no migration.
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class AuthKind(StrEnum):
    """How a private feed proves who is asking. The secret itself lives in the OS keyring."""

    NONE = "none"
    BASIC = "basic"
    """HTTP basic auth: username and password."""
    URL_TOKEN = "url-token"
    """A token inside the feed URL (``?auth=...``, Patreon/Supercast style)."""


class FeedOutcome(StrEnum):
    """What the last refresh of a feed did (gPodder's vocabulary)."""

    UPDATED = "updated"
    NOT_MODIFIED = "not-modified"
    MOVED = "moved"
    FAILED = "failed"


class DownloadState(StrEnum):
    QUEUED = "queued"
    DOWNLOADING = "downloading"
    PAUSED = "paused"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ListeningEventKind(StrEnum):
    """One listener action; the recommender's input."""

    PLAY = "play"
    PAUSE = "pause"
    SEEK = "seek"
    SKIP = "skip"
    RATE_CHANGE = "rate_change"
    COMPLETE = "complete"
    LIKE = "like"
    NOT_INTERESTED = "not_interested"
    CLEAR_RATING = "clear_rating"
    VOTE = "vote"
    COMMENT = "comment"


class Podcast(Base):
    """A subscribed feed and what we learned from it."""

    __tablename__ = "podcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_url: Mapped[str] = mapped_column(Text, unique=True)
    """The feed's URL without credentials or tokens (those are in the keyring, see ``auth_ref``)."""
    podcast_guid: Mapped[str | None] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(35))
    categories: Mapped[list[Any]] = mapped_column(default=list)
    link: Mapped[str | None] = mapped_column(Text)
    explicit: Mapped[bool | None] = mapped_column(Boolean)
    locked: Mapped[bool | None] = mapped_column(Boolean)
    medium: Mapped[str | None] = mapped_column(String(32))
    funding: Mapped[list[Any]] = mapped_column(default=list)

    auth_kind: Mapped[AuthKind] = mapped_column(_enum(AuthKind), default=AuthKind.NONE)
    auth_ref: Mapped[str | None] = mapped_column(String(64))
    """The keyring entry (username under Castwise's service name) holding the feed's secret."""

    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    """The server's ``Last-Modified`` header, verbatim, sent back as ``If-Modified-Since``."""
    last_outcome: Mapped[FeedOutcome | None] = mapped_column(_enum(FeedOutcome))
    last_error_kind: Mapped[str | None] = mapped_column(String(32))
    """An :class:`library.errors.ErrorKind` value when the last refresh failed."""
    last_error: Mapped[str | None] = mapped_column(Text)
    """The listener-facing message of the last failure (already free of secrets)."""
    last_checked_at: Mapped[datetime | None] = mapped_column()
    last_updated_at: Mapped[datetime | None] = mapped_column()
    """When a refresh last changed something (new or changed episodes or podcast fields)."""
    subscribed_at: Mapped[datetime] = mapped_column(default=utc_now)

    default_speed: Mapped[float | None] = mapped_column(Float)
    """Playback rate for this podcast's episodes (1.0 = normal); ``None`` uses the global setting."""
    auto_download: Mapped[bool] = mapped_column(Boolean, default=False)

    episodes: Mapped[list[Episode]] = relationship(
        back_populates="podcast", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"Podcast(id={self.id!r}, title={self.title!r})"


class Episode(Base):
    """One item of a feed. Kept even after the feed stops listing it."""

    __tablename__ = "episodes"
    __table_args__ = (
        Index("ix_episodes_podcast_published", "podcast_id", "published"),
        Index("ix_episodes_podcast_guid", "podcast_id", "guid"),
        Index("ix_episodes_podcast_enclosure", "podcast_id", "enclosure_url"),
        Index("ix_episodes_published", "published"),
        Index("ix_episodes_guid", "guid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    podcast_id: Mapped[int] = mapped_column(ForeignKey("podcasts.id", ondelete="CASCADE"))
    guid: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str | None] = mapped_column(Text)
    """Sanitized HTML (nh3) from the feed: safe to render as is."""
    published: Mapped[datetime | None] = mapped_column()
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    enclosure_url: Mapped[str | None] = mapped_column(Text)
    enclosure_type: Mapped[str | None] = mapped_column(String(128))
    enclosure_length: Mapped[int | None] = mapped_column(Integer)
    """Bytes, as the feed declares it (often wrong or 0)."""
    alternate_enclosures: Mapped[list[Any]] = mapped_column(default=list)
    chapters_url: Mapped[str | None] = mapped_column(Text)
    chapters_type: Mapped[str | None] = mapped_column(String(128))
    chapters: Mapped[list[Any]] = mapped_column(default=list)
    """Inline chapters (Podlove): dicts with ``start_ms``, ``title``, ``href``, ``image``."""
    transcripts: Mapped[list[Any]] = mapped_column(default=list)
    persons: Mapped[list[Any]] = mapped_column(default=list)
    funding: Mapped[list[Any]] = mapped_column(default=list)
    soundbites: Mapped[list[Any]] = mapped_column(default=list)
    season: Mapped[int | None] = mapped_column(Integer)
    episode_number: Mapped[int | None] = mapped_column(Integer)
    episode_type: Mapped[str | None] = mapped_column(String(16))
    explicit: Mapped[bool | None] = mapped_column(Boolean)
    link: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_seen_at: Mapped[datetime | None] = mapped_column()
    """When the feed last listed this episode (older than the podcast's last update: delisted)."""
    live_status: Mapped[str | None] = mapped_column(String(16))
    """``pending``, ``live`` or ``ended`` for a ``podcast:liveItem`` stream (migration 0004);
    ``None`` for an ordinary episode. Live items are listed, never played or downloaded."""
    live_start: Mapped[datetime | None] = mapped_column()
    """When the stream starts, as the feed announces it (UTC)."""
    live_end: Mapped[datetime | None] = mapped_column()
    """When the stream ends, as the feed announces it (UTC)."""

    podcast: Mapped[Podcast] = relationship(back_populates="episodes")
    playback: Mapped[PlaybackState | None] = relationship(
        back_populates="episode", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"Episode(id={self.id!r}, title={self.title!r})"


class PlaybackState(Base):
    """Where the listener is in an episode. One row per episode that was ever started."""

    __tablename__ = "playback_states"

    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), primary_key=True)
    position_ms: Mapped[int] = mapped_column(Integer, default=0)
    played: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_at: Mapped[datetime | None] = mapped_column()
    speed: Mapped[float | None] = mapped_column(Float)
    """Per-episode playback rate override; ``None`` uses the podcast's default."""
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    episode: Mapped[Episode] = relationship(back_populates="playback")


class Download(Base):
    """A downloaded (or downloading) episode file."""

    __tablename__ = "downloads"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), unique=True)
    path: Mapped[str | None] = mapped_column(Text)
    """The final file once complete (absolute path)."""
    state: Mapped[DownloadState] = mapped_column(_enum(DownloadState), default=DownloadState.QUEUED, index=True)
    bytes_done: Mapped[int] = mapped_column(Integer, default=0)
    bytes_total: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    completed_at: Mapped[datetime | None] = mapped_column()


class QueueEntry(Base):
    """One episode in "up next", ordered by ``position`` (0 plays first)."""

    __tablename__ = "queue_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), unique=True)
    position: Mapped[int] = mapped_column(Integer, index=True)
    added_at: Mapped[datetime] = mapped_column(default=utc_now)


class ListeningEvent(Base):
    """A listener action with positions (milliseconds) and, for rate changes, the new rate."""

    __tablename__ = "listening_events"
    __table_args__ = (
        Index("ix_listening_events_episode_at", "episode_id", "at"),
        Index("ix_listening_events_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    kind: Mapped[ListeningEventKind] = mapped_column(_enum(ListeningEventKind))
    position_ms: Mapped[int | None] = mapped_column(Integer)
    from_ms: Mapped[int | None] = mapped_column(Integer)
    """Where a seek or skip started."""
    to_ms: Mapped[int | None] = mapped_column(Integer)
    """Where a seek or skip landed."""
    rate: Mapped[float | None] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(default=utc_now)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """Kind-specific extras (a vote's choice, a comment's id); ``None`` for most kinds."""


class EpisodeTranscript(Base):
    """An episode's transcript as plain text, for full-text search and the recommender.

    Indexed in ``transcripts_fts`` (migration 0003) by triggers; one row per episode, replaced
    when a better transcript arrives.
    """

    __tablename__ = "episode_transcripts"

    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(35))
    source_url: Mapped[str | None] = mapped_column(Text)
    """The ``podcast:transcript`` document it came from (``None`` for local speech-to-text)."""
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class Setting(Base):
    """One typed setting's value as JSON; declarations live in :mod:`library.settings`."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
