"""Wire types of the Castwise store: feed claims, shows, premium episodes, prices, checkout,
purchases and the signed entitlement list."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from protocol.requests import RequestModel


class _Request(RequestModel):
    """Request bodies of this module (see :class:`protocol.requests.RequestModel`)."""


class ClaimCreate(_Request):
    """A creator asks to claim the podcast at ``feed_url`` (http or https)."""

    feed_url: str = Field(min_length=8, max_length=2000, pattern=r"^https?://")


ClaimStatus = Literal["pending", "verified", "awaiting-approval", "rejected", "transferred"]


class ClaimPublic(BaseModel):
    """``token`` goes into the feed as ``<podcast:txt purpose="verify">TOKEN</podcast:txt>``.

    ``status``: ``pending`` (token not seen yet), ``verified`` (the claimant owns ``show_id``),
    ``awaiting-approval`` (token seen, but another creator owns the show: an operator decides),
    ``rejected`` (an operator refused), ``transferred`` (the show passed to another creator).
    """

    id: int
    feed_url: str
    token: str
    status: ClaimStatus
    show_id: int | None
    created_at: datetime
    verified_at: datetime | None = None
    decided_at: datetime | None = None


class ClaimReview(BaseModel):
    """A claim awaiting an operator's decision, with who owns the show now."""

    claim: ClaimPublic
    claimant_username: str
    current_owner_username: str | None
    show_id: int | None
    show_title: str | None


class ShowPublic(BaseModel):
    id: int
    title: str
    feed_url: str
    verified_at: datetime
    source_feed_configured: bool


class SourceFeedCreate(_Request):
    """A private feed of the creator's host that the service mirrors for entitled listeners."""

    url: str = Field(min_length=8, max_length=2000, pattern=r"^https?://")


class PremiumEpisodePublic(BaseModel):
    id: int
    show_id: int
    guid: str
    title: str
    published_at: datetime
    media_type: str
    size_bytes: int | None
    source: Literal["upload", "mirror"]


class PriceCreate(_Request):
    """A price for a whole show (``episode_id`` null) or one premium episode. Amounts are in cents."""

    episode_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    amount_cents: int = Field(ge=50, le=100_000_00)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")


class PricePublic(BaseModel):
    id: int
    show_id: int
    show_title: str
    episode_id: int | None
    amount_cents: int
    currency: str
    active: bool


class CheckoutCreate(_Request):
    price_id: int = Field(ge=1, le=2**31 - 1)


class CheckoutPublic(BaseModel):
    """Send the listener's browser to ``checkout_url``; the purchase completes by webhook."""

    purchase_id: int
    checkout_url: str
    status: str


PurchaseStatus = Literal["pending", "paid", "refunded", "disputed", "cancelled"]


class PurchasePublic(BaseModel):
    id: int
    price_id: int
    show_id: int
    episode_id: int | None
    amount_cents: int
    currency: str
    status: PurchaseStatus
    created_at: datetime
    paid_at: datetime | None


class EntitlementPublic(BaseModel):
    """Access to a show (``episode_id`` null) or one episode, with the listener's private feed."""

    id: int
    show_id: int
    show_title: str
    episode_id: int | None
    granted_at: datetime
    private_feed_url: str


class EntitlementList(BaseModel):
    """What the service signs: ``issued_at`` is when, ``account_id`` for whom."""

    account_id: int
    issued_at: datetime
    entitlements: list[EntitlementPublic]


class SignedEntitlements(BaseModel):
    """``payload`` is the canonical JSON of an :class:`EntitlementList` (sorted keys, no spaces);
    ``signature`` is its Ed25519 signature, base64url without padding, by key ``key_id``."""

    payload: str
    signature: str
    key_id: str
    algorithm: Literal["Ed25519"] = "Ed25519"


class PublicKeyPublic(BaseModel):
    """The well-known public key clients pin; ``public_key`` is the raw 32 bytes, base64url."""

    key_id: str
    algorithm: Literal["Ed25519"] = "Ed25519"
    public_key: str


class SalesPoint(BaseModel):
    """Sales of one day (UTC) for a creator's shows."""

    day: str
    purchases: int
    revenue_cents: int
