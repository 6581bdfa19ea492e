"""Sign-up, sign-in, token refresh, sign-out, e-mail verification and password reset."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Request, Response, status

from protocol.accounts import (
    EmailVerify,
    PasswordResetConfirm,
    PasswordResetRequest,
    RefreshCreate,
    SignIn,
    TokenPair,
    UserCreate,
    UserPublic,
)
from service import accounts, ratelimit
from service.accounts import AccountError
from service.deps import AuthDep, ContextDep, CurrentUser, SessionDep
from service.models import User

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _key(kind: str, value: str) -> str:
    # Keys are hashed: the rate table must not become a list of e-mail addresses.
    return f"{kind}:{hashlib.sha256(value.lower().encode()).hexdigest()}"


def user_public(user: User) -> UserPublic:
    return UserPublic(id=user.id, email=user.email, username=user.username, email_verified=user.email_verified,
                      is_admin=user.is_admin, created_at=user.created_at)


@router.post("/signup", status_code=status.HTTP_201_CREATED, response_model=UserPublic,
             responses={409: {"description": "e-mail or username taken"}, 429: {"description": "too many sign-ups"}})
def sign_up(body: UserCreate, request: Request, context: ContextDep, db: SessionDep) -> UserPublic:
    settings = context.settings
    key = _key("signup", client_address(request))
    if ratelimit.recent_count(db, key=key, window_s=settings.rate_window_s) >= settings.signup_limit:
        raise AccountError(429, "too many sign-ups from this address; try again later", retry_after_s=settings.rate_window_s)
    ratelimit.record(db, key=key, window_s=settings.rate_window_s)
    db.commit()
    user = accounts.sign_up(db, context, email=body.email, username=body.username, password=body.password)
    return user_public(user)


def check_sign_in(db: SessionDep, context: ContextDep, request: Request, *, login: str, password: str) -> User:
    """The account for ``login``/``password``, counting failures per account and per address."""
    settings = context.settings
    keys = [_key("signin-login", login), _key("signin-addr", client_address(request))]
    for key in keys:
        if ratelimit.recent_count(db, key=key, window_s=settings.rate_window_s) >= settings.signin_limit:
            raise AccountError(429, "too many failed sign-ins; try again later", retry_after_s=settings.rate_window_s)
    user = accounts.find_login(db, login)
    if not context.passwords.verify(user.password_hash if user else None, password) or user is None:
        for key in keys:
            ratelimit.record(db, key=key, window_s=settings.rate_window_s)
        db.commit()
        raise AccountError(401, "wrong e-mail address or password")
    ratelimit.clear(db, key=keys[0])
    return user


@router.post("/signin", response_model=TokenPair,
             responses={401: {"description": "wrong credentials"}, 429: {"description": "too many failures"}})
def sign_in(body: SignIn, request: Request, context: ContextDep, db: SessionDep) -> TokenPair:
    user = check_sign_in(db, context, request, login=body.login, password=body.password)
    return accounts.open_session(db, context, user=user, device_name=body.device_name)


@router.post("/refresh", response_model=TokenPair, responses={401: {"description": "invalid or reused token"}})
def refresh(body: RefreshCreate, context: ContextDep, db: SessionDep) -> TokenPair:
    return accounts.rotate(db, context, refresh_token=body.refresh_token)


@router.post("/signout", status_code=status.HTTP_204_NO_CONTENT)
def sign_out(auth: AuthDep, db: SessionDep) -> Response:
    accounts.revoke_session(db, device_session=auth.device_session, reason="signed-out")
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/verify-email", status_code=status.HTTP_204_NO_CONTENT, responses={400: {"description": "bad link"}})
def verify_email(body: EmailVerify, context: ContextDep, db: SessionDep) -> Response:
    user = accounts.use_one_time_token(db, context, token=body.token, purpose=accounts.VERIFY_EMAIL)
    user.email_verified = True
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/verify-email/resend", status_code=status.HTTP_202_ACCEPTED)
def resend_verification(user: CurrentUser, context: ContextDep, db: SessionDep) -> dict[str, str]:
    if not user.email_verified:
        accounts.send_one_time_link(db, context, user=user, purpose=accounts.VERIFY_EMAIL)
    return {"detail": "if the address is unverified, a new link is on its way"}


@router.post("/password-reset", status_code=status.HTTP_202_ACCEPTED)
def request_password_reset(body: PasswordResetRequest, request: Request, context: ContextDep,
                           db: SessionDep) -> dict[str, str]:
    settings = context.settings
    key = _key("reset", client_address(request))
    if ratelimit.recent_count(db, key=key, window_s=settings.rate_window_s) >= settings.signup_limit:
        raise AccountError(429, "too many reset requests; try again later", retry_after_s=settings.rate_window_s)
    ratelimit.record(db, key=key, window_s=settings.rate_window_s)
    db.commit()
    user = accounts.find_login(db, body.email)
    if user is not None:
        accounts.send_one_time_link(db, context, user=user, purpose=accounts.RESET_PASSWORD)
    # The same answer either way: the endpoint must not reveal which addresses have accounts.
    return {"detail": "if an account uses this address, a reset link is on its way"}


@router.post("/password-reset/confirm", status_code=status.HTTP_204_NO_CONTENT,
             responses={400: {"description": "bad link"}})
def confirm_password_reset(body: PasswordResetConfirm, context: ContextDep, db: SessionDep) -> Response:
    user = accounts.use_one_time_token(db, context, token=body.token, purpose=accounts.RESET_PASSWORD)
    user.email_verified = True  # the link arrived by mail: the address works
    accounts.change_password(db, context, user=user, new_password=body.new_password, keep_session_id=None)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
