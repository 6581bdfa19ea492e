"""Names and payloads of the service's live events (server-sent events).

An SSE message carries ``event: <name>`` and ``data: <payload JSON>``. Clients ignore names they
do not know, so new events can be added without breaking them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from pydantic import BaseModel

ENTITLEMENT_GRANTED: Final = "entitlement.granted"
ENTITLEMENT_REVOKED: Final = "entitlement.revoked"
KEEPALIVE: Final = "keepalive"

ACCOUNT_EVENTS: Final = (ENTITLEMENT_GRANTED, ENTITLEMENT_REVOKED)


class EntitlementEvent(BaseModel):
    """Payload of ``entitlement.granted`` / ``entitlement.revoked``; re-fetch the signed list."""

    entitlement_id: int
    show_id: int
    episode_id: int | None
    at: datetime
    reason: str
