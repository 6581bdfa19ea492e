"""The store: feed claims, creators' shows, premium episodes, prices, purchases, entitlements,
and the payment webhook events already processed (replay protection)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, UTCDateTime, utcnow


class FeedClaim(Base):
    """A creator's request to own the show at ``feed_url``.

    ``status`` is one of :data:`CLAIM_STATUSES`: ``pending`` until the token is seen in the feed;
    ``verified`` when the claimant owns the show; ``awaiting-approval`` when the token was seen but
    another creator already owns the show (an operator decides, see ``service.claims``);
    ``rejected`` when an operator refused it; ``transferred`` for the previous owner's claim after
    an approved transfer.
    """

    __tablename__ = "feed_claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    feed_url: Mapped[str] = mapped_column(Text)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    show_id: Mapped[int | None] = mapped_column(ForeignKey("shows.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="pending", server_default="pending")
    previous_owner_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Who owned the show when this claim asked to take it over (kept for the record even if
    that account is later deleted, so no foreign key)."""
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """When the token was last seen in the feed."""
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """When an operator approved or rejected a takeover."""


CLAIM_STATUSES = ("pending", "verified", "awaiting-approval", "rejected", "transferred")


class Show(Base):
    """A podcast whose feed a creator proved to control."""

    __tablename__ = "shows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True,
                                                 nullable=True)
    """Null once the creator deleted their account while listeners still held purchases: the show
    is then frozen (nothing on sale) but keeps serving what was bought."""
    owner_left_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    title: Mapped[str] = mapped_column(String(500))
    feed_url: Mapped[str] = mapped_column(Text, unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source_feed_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    """Private feed of the creator's host, mirrored for entitled listeners (never shown to them)."""


class PremiumEpisode(Base):
    __tablename__ = "premium_episodes"
    __table_args__ = (UniqueConstraint("show_id", "guid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    guid: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    storage_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    """Key in media storage for uploads; null for mirrored episodes."""
    source_media_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    """Private media URL of a mirrored episode; proxied, never handed to listeners."""


class Price(Base):
    __tablename__ = "prices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    episode_id: Mapped[int | None] = mapped_column(
        ForeignKey("premium_episodes.id", ondelete="CASCADE"), nullable=True
    )
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Purchase(Base):
    __tablename__ = "purchases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    price_id: Mapped[int] = mapped_column(ForeignKey("prices.id", ondelete="RESTRICT"))
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    episode_id: Mapped[int | None] = mapped_column(
        ForeignKey("premium_episodes.id", ondelete="SET NULL"), nullable=True
    )
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    provider: Mapped[str] = mapped_column(String(40))
    provider_ref: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Entitlement(Base):
    """Access granted by a paid purchase; ``revoked_at`` set by a refund or chargeback."""

    __tablename__ = "entitlements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    episode_id: Mapped[int | None] = mapped_column(
        ForeignKey("premium_episodes.id", ondelete="CASCADE"), nullable=True
    )
    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchases.id", ondelete="CASCADE"), unique=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WebhookEvent(Base):
    """Payment provider events already applied: the same event id is never applied twice."""

    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
