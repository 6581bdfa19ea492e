"""Store operations: claim tokens, mirroring source feeds, checkout, applying payment events
to purchases and entitlements, and building listeners' private URLs.

Entitlement changes are announced on the account's live stream after they are committed.
"""

from __future__ import annotations

import json
import secrets
import time
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from protocol import events as event_names
from protocol.events import EntitlementEvent
from protocol.store import EntitlementPublic, SignedEntitlements
from service import feedxml
from service.context import ServiceContext
from service.db import utcnow
from service.events import LiveEvent
from service.fetch import fetch_bytes
from service.models import Entitlement, PremiumEpisode, Price, Purchase, Show, User, WebhookEvent
from service.payments import (
    CHARGE_REFUNDED,
    CHECKOUT_COMPLETED,
    CHECKOUT_EXPIRED,
    DISPUTE_CREATED,
    PaymentEvent,
)


class StoreError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


def new_claim_token() -> str:
    return "castwise-verify-" + secrets.token_urlsafe(18)


def fetch_feed(context: ServiceContext, url: str) -> bytes:
    settings = context.settings
    return fetch_bytes(url, timeout_s=settings.fetch_timeout_s, max_bytes=settings.fetch_max_bytes,
                       allow_internal=settings.allow_internal_fetch)


def mirror_source_feed(db: Session, context: ServiceContext, *, show: Show) -> int:
    """Upsert the premium episodes of ``show``'s private source feed; returns how many are new."""
    if not show.source_feed_url:
        raise StoreError(409, "this show has no source feed")
    root = feedxml.parse(fetch_feed(context, show.source_feed_url))
    existing = {row.guid: row for row in db.scalars(select(PremiumEpisode).where(PremiumEpisode.show_id == show.id))}
    added = 0
    for item in feedxml.source_items(root):
        row = existing.get(item.guid)
        if row is None:
            row = PremiumEpisode(show_id=show.id, guid=item.guid)
            db.add(row)
            added += 1
        if row.storage_key:
            continue  # an upload with the same guid wins over the mirror
        row.title, row.description, row.published_at = item.title, item.description, item.published_at
        row.media_type, row.size_bytes, row.source_media_url = item.media_type, item.size_bytes, item.media_url
    db.commit()
    return added


def start_checkout(db: Session, context: ServiceContext, *, user: User, price: Price) -> tuple[Purchase, str]:
    if has_access(db, user_id=user.id, show_id=price.show_id, episode_id=price.episode_id):
        raise StoreError(409, "you already have access to this")
    show = db.get(Show, price.show_id)
    if show is None or show.owner_id is None:  # an orphaned show sells nothing more
        raise StoreError(404, "no such price")
    session = context.payments.create_checkout(amount_cents=price.amount_cents, currency=price.currency,
                                               description=show.title)
    purchase = Purchase(user_id=user.id, price_id=price.id, show_id=price.show_id, episode_id=price.episode_id,
                        amount_cents=price.amount_cents, currency=price.currency, provider=context.payments.name,
                        provider_ref=session.reference)
    db.add(purchase)
    db.commit()
    return purchase, session.url


def apply_payment_event(db: Session, context: ServiceContext, event: PaymentEvent) -> str:
    """Apply a verified provider event exactly once; returns what happened (for the response)."""
    db.add(WebhookEvent(provider=context.payments.name, event_id=event.event_id))
    try:
        db.flush()
    except IntegrityError:
        db.rollback()
        return "duplicate"
    purchase = db.scalar(select(Purchase).where(Purchase.provider_ref == event.reference))
    if purchase is None:
        db.commit()  # remember the event id anyway: a replay must not be retried later
        return "unknown-purchase"
    announcements: list[tuple[str, Entitlement, str]] = []
    entitlement = db.scalar(select(Entitlement).where(Entitlement.purchase_id == purchase.id))
    if event.type == CHECKOUT_COMPLETED and purchase.status == "pending":
        purchase.status, purchase.paid_at = "paid", utcnow()
        entitlement = Entitlement(user_id=purchase.user_id, show_id=purchase.show_id, episode_id=purchase.episode_id,
                                  purchase_id=purchase.id)
        db.add(entitlement)
        db.flush()
        announcements.append((event_names.ENTITLEMENT_GRANTED, entitlement, "purchase"))
    elif event.type == CHECKOUT_EXPIRED and purchase.status == "pending":
        purchase.status = "cancelled"
    elif event.type in (CHARGE_REFUNDED, DISPUTE_CREATED) and purchase.status == "paid":
        purchase.status = "refunded" if event.type == CHARGE_REFUNDED else "disputed"
        if entitlement is not None and entitlement.revoked_at is None:
            entitlement.revoked_at = utcnow()
            announcements.append((event_names.ENTITLEMENT_REVOKED, entitlement, purchase.status))
    db.commit()
    for name, row, reason in announcements:
        payload = EntitlementEvent(entitlement_id=row.id, show_id=row.show_id, episode_id=row.episode_id,
                                   at=utcnow(), reason=reason)
        context.events.publish(row.user_id, LiveEvent(name=name, data=payload.model_dump_json()))
    return "applied"


def has_access(db: Session, *, user_id: int, show_id: int, episode_id: int | None) -> bool:
    """True while the listener holds a live entitlement to the show, or to this episode."""
    conditions: list[ColumnElement[bool]] = [Entitlement.episode_id.is_(None)]
    if episode_id is not None:
        conditions.append(Entitlement.episode_id == episode_id)
    found = db.scalar(select(Entitlement.id).where(Entitlement.user_id == user_id, Entitlement.show_id == show_id,
                                                   Entitlement.revoked_at.is_(None), or_(*conditions)).limit(1))
    return found is not None


def private_feed_url(context: ServiceContext, *, user: User, show_id: int) -> str:
    token = context.urls.feed_token(user_id=user.id, show_id=show_id, feed_secret=user.feed_secret)
    return f"{context.settings.public_url.rstrip('/')}/feeds/{user.id}/{show_id}/{token}.xml"


def media_url(context: ServiceContext, *, user: User, episode_id: int, now_s: float | None = None) -> str:
    expires = int((time.time() if now_s is None else now_s) + context.settings.media_url_ttl_s)
    signature = context.urls.media_signature(user_id=user.id, episode_id=episode_id, expires_s=expires,
                                             feed_secret=user.feed_secret)
    return f"{context.settings.public_url.rstrip('/')}/media/{episode_id}?u={user.id}&exp={expires}&sig={signature}"


def entitlement_list(db: Session, context: ServiceContext, *, user: User) -> list[EntitlementPublic]:
    rows = db.execute(select(Entitlement, Show.title).join(Show, Show.id == Entitlement.show_id)
                      .where(Entitlement.user_id == user.id, Entitlement.revoked_at.is_(None))
                      .order_by(Entitlement.id)).all()
    return [EntitlementPublic(id=row.id, show_id=row.show_id, show_title=title, episode_id=row.episode_id,
                              granted_at=row.granted_at,
                              private_feed_url=private_feed_url(context, user=user, show_id=row.show_id))
            for row, title in rows]


def sign_entitlements(context: ServiceContext, *, user: User, entitlements: list[EntitlementPublic]) -> SignedEntitlements:
    from service.signing import canonical_json

    payload = canonical_json({
        "account_id": user.id,
        "issued_at": datetime.now(UTC).isoformat(),
        "entitlements": [json.loads(item.model_dump_json()) for item in entitlements],
    })
    signer = context.entitlement_signer
    return SignedEntitlements(payload=payload, signature=signer.sign(payload), key_id=signer.key_id)
