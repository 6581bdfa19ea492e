"""gpodder.net-compatible sync: devices, subscription changes, episode actions, sync groups,
and sessions (the cookie the API sets at login).

``received_at`` columns hold the server's receipt time in whole seconds since the epoch: the
``since`` filter uses it, so a device that uploads late after being offline is still seen.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, UTCDateTime, utcnow


class SyncDevice(Base):
    __tablename__ = "sync_devices"
    __table_args__ = (UniqueConstraint("user_id", "device_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[str] = mapped_column(String(100))
    caption: Mapped[str] = mapped_column(String(200), default="")
    type: Mapped[str] = mapped_column(String(20), default="other")
    sync_group: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Devices sharing a group number have their subscriptions merged."""


class SubscriptionChange(Base):
    __tablename__ = "subscription_changes"
    __table_args__ = (Index("ix_subscription_changes_device", "device_pk", "received_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_pk: Mapped[int] = mapped_column(ForeignKey("sync_devices.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(10))
    received_at: Mapped[int] = mapped_column(BigInteger)


class EpisodeAction(Base):
    __tablename__ = "episode_actions"
    __table_args__ = (Index("ix_episode_actions_user_received", "user_id", "received_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    podcast: Mapped[str] = mapped_column(Text)
    episode: Mapped[str] = mapped_column(Text)
    guid: Mapped[str | None] = mapped_column(Text, nullable=True)
    device: Mapped[str | None] = mapped_column(String(100), nullable=True)
    action: Mapped[str] = mapped_column(String(10))
    timestamp: Mapped[str | None] = mapped_column(String(19), nullable=True)
    """As the client sent it, normalised to ``YYYY-MM-DDTHH:MM:SS`` UTC."""
    started: Mapped[int | None] = mapped_column(Integer, nullable=True)
    position: Mapped[int | None] = mapped_column(Integer, nullable=True)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    received_at: Mapped[int] = mapped_column(BigInteger)


class SyncSession(Base):
    """The session cookie set by ``/api/2/auth/<user>/login.json``; stored hashed."""

    __tablename__ = "sync_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
