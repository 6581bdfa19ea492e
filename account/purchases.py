"""Restore purchases: sign in, fetch and verify the entitlement list, subscribe the private feeds.

:class:`Purchases` ties the signed entitlement list (:mod:`account.entitlements`) to the library's
premium podcasts (:mod:`account.premium`). It is what ``castwise account restore`` runs and what
the live account stream (:mod:`account.live`) calls on every grant or revocation.
"""

from __future__ import annotations

from account.client import ServiceClient
from account.entitlements import EntitlementStore, KeyPins, VerifiedEntitlements
from account.errors import EntitlementVerificationError
from account.premium import PremiumFeeds, RestoreReport
from library.db.engine import Library
from library.paths import Paths
from library.subscriptions import Subscriptions


class Purchases:
    """The signed-in account's purchases on this machine."""

    def __init__(self, client: ServiceClient, library: Library, subscriptions: Subscriptions, paths: Paths) -> None:
        self.client = client
        self.entitlements = EntitlementStore(client, pins=KeyPins(paths.data / "account" / "pinned-keys.json"),
                                             secrets=subscriptions.secrets)
        self.premium = PremiumFeeds(library, subscriptions, service_url=client.service_url,
                                    state_path=paths.data / "account.sqlite3")
        self._account_id: int | None = None

    def _check_owner(self, verified: VerifiedEntitlements) -> None:
        """A correctly signed list for *another* account (replayed) is refused too."""
        if self._account_id is None:
            self._account_id = self.client.me().id
        if verified.entitlements.account_id != self._account_id:
            raise EntitlementVerificationError("The entitlement list belongs to another account; refusing it.")

    def restore(self, *, reasons: dict[int, str] | None = None, readd_removed: bool = True) -> RestoreReport:
        """Fetch and verify the current list, then subscribe, keep or revoke premium feeds
        (``readd_removed``: see :meth:`account.premium.PremiumFeeds.apply`).

        Raises the client's errors and :class:`EntitlementVerificationError` (nothing changed).
        """
        verified = self.entitlements.fetch()
        self._check_owner(verified)
        return self.premium.apply(verified.entitlements, reasons=reasons, readd_removed=readd_removed)
