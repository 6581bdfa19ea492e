"""Ed25519 signing of entitlement lists, and HMAC-signed per-listener URLs.

The Ed25519 private key lives in ``data_dir/entitlement_signing_key.pem`` (created on first
start, mode 0600); clients pin the public half from ``/.well-known/castwise-entitlements-key``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from service.security import b64url


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8: the exact bytes a signature covers."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


class EntitlementSigner:
    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_key_b64 = b64url(raw)
        self.key_id = hashlib.sha256(raw).hexdigest()[:16]

    @classmethod
    def load_or_create(cls, path: Path) -> EntitlementSigner:
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{path} does not hold an Ed25519 key")
            return cls(key)
        key = Ed25519PrivateKey.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        return cls(key)

    def sign(self, payload: str) -> str:
        return b64url(self._private_key.sign(payload.encode("utf-8")))


class UrlSigner:
    """Per-listener secrets for private feed URLs and expiring media URLs.

    A feed token mixes the listener's ``feed_secret``; a media signature covers listener,
    episode and expiry (seconds since the epoch). Both are checked against live entitlements
    on every request, so revocation stops them at once.
    """

    def __init__(self, secret_key: str) -> None:
        self._key = hashlib.sha256(b"castwise-urls:" + secret_key.encode()).digest()

    def feed_token(self, *, user_id: int, show_id: int, feed_secret: str) -> str:
        return self._mac(f"feed:{user_id}:{show_id}:{feed_secret}")[:43]

    def media_signature(self, *, user_id: int, episode_id: int, expires_s: int, feed_secret: str) -> str:
        return self._mac(f"media:{user_id}:{episode_id}:{expires_s}:{feed_secret}")[:43]

    @staticmethod
    def matches(expected: str, given: str) -> bool:
        return hmac.compare_digest(expected.encode(), given.encode())

    def _mac(self, message: str) -> str:
        return b64url(hmac.new(self._key, message.encode(), hashlib.sha256).digest())
