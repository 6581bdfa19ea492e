"""Account operations shared by the JSON API and the pages: sign-up, sign-in, token rotation,
session revocation, e-mail verification, password reset, export and deletion.

Functions take keyword-only arguments, commit their own work, and raise :class:`AccountError`
(with an HTTP status) for anything the caller did wrong.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from protocol.accounts import TokenPair
from service.context import ServiceContext
from service.db import utcnow
from service.models import (
    AppPassword,
    DeviceSession,
    Entitlement,
    EpisodeAction,
    FeedClaim,
    OneTimeToken,
    Purchase,
    RefreshToken,
    Show,
    SubscriptionChange,
    SyncDevice,
    SyncSession,
    User,
)
from service.security import new_token

VERIFY_EMAIL = "verify-email"
RESET_PASSWORD = "reset-password"
ONE_TIME_TTL = {VERIFY_EMAIL: timedelta(days=3), RESET_PASSWORD: timedelta(hours=1)}


class AccountError(Exception):
    def __init__(self, status: int, detail: str, *, retry_after_s: int | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.retry_after_s = status, detail, retry_after_s


def sign_up(db: Session, context: ServiceContext, *, email: str, username: str, password: str) -> User:
    email = email.strip().lower()
    taken = db.scalar(select(User.id).where(or_(User.email == email, func.lower(User.username) == username.lower())))
    if taken is not None:
        raise AccountError(409, "an account with this e-mail address or username exists")
    user = User(email=email, username=username, password_hash=context.passwords.hash(password),
                feed_secret=secrets.token_urlsafe(24))
    db.add(user)
    try:
        db.commit()
    except IntegrityError:  # a concurrent sign-up took the address or name between check and insert
        db.rollback()
        raise AccountError(409, "an account with this e-mail address or username exists") from None
    send_one_time_link(db, context, user=user, purpose=VERIFY_EMAIL)
    return user


def find_login(db: Session, login: str) -> User | None:
    login = login.strip()
    return db.scalar(select(User).where(or_(User.email == login.lower(), func.lower(User.username) == login.lower())))


def open_session(db: Session, context: ServiceContext, *, user: User, device_name: str) -> TokenPair:
    device_session = DeviceSession(user_id=user.id, device_name=device_name)
    db.add(device_session)
    db.flush()
    pair = _issue(db, context, device_session)
    db.commit()
    return pair


def _issue(db: Session, context: ServiceContext, device_session: DeviceSession) -> TokenPair:
    refresh = new_token()
    db.add(RefreshToken(session_id=device_session.id, token_hash=context.tokens.keyed_hash(refresh),
                        expires_at=utcnow() + timedelta(seconds=context.settings.refresh_token_ttl_s)))
    ttl = context.settings.access_token_ttl_s
    access = context.tokens.issue(user_id=device_session.user_id, session_id=device_session.id, ttl_s=ttl)
    return TokenPair(access_token=access, refresh_token=refresh, expires_in_s=ttl, session_id=device_session.id)


def rotate(db: Session, context: ServiceContext, *, refresh_token: str) -> TokenPair:
    """Exchange a refresh token for a new pair. A rotated token presented again revokes its family."""
    stored = db.scalar(select(RefreshToken).where(RefreshToken.token_hash == context.tokens.keyed_hash(refresh_token)))
    if stored is None:
        raise AccountError(401, "unknown refresh token")
    device_session = db.get(DeviceSession, stored.session_id)
    if device_session is None or device_session.revoked_at is not None:
        raise AccountError(401, "this session was signed out")
    now = utcnow()
    if stored.rotated_at is not None:
        # Someone replayed an old token: the thief or the owner holds a copy. End the session.
        revoke_session(db, device_session=device_session, reason="refresh-token-reuse")
        db.commit()
        raise AccountError(401, "refresh token reused; the session was signed out")
    if stored.expires_at < now:
        raise AccountError(401, "refresh token expired")
    # Mark rotated with a guarded UPDATE so two racing refreshes cannot both succeed.
    claimed = db.execute(update(RefreshToken).where(RefreshToken.id == stored.id, RefreshToken.rotated_at.is_(None))
                         .values(rotated_at=now))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        raise AccountError(401, "refresh token already used")
    device_session.last_used_at = now
    pair = _issue(db, context, device_session)
    db.commit()
    return pair


def revoke_session(db: Session, *, device_session: DeviceSession, reason: str) -> None:
    if device_session.revoked_at is None:
        device_session.revoked_at = utcnow()
        device_session.revoked_reason = reason


def revoke_other_sessions(db: Session, *, user_id: int, keep_session_id: int | None, reason: str) -> int:
    sessions = db.scalars(select(DeviceSession).where(DeviceSession.user_id == user_id,
                                                      DeviceSession.revoked_at.is_(None))).all()
    count = 0
    for device_session in sessions:
        if device_session.id != keep_session_id:
            revoke_session(db, device_session=device_session, reason=reason)
            count += 1
    db.execute(delete(SyncSession).where(SyncSession.user_id == user_id))
    return count


def send_one_time_link(db: Session, context: ServiceContext, *, user: User, purpose: str) -> None:
    token = new_token()
    db.add(OneTimeToken(user_id=user.id, purpose=purpose, token_hash=context.tokens.keyed_hash(token),
                        expires_at=utcnow() + ONE_TIME_TTL[purpose]))
    db.commit()
    base = context.settings.public_url.rstrip("/")
    if purpose == VERIFY_EMAIL:
        subject, body = "Confirm your Castwise e-mail address", (
            f"Confirm your address by opening {base}/verify-email?token={token}\n\nOr paste this code: {token}\n")
    else:
        subject, body = "Reset your Castwise password", (
            f"Choose a new password at {base}/reset-password?token={token}\n\nCode: {token}\n"
            "If you did not ask for this, ignore this message.\n")
    context.mailer.send(to=user.email, subject=subject, body=body)


def use_one_time_token(db: Session, context: ServiceContext, *, token: str, purpose: str) -> User:
    stored = db.scalar(select(OneTimeToken).where(OneTimeToken.token_hash == context.tokens.keyed_hash(token),
                                                  OneTimeToken.purpose == purpose))
    if stored is None or stored.used_at is not None or stored.expires_at < utcnow():
        raise AccountError(400, "this link is invalid, used or expired")
    user = db.get(User, stored.user_id)
    if user is None:
        raise AccountError(400, "this link is invalid, used or expired")
    stored.used_at = utcnow()
    return user


def change_password(db: Session, context: ServiceContext, *, user: User, new_password: str,
                    keep_session_id: int | None) -> None:
    """Set a new password and sign out every other device (and sync client session)."""
    user.password_hash = context.passwords.hash(new_password)
    revoke_other_sessions(db, user_id=user.id, keep_session_id=keep_session_id, reason="password-changed")
    db.commit()


def export(db: Session, *, user: User) -> dict[str, Any]:
    """Everything Castwise stores about ``user`` except secrets (hashes, tokens)."""
    def rows(model: Any, *conditions: Any, skip: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
        return [
            {column.key: getattr(row, column.key) for column in model.__table__.columns
             if column.key not in skip | {"token_hash", "password_hash", "feed_secret", "token"}}
            for row in db.scalars(select(model).where(*conditions).order_by(model.id))
        ]

    device_ids = select(SyncDevice.id).where(SyncDevice.user_id == user.id)
    return {
        "format": "castwise-account-export/1",
        "exported_at": utcnow(),
        "account": {"id": user.id, "email": user.email, "username": user.username,
                    "email_verified": user.email_verified, "created_at": user.created_at},
        "sessions": rows(DeviceSession, DeviceSession.user_id == user.id),
        "app_passwords": rows(AppPassword, AppPassword.user_id == user.id),
        "feed_claims": rows(FeedClaim, FeedClaim.user_id == user.id),
        "shows": rows(Show, Show.owner_id == user.id, skip=frozenset({"source_feed_url"})),
        "purchases": rows(Purchase, Purchase.user_id == user.id),
        "entitlements": rows(Entitlement, Entitlement.user_id == user.id),
        "sync_devices": rows(SyncDevice, SyncDevice.user_id == user.id),
        "subscription_changes": rows(SubscriptionChange, SubscriptionChange.device_pk.in_(device_ids)),
        "episode_actions": rows(EpisodeAction, EpisodeAction.user_id == user.id),
    }


def delete_account(db: Session, context: ServiceContext, *, user: User) -> None:
    """Delete the account and everything that belongs to it, without taking anything from
    other listeners.

    The account's own sessions, passwords, claims, sync data, purchases and entitlements go. Its
    shows that nobody else ever bought go too, with their prices and uploaded media. A show that
    other listeners bought (any purchase record) stays as an *orphaned* show, as a store sells
    nothing more but keeps delivering what it sold: no owner (``owner_id`` null,
    ``owner_left_at`` set), every price withdrawn, the private source feed address forgotten.
    While a listener still holds a live entitlement or a pending checkout, its premium episodes
    and media stay so they go on being served; otherwise (only refunded, disputed or cancelled
    purchases are left) the uploaded media are deleted and the episodes keep only their titles,
    as the record of what was bought. Other listeners' purchase records and entitlements are
    never touched. A creator who later proves control of the feed takes an orphaned show over
    (see ``service.claims``).
    """
    from service.models import PremiumEpisode, Price

    now = utcnow()
    db.execute(delete(Entitlement).where(Entitlement.user_id == user.id))
    db.execute(delete(Purchase).where(Purchase.user_id == user.id))
    owned = select(Show.id).where(Show.owner_id == user.id)
    bought = set(db.scalars(select(Purchase.show_id).where(Purchase.show_id.in_(owned)).distinct()))
    served = set(db.scalars(select(Entitlement.show_id).where(Entitlement.show_id.in_(bought),
                                                              Entitlement.revoked_at.is_(None)).distinct()))
    served |= set(db.scalars(select(Purchase.show_id).where(Purchase.show_id.in_(bought),
                                                            Purchase.status == "pending").distinct()))
    unserved = bought - served
    # Media of shows that go entirely, and of kept shows nobody can receive any more.
    doomed_media = or_(PremiumEpisode.show_id.in_(select(Show.id).where(Show.owner_id == user.id,
                                                                         Show.id.not_in(bought))),
                       PremiumEpisode.show_id.in_(unserved))
    storage_keys = db.scalars(select(PremiumEpisode.storage_key).where(doomed_media,
                                                                       PremiumEpisode.storage_key.is_not(None))).all()
    if bought:
        db.execute(update(PremiumEpisode).where(PremiumEpisode.show_id.in_(unserved))
                   .values(storage_key=None, source_media_url=None))
        db.execute(update(Price).where(Price.show_id.in_(bought), Price.active.is_(True)).values(active=False))
        db.execute(update(Show).where(Show.id.in_(bought))
                   .values(owner_id=None, owner_left_at=now, source_feed_url=None))
    db.execute(delete(Show).where(Show.owner_id == user.id))
    db.execute(delete(User).where(User.id == user.id))
    db.commit()
    for key in storage_keys:
        if key:
            context.storage.delete(key)
