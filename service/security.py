"""Passwords, access tokens and hashed secrets.

- Account passwords: argon2id (argon2-cffi), parameters from settings.
- Access tokens: ``<payload>.<signature>``, payload = base64url JSON ``{"sub", "sid", "exp"}``,
  signature = HMAC-SHA256 with the secret key. Short-lived; each use also checks that the
  device session is not revoked, so revocation takes effect at once.
- Refresh tokens, one-time tokens, app passwords, sync cookies: random, stored as SHA-256
  (keyed with the secret key) so a database dump grants nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class TokenError(ValueError):
    """An access token is malformed, forged or expired."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PasswordHashing:
    """argon2id hashing; ``time_cost`` iterations over ``memory_kib`` KiB."""

    def __init__(self, *, time_cost: int, memory_kib: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        # Spent on unknown accounts so that timing does not reveal which e-mail addresses exist.
        self._dummy = self._hasher.hash(secrets.token_hex(16))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._dummy, password) and password_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    session_id: int
    expires_at_s: int


class TokenSigner:
    """Signs and checks access tokens and derives keyed hashes from the service's secret key."""

    def __init__(self, secret_key: str) -> None:
        self._key = hashlib.sha256(b"castwise-access:" + secret_key.encode()).digest()
        self._hash_key = hashlib.sha256(b"castwise-hash:" + secret_key.encode()).digest()

    def issue(self, *, user_id: int, session_id: int, ttl_s: int, now_s: float | None = None) -> str:
        expires = int((time.time() if now_s is None else now_s) + ttl_s)
        payload = b64url(json.dumps({"sub": user_id, "sid": session_id, "exp": expires}, separators=(",", ":")).encode())
        return f"{payload}.{self._sign(payload)}"

    def verify(self, token: str, *, now_s: float | None = None) -> AccessClaims:
        payload, _, signature = token.partition(".")
        if not payload or not signature or not hmac.compare_digest(signature, self._sign(payload)):
            raise TokenError("invalid token")
        try:
            data = json.loads(b64url_decode(payload))
            claims = AccessClaims(int(data["sub"]), int(data["sid"]), int(data["exp"]))
        except (ValueError, KeyError, TypeError):
            raise TokenError("invalid token") from None
        if claims.expires_at_s < (time.time() if now_s is None else now_s):
            raise TokenError("token expired")
        return claims

    def keyed_hash(self, value: str) -> str:
        """Hex SHA-256 HMAC of ``value``: how random tokens are stored and looked up."""
        return hmac.new(self._hash_key, value.encode(), hashlib.sha256).hexdigest()

    def _sign(self, payload: str) -> str:
        return b64url(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
