"""Wire types of Castwise accounts: sign-up, sign-in, tokens, device sessions, app passwords.

Names follow the ``XCreate`` (what a client sends) / ``XPublic`` (what the service answers)
convention. Every request model forbids unknown fields, so a typo is a clear 422, never ignored.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from protocol.requests import RequestModel

USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,38}[A-Za-z0-9]$"
"""Usernames double as gpodder.net user names, which appear in URL paths."""


class _Request(RequestModel):
    """Request bodies of this module (see :class:`protocol.requests.RequestModel`)."""


class UserCreate(_Request):
    """Sign-up. ``password`` is at least 10 characters; the e-mail address must be verified later."""

    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    username: str = Field(pattern=USERNAME_PATTERN)
    password: str = Field(min_length=10, max_length=256)


class UserPublic(BaseModel):
    id: int
    email: str
    username: str
    email_verified: bool
    is_admin: bool
    created_at: datetime


class SignIn(_Request):
    """Sign-in with e-mail address (or username) and password; ``device_name`` labels the session."""

    login: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=256)
    device_name: str = Field(default="unnamed device", min_length=1, max_length=100)


class TokenPair(BaseModel):
    """A short-lived bearer access token and a single-use refresh token.

    ``expires_in_s`` is the access token's lifetime in seconds. Presenting a refresh token twice
    revokes its whole session (someone copied it).
    """

    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in_s: int
    session_id: int


class RefreshCreate(_Request):
    refresh_token: str = Field(min_length=10, max_length=512)


class SessionPublic(BaseModel):
    """One signed-in device. ``current`` marks the session the request came from."""

    id: int
    device_name: str
    created_at: datetime
    last_used_at: datetime
    current: bool


class PasswordChange(_Request):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=10, max_length=256)


class EmailVerify(_Request):
    token: str = Field(min_length=10, max_length=512)


class PasswordResetRequest(_Request):
    email: str = Field(min_length=3, max_length=254)


class PasswordResetConfirm(_Request):
    token: str = Field(min_length=10, max_length=512)
    new_password: str = Field(min_length=10, max_length=256)


class AccountDelete(_Request):
    password: str = Field(min_length=1, max_length=256)


class AppPasswordCreate(_Request):
    """A password for gpodder.net-compatible sync clients (AntennaPod, gPodder, Kasts)."""

    name: str = Field(min_length=1, max_length=100)


class AppPasswordPublic(BaseModel):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


class AppPasswordCreated(AppPasswordPublic):
    """Returned once at creation: ``password`` is never shown again."""

    password: str


class Message(BaseModel):
    detail: str
