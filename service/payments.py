"""Payment providers behind one interface, and the built-in test provider.

The flow is Stripe Checkout's: the service asks the provider for a checkout session (a
reference and a URL to send the listener's browser to); the provider later calls the service's
webhook with signed events. The test provider's webhook signature has Stripe's shape:
header ``Castwise-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">``. An event
is accepted only with a valid signature, a timestamp within the tolerance, and an id not seen
before (the last is enforced by the database).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Protocol

SIGNATURE_HEADER = "Castwise-Signature"
TOLERANCE_S = 300

CHECKOUT_COMPLETED = "checkout.session.completed"
CHECKOUT_EXPIRED = "checkout.session.expired"
CHARGE_REFUNDED = "charge.refunded"
DISPUTE_CREATED = "charge.dispute.created"
EVENT_TYPES = frozenset({CHECKOUT_COMPLETED, CHECKOUT_EXPIRED, CHARGE_REFUNDED, DISPUTE_CREATED})


class WebhookRejected(ValueError):
    """The webhook is unsigned, forged, stale or malformed; nothing was applied."""


@dataclass(frozen=True)
class CheckoutSession:
    reference: str
    """The provider's id for the checkout; purchases are looked up by it."""
    url: str


@dataclass(frozen=True)
class PaymentEvent:
    event_id: str
    type: str
    reference: str


class PaymentProvider(Protocol):
    name: str

    def create_checkout(self, *, amount_cents: int, currency: str, description: str) -> CheckoutSession: ...

    def parse_webhook(self, body: bytes, headers: dict[str, str], *, now_s: float | None = None) -> PaymentEvent:
        """Verify and decode one webhook delivery or raise :class:`WebhookRejected`."""


class TestPaymentProvider:
    """Development and test payments: checkout pages served by the service itself."""

    name = "test"

    def __init__(self, *, secret: str, public_url: str) -> None:
        self._secret = secret.encode()
        self._public_url = public_url.rstrip("/")

    def create_checkout(self, *, amount_cents: int, currency: str, description: str) -> CheckoutSession:
        reference = "cs_test_" + secrets.token_hex(12)
        return CheckoutSession(reference=reference, url=f"{self._public_url}/test-provider/checkout/{reference}")

    def build_event(self, *, event_type: str, reference: str, now_s: float | None = None) -> tuple[bytes, dict[str, str]]:
        """A signed delivery as the provider would send it (body, headers)."""
        body = json.dumps({"id": "evt_" + secrets.token_hex(12), "type": event_type,
                           "data": {"object": {"id": reference}}}).encode()
        return body, {SIGNATURE_HEADER: self.sign(body, now_s=now_s)}

    def sign(self, body: bytes, *, now_s: float | None = None) -> str:
        timestamp = int(time.time() if now_s is None else now_s)
        digest = hmac.new(self._secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        return f"t={timestamp},v1={digest}"

    def parse_webhook(self, body: bytes, headers: dict[str, str], *, now_s: float | None = None) -> PaymentEvent:
        header = next((value for key, value in headers.items() if key.lower() == SIGNATURE_HEADER.lower()), "")
        fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
        try:
            timestamp = int(fields.get("t", ""))
        except ValueError:
            raise WebhookRejected("missing or malformed signature") from None
        expected = hmac.new(self._secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, fields.get("v1", "")):
            raise WebhookRejected("bad signature")
        if abs((time.time() if now_s is None else now_s) - timestamp) > TOLERANCE_S:
            raise WebhookRejected("stale webhook")
        try:
            data = json.loads(body)
            event = PaymentEvent(str(data["id"]), str(data["type"]), str(data["data"]["object"]["id"]))
        except (ValueError, KeyError, TypeError):
            raise WebhookRejected("malformed event") from None
        if event.type not in EVENT_TYPES:
            raise WebhookRejected("unknown event type")
        return event
