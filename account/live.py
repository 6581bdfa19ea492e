"""The per-account live stream: grants and revocations applied the moment they happen.

The service announces ``entitlement.granted`` / ``entitlement.revoked`` on ``/api/v1/events``.
Each announcement only says *that* something changed; the truth is the signed list, so every
event (and every (re)connection, which may have missed some) re-fetches and verifies it and
applies it through :class:`account.purchases.Purchases`: a new purchase is subscribed, a refunded
show stops refreshing and is marked at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from pydantic import ValidationError

from account.errors import AccountError
from account.premium import RestoreReport
from account.purchases import Purchases
from account.sse import LiveStream, ServerEvent
from library.errors import CastwiseError
from protocol.events import ENTITLEMENT_GRANTED, ENTITLEMENT_REVOKED, EntitlementEvent

log = logging.getLogger(__name__)

EVENTS_PATH = "/api/v1/events"


class AccountLive:
    """Keeps this machine's premium shows in step with the account while it runs.

    ``on_applied(report)`` is called (on the stream's thread) after each list was applied;
    ``on_error(error)`` when the stream stopped for good (signed out, say) or applying failed;
    ``on_connected()`` after each (re)connection, before catching up: the service is reachable.
    """

    def __init__(self, purchases: Purchases, *, on_applied: Callable[[RestoreReport], None] | None = None,
                 on_error: Callable[[CastwiseError], None] | None = None,
                 on_connected: Callable[[], None] | None = None) -> None:
        self.purchases = purchases
        self.on_applied = on_applied
        self.on_error = on_error
        self.on_connected = on_connected
        self._apply_lock = threading.Lock()
        self.stream = LiveStream(purchases.client, EVENTS_PATH, on_event=self._on_stream_event,
                                 on_connected=self._on_stream_connected, on_error=self._on_stream_error,
                                 name="castwise-account-live")

    def start(self) -> AccountLive:
        self.stream.start()
        return self

    def stop(self) -> None:
        self.stream.stop()

    def _apply(self, reasons: dict[int, str] | None = None) -> None:
        with self._apply_lock:  # one restore at a time, in the order the events came
            try:
                report = self.purchases.restore(reasons=reasons, readd_removed=False)
            except CastwiseError as error:  # unreachable, tampered list, locked keyring...
                log.warning("applying entitlements failed: %s", error)
                if self.on_error is not None:
                    self.on_error(error)
                return
        if self.on_applied is not None:
            self.on_applied(report)

    def _on_stream_connected(self) -> None:
        if self.on_connected is not None:
            self.on_connected()
        self._apply()  # catch up with whatever changed while we were not listening

    def _on_stream_event(self, event: ServerEvent) -> None:
        if event.name not in (ENTITLEMENT_GRANTED, ENTITLEMENT_REVOKED):
            return  # keep-alives, and events a newer service adds
        reasons: dict[int, str] = {}
        try:
            payload = EntitlementEvent.model_validate_json(event.data)
            if event.name == ENTITLEMENT_REVOKED:
                reasons[payload.show_id] = payload.reason
        except ValidationError:
            log.warning("an entitlement event in an unknown format; re-fetching the list anyway")
        self._apply(reasons)

    def _on_stream_error(self, error: AccountError) -> None:
        if self.on_error is not None:
            self.on_error(error)
