"""Every service table, importable from one place (Alembic's autogenerate reads this)."""

from service.interactive import models as interactive_models  # noqa: F401  (registers the interactive tables)
from service.models.accounts import AppPassword, DeviceSession, OneTimeToken, RateEvent, RefreshToken, User
from service.models.store import Entitlement, FeedClaim, PremiumEpisode, Price, Purchase, Show, WebhookEvent
from service.models.sync import EpisodeAction, SubscriptionChange, SyncDevice, SyncSession

__all__ = [
    "AppPassword",
    "DeviceSession",
    "Entitlement",
    "EpisodeAction",
    "FeedClaim",
    "OneTimeToken",
    "PremiumEpisode",
    "Price",
    "Purchase",
    "RateEvent",
    "RefreshToken",
    "Show",
    "SubscriptionChange",
    "SyncDevice",
    "SyncSession",
    "User",
    "WebhookEvent",
]
