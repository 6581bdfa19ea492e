"""Typed errors of the account client. ``str(error)`` is a message a listener can read.

They follow :mod:`library.errors`: an unreachable service is *temporary*, a wrong password is
*bad input*, an expired or revoked session is *auth-required*, a tampered entitlement list is
*fatal* (something between us and the service is lying).
"""

from __future__ import annotations

from library.errors import CastwiseError, ErrorKind


class AccountError(CastwiseError):
    """Base of the account client's errors."""


class ServiceAddressError(AccountError):
    """No Castwise service address is configured, or the configured one is not a URL."""

    kind = ErrorKind.BAD_INPUT


class ServiceUnavailableError(AccountError):
    """The service could not be reached or answered 5xx; worth retrying later."""

    kind = ErrorKind.TEMPORARY


class WrongCredentialsError(AccountError):
    """The e-mail address (or username) and password do not match an account."""

    kind = ErrorKind.BAD_INPUT


class NotSignedInError(AccountError):
    """This machine holds no session for the service; sign in first."""

    kind = ErrorKind.AUTH_REQUIRED


class SessionExpiredError(AccountError):
    """The session ended (signed out elsewhere, revoked, expired); sign in again."""

    kind = ErrorKind.AUTH_REQUIRED


class RequestRefusedError(AccountError):
    """The service refused a request (4xx other than 401); ``status`` is the HTTP status."""

    kind = ErrorKind.BAD_INPUT

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class AccountExistsError(RequestRefusedError):
    """Sign-up: the e-mail address or the username already has an account (HTTP 409)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status=409)


class SignUpDetailsError(RequestRefusedError):
    """Sign-up: the new account's details are not acceptable (HTTP 422, or refused before sending).

    ``field`` names the first problem: ``email``, ``username`` or ``password`` (``None`` when the
    service did not say)."""

    def __init__(self, message: str, *, field: str | None) -> None:
        super().__init__(message, status=422)
        self.field = field


class RateLimitedError(RequestRefusedError):
    """Too many attempts; ``retry_after_s`` says when to try again (seconds), when the service said."""

    kind = ErrorKind.TEMPORARY

    def __init__(self, message: str, *, retry_after_s: int | None) -> None:
        super().__init__(message, status=429)
        self.retry_after_s = retry_after_s


class EntitlementVerificationError(AccountError):
    """The entitlement list's signature does not verify against the pinned key (tampering), or
    the service now presents a different key than the one pinned."""

    kind = ErrorKind.FATAL
