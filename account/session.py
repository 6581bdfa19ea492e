"""The signed-in session of this machine, kept in the OS keyring (never in a file or a log).

One session per service address: the keyring entry ``account:<service URL>`` holds JSON with the
access token, the single-use refresh token, when the access token expires (seconds since the
epoch, by this machine's clock) and the service's session id.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, replace

from library.secrets import SecretStore

KEY_PREFIX = "account:"
ENTITLEMENTS_PREFIX = "entitlements:"
"""The cached signed entitlement list (it holds private feed URLs, hence the keyring)."""
SYNC_PREFIX = "sync:"
"""The gpodder app password of this device."""
ACCOUNT_PREFIXES = (KEY_PREFIX, ENTITLEMENTS_PREFIX, SYNC_PREFIX)
"""Every keyring entry that belongs to the signed-in account (forgotten at sign-out)."""


@dataclass(frozen=True)
class StoredSession:
    """Tokens of one signed-in device. ``access_expires_at_s`` is an epoch time in seconds."""

    service_url: str
    login: str
    access_token: str
    refresh_token: str
    access_expires_at_s: float
    session_id: int
    account_id: int | None = None
    """The account's id on the service (what queued votes and comments are filed under)."""

    def expires_within(self, seconds: float, *, now_s: float | None = None) -> bool:
        """True when the access token expires in less than ``seconds`` from now."""
        return self.access_expires_at_s - (time.time() if now_s is None else now_s) < seconds

    def rotated(self, *, access_token: str, refresh_token: str, expires_in_s: int, session_id: int) -> StoredSession:
        return replace(self, access_token=access_token, refresh_token=refresh_token,
                       access_expires_at_s=time.time() + expires_in_s, session_id=session_id)


class SessionStore:
    """Reads and writes :class:`StoredSession` in the keyring through :class:`SecretStore`.

    The last session read or written is remembered, so ordinary requests do not each cost a
    keyring round trip; ``load(fresh=True)`` reads the keyring again (before a refresh, when
    another process may have rotated the tokens).
    """

    def __init__(self, secrets: SecretStore) -> None:
        self.secrets = secrets
        self._remembered: dict[str, StoredSession | None] = {}

    @staticmethod
    def key(service_url: str) -> str:
        return KEY_PREFIX + service_url

    def load(self, service_url: str, *, fresh: bool = False) -> StoredSession | None:
        """The stored session for ``service_url``, or ``None`` (also for an unreadable entry)."""
        if not fresh and service_url in self._remembered:
            return self._remembered[service_url]
        session = self._read(service_url)
        self._remembered[service_url] = session
        return session

    def _read(self, service_url: str) -> StoredSession | None:
        text = self.secrets.get(self.key(service_url))
        if not text:
            return None
        try:
            data = json.loads(text)
            return StoredSession(service_url=str(data["service_url"]), login=str(data["login"]),
                                 access_token=str(data["access_token"]), refresh_token=str(data["refresh_token"]),
                                 access_expires_at_s=float(data["access_expires_at_s"]),
                                 session_id=int(data["session_id"]),
                                 account_id=int(data["account_id"]) if data.get("account_id") is not None else None)
        except (ValueError, KeyError, TypeError):
            return None

    def save(self, session: StoredSession) -> None:
        self.secrets.set(self.key(session.service_url), json.dumps(asdict(session)))
        self._remembered[session.service_url] = session

    def forget(self, service_url: str) -> None:
        self._remembered[service_url] = None
        self.secrets.delete(self.key(service_url))

    def forget_account(self, service_url: str) -> None:
        """Forget the session and everything else the account left in the keyring (the cached
        entitlement list, the sync app password). Premium feeds already subscribed keep their
        own keyring entries until their access ends."""
        self._remembered[service_url] = None
        for prefix in ACCOUNT_PREFIXES:
            self.secrets.delete(prefix + service_url)
