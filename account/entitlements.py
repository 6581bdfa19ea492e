"""The signed entitlement list: fetched from the service, verified against a pinned Ed25519 key,
and cached for offline use.

The service signs the canonical JSON of its list with Ed25519 and publishes the public half at
``/.well-known/castwise-entitlements-key``. This client pins that key the first time it meets
the service (trust on first use) and from then on accepts only lists signed by it: a list
changed in transit or in the cache, or a service suddenly presenting another key, is refused
with :class:`EntitlementVerificationError`.

The cached copy holds private feed URLs, so it lives in the keyring, not in a file; the pinned
key is public and lives in ``<data>/account/pinned-keys.json``.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError

from account.client import ServiceClient
from account.errors import EntitlementVerificationError, ServiceUnavailableError
from account.session import ENTITLEMENTS_PREFIX as CACHE_PREFIX
from library.secrets import SecretStore
from protocol.store import EntitlementList, PublicKeyPublic, SignedEntitlements

log = logging.getLogger(__name__)

WELL_KNOWN_KEY = "/.well-known/castwise-entitlements-key"


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class VerifiedEntitlements:
    """An entitlement list whose signature checked out; ``offline`` when it came from the cache."""

    entitlements: EntitlementList
    signed: SignedEntitlements
    offline: bool = False


class KeyPins:
    """Pinned public keys, one per service address, in a small JSON file (public data)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            raise EntitlementVerificationError(f"The pinned service keys in {self.path} cannot be read: {error}") \
                from None
        return data if isinstance(data, dict) else {}

    def get(self, service_url: str) -> PublicKeyPublic | None:
        entry = self._read().get(service_url)
        try:
            return PublicKeyPublic.model_validate(entry) if entry else None
        except ValidationError:
            return None

    def pin(self, service_url: str, key: PublicKeyPublic) -> None:
        pins = self._read()
        pins[service_url] = key.model_dump()
        self._write(pins)

    def forget(self, service_url: str) -> None:
        """Drop the pin (after the operator announced a key change): the next fetch pins anew."""
        pins = self._read()
        if pins.pop(service_url, None) is not None:
            self._write(pins)

    def _write(self, pins: dict[str, dict[str, str]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(pins, indent=2, sort_keys=True), encoding="utf-8")
        temporary.replace(self.path)


def verify(signed: SignedEntitlements, key: PublicKeyPublic) -> EntitlementList:
    """The list inside ``signed`` when its Ed25519 signature verifies against ``key``.

    Raises :class:`EntitlementVerificationError` for another key id, a bad signature or a payload
    that is not an entitlement list.
    """
    if signed.algorithm != "Ed25519" or key.algorithm != "Ed25519":
        raise EntitlementVerificationError("The entitlement list is not signed with Ed25519.")
    if signed.key_id != key.key_id:
        raise EntitlementVerificationError(
            f"The entitlement list is signed with key {signed.key_id}, not the pinned key {key.key_id}; "
            "refusing it.")
    try:
        public = Ed25519PublicKey.from_public_bytes(_b64url_decode(key.public_key))
        public.verify(_b64url_decode(signed.signature), signed.payload.encode("utf-8"))
    except (InvalidSignature, ValueError):
        raise EntitlementVerificationError(
            "The entitlement list does not match its signature: it was altered after the service signed it. "
            "Nothing was changed.") from None
    try:
        return EntitlementList.model_validate_json(signed.payload)
    except ValidationError:
        raise EntitlementVerificationError("The signed entitlement list is not in the expected format.") from None


class EntitlementStore:
    """Fetches, verifies and caches the signed-in account's entitlements."""

    def __init__(self, client: ServiceClient, *, pins: KeyPins, secrets: SecretStore | None = None) -> None:
        self.client = client
        self.pins = pins
        self.secrets = secrets if secrets is not None else client.sessions.secrets

    @property
    def _cache_key(self) -> str:
        return CACHE_PREFIX + self.client.service_url

    def pinned_key(self) -> PublicKeyPublic:
        """The pinned key of this service, fetching and pinning it on first use."""
        key = self.pins.get(self.client.service_url)
        if key is not None:
            return key
        response = self.client.send("GET", WELL_KNOWN_KEY)
        self.client.check(response)
        try:
            key = PublicKeyPublic.model_validate(response.json())
        except (ValidationError, ValueError):
            raise EntitlementVerificationError("The service's public key is not in the expected format.") from None
        self.pins.pin(self.client.service_url, key)
        log.info("pinned entitlement key %s of %s", key.key_id, self.client.service_url)
        return key

    def fetch(self) -> VerifiedEntitlements:
        """The current list from the service, verified, then cached (in the keyring).

        Raises :class:`EntitlementVerificationError` (nothing cached) when it does not verify or
        is older than the cached one (a replay), plus the client's errors (not signed in,
        unreachable...).
        """
        key = self.pinned_key()
        body = self.client.call("GET", "/api/v1/entitlements")
        try:
            signed = SignedEntitlements.model_validate(body)
        except ValidationError:
            raise EntitlementVerificationError("The service sent an entitlement list in an unknown format.") \
                from None
        entitlements = verify(signed, key)
        try:
            previous = self.cached()
        except EntitlementVerificationError:
            previous = None  # a damaged cache is replaced by the fresh, verified list
        if previous is not None and entitlements.issued_at < previous.entitlements.issued_at:
            # Correctly signed but older than one already seen: someone replays a list from
            # before a purchase or a refund.
            raise EntitlementVerificationError(
                "The service sent an entitlement list older than the one already here; refusing it.")
        self.secrets.set(self._cache_key, signed.model_dump_json())
        return VerifiedEntitlements(entitlements, signed)

    def cached(self) -> VerifiedEntitlements | None:
        """The last verified list, checked again against the pinned key (offline), or ``None``.

        Raises :class:`EntitlementVerificationError` when the cached copy was altered.
        """
        text = self.secrets.get(self._cache_key)
        key = self.pins.get(self.client.service_url)
        if not text or key is None:
            return None
        try:
            signed = SignedEntitlements.model_validate_json(text)
        except ValidationError:
            raise EntitlementVerificationError("The cached entitlement list is damaged.") from None
        return VerifiedEntitlements(verify(signed, key), signed, offline=True)

    def current(self) -> VerifiedEntitlements:
        """:meth:`fetch`, falling back to :meth:`cached` when the service cannot be reached."""
        try:
            return self.fetch()
        except ServiceUnavailableError:
            cached = self.cached()
            if cached is None:
                raise
            return cached

    def forget(self) -> None:
        """Drop the cached list (signing out)."""
        self.secrets.delete(self._cache_key)

