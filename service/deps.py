"""Dependencies shared by the routes: the context, a database session, the signed-in account.

``CurrentUser`` takes a bearer access token (apps); the server-rendered pages use the
``castwise_access`` cookie through ``service.routes.pages``. Either way the device session must
still be live, so revoking a session takes effect on its very next request.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, status
from sqlalchemy.orm import Session

from service.context import ServiceContext
from service.db import session_scope, utcnow
from service.models import DeviceSession, User
from service.security import TokenError

ACCESS_COOKIE = "castwise_access"
MAX_ID = 2**31 - 1

ObjectId = Annotated[int, Path(ge=1, le=MAX_ID, description="an object id")]
"""Ids in paths are positive 32-bit integers: anything else is a 422, never a database error."""


def get_context(request: Request) -> ServiceContext:
    context: ServiceContext = request.app.state.context
    return context


ContextDep = Annotated[ServiceContext, Depends(get_context)]


def get_db(context: ContextDep) -> Iterator[Session]:
    yield from session_scope(context.sessions)


SessionDep = Annotated[Session, Depends(get_db)]


@dataclass(frozen=True)
class Auth:
    user: User
    device_session: DeviceSession


def unauthorized(detail: str = "sign-in required") -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


def resolve_auth(request: Request, context: ServiceContext, db: Session, *, from_cookie: bool = False) -> Auth | None:
    """The signed-in account of ``request``, or None (no/invalid/expired token, revoked session).

    The JSON API reads only the ``Authorization`` header; the pages read only the cookie (and
    check a CSRF token on every form), so a cross-site form can never ride on a cookie.
    """
    token = request.cookies.get(ACCESS_COOKIE) if from_cookie else bearer_token(request)
    if not token:
        return None
    try:
        claims = context.tokens.verify(token)
    except TokenError:
        return None
    device_session = db.get(DeviceSession, claims.session_id)
    if device_session is None or device_session.revoked_at is not None or device_session.user_id != claims.user_id:
        return None
    user = db.get(User, claims.user_id)
    if user is None:
        return None
    now = utcnow()
    if (now - device_session.last_used_at).total_seconds() > 60:  # not on every request: fewer writes
        device_session.last_used_at = now
        db.commit()
    return Auth(user=user, device_session=device_session)


def get_auth(request: Request, context: ContextDep, db: SessionDep) -> Auth:
    auth = resolve_auth(request, context, db)
    if auth is None:
        raise unauthorized("sign-in required, or the access token expired")
    return auth


AuthDep = Annotated[Auth, Depends(get_auth)]


def get_current_user(auth: AuthDep) -> User:
    return auth.user


CurrentUser = Annotated[User, Depends(get_current_user)]


def not_found(what: str = "not found") -> HTTPException:
    """Someone else's object answers exactly like a missing one: nothing leaks about it."""
    return HTTPException(status.HTTP_404_NOT_FOUND, what)
