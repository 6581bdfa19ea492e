"""Authentication of gpodder.net-compatible clients: HTTP Basic with an app password, or the
``sessionid`` cookie set at login. Account passwords are never accepted here, and these
credentials never reach purchases or account settings.
"""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.db import utcnow
from service.deps import ContextDep, SessionDep
from service.models import AppPassword, SyncSession, User
from service.security import new_token

SESSION_COOKIE = "sessionid"
SESSION_TTL = timedelta(days=30)
REALM = 'Basic realm="Castwise sync"'


def challenge(detail: str = "authentication required") -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": REALM})


def _basic(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, _, password = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return username, password


def authenticate(request: Request, context: ContextDep, db: SessionDep) -> User | None:
    """The account behind the request's Basic credentials or session cookie, else None."""
    credentials = _basic(request)
    if credentials is not None:
        username, password = credentials
        row = db.scalar(select(AppPassword).where(AppPassword.token_hash == context.tokens.keyed_hash(password)))
        if row is None:
            return None
        user = db.get(User, row.user_id)
        if user is None or user.username.lower() != username.lower():
            return None
        now = utcnow()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 3600:
            row.last_used_at = now
        if not _valid_cookie(request, context, db):
            # Like gpodder.net, a Basic-authenticated response opens a session: clients such as
            # mygpoclient send credentials only a few times and then rely on the cookie.
            token = new_token()
            db.add(SyncSession(user_id=user.id, token_hash=context.tokens.keyed_hash(token),
                               expires_at=now + SESSION_TTL))
            request.state.sync_cookie = token
        db.commit()
        return user
    session = _valid_cookie(request, context, db)
    return db.get(User, session.user_id) if session is not None else None


def _valid_cookie(request: Request, context: ContextDep, db: SessionDep) -> SyncSession | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    session = db.scalar(select(SyncSession).where(SyncSession.token_hash == context.tokens.keyed_hash(cookie)))
    return session if session is not None and session.expires_at > utcnow() else None


class SessionCookieMiddleware:
    """Adds the ``sessionid`` cookie chosen by :func:`authenticate` to the response."""

    def __init__(self, app: ASGIApp, *, secure: bool) -> None:
        self.app, self.secure = app, secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(("/api/2/", "/subscriptions/")):
            await self.app(scope, receive, send)
            return

        async def with_cookie(message: Message) -> None:
            token = scope.get("state", {}).get("sync_cookie")
            if message["type"] == "http.response.start" and token:
                cookie = (f"{SESSION_COOKIE}={token}; Max-Age={int(SESSION_TTL.total_seconds())}; Path=/; "
                          f"HttpOnly; SameSite=lax{'; Secure' if self.secure else ''}")
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode())]}
            await send(message)

        await self.app(scope, receive, with_cookie)


def sync_user(username: str, request: Request, context: ContextDep, db: SessionDep) -> User:
    """The authenticated account (else 401), which must be the one named in the path (else 403)."""
    user = authenticate(request, context, db)
    if user is None:
        raise challenge()
    if user.username.lower() != username.lower():
        # Authenticated, but not as this user: forbidden (never a hint about the other account).
        raise HTTPException(status.HTTP_403_FORBIDDEN, "these credentials belong to another user")
    return user


SyncUser = Annotated[User, Depends(sync_user)]


def find_user(db: SessionDep, username: str) -> User | None:
    return db.scalar(select(User).where(func.lower(User.username) == username.lower()))
