"""The Castwise account for the window: sign in, create an account, sign out, list purchases and
restore them, list the signed-in devices and sign one out, and sync subscriptions and progress
with the listener's other devices, as Qt signals.

While signed in, the account's live stream (:class:`account.live.AccountLive`) applies purchases
and refunds the moment they happen: a show bought elsewhere subscribes itself through its private
feed, a refunded one stops and the Purchases list says its access ended. "Restore purchases" also
brings back premium shows the listener had unsubscribed from.

Every call that may touch the service or the keyring runs on the :class:`~app.tasks.TaskRunner`;
results come back as signals on the GUI thread. Failures become one sentence the listener can read
(translated), never a traceback: a wrong password, an unreachable service and too many attempts
each say what to do. The service address is ``$CASTWISE_SERVICE_URL`` or the Settings page's
"Castwise service address", read again for each call, so a changed address takes effect at once.

This module imports the account client at load time; the window imports it only when the
listener first needs the account (see :mod:`app.interactive_link`).
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from sqlalchemy import select

from account.client import ServiceClient
from account.config import service_url
from account.errors import (
    AccountExistsError,
    NotSignedInError,
    RateLimitedError,
    RequestRefusedError,
    ServiceAddressError,
    ServiceUnavailableError,
    SessionExpiredError,
    SignUpDetailsError,
    WrongCredentialsError,
)
from account.live import AccountLive
from account.premium import ACTIVE, REVOKED, RestoreReport
from account.purchases import Purchases
from account.sync import GpodderSync, SyncReport
from app.tasks import TaskRunner
from interactive.outbox import OUTBOX_FILE, Outbox
from library.db import Library
from library.db.models import Podcast
from library.errors import CastwiseError
from library.paths import Paths
from library.redact import redact_text
from library.secrets import SecretStore
from protocol.accounts import SessionPublic

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccountStatus:
    """Who is signed in to which service. ``username``/``email`` are ``None`` while the service
    cannot be reached (the session is still there; it was opened earlier)."""

    service_url: str
    account_id: int | None
    login: str
    username: str | None = None
    email: str | None = None
    waiting_actions: int = 0
    """Votes, answers, comments and reports stored here and not yet delivered."""

    @property
    def display_name(self) -> str:
        if self.username and self.email:
            return f"{self.username} <{self.email}>"
        return self.username or self.login


@dataclass(frozen=True)
class PurchaseRow:
    """One premium show as the Purchases list shows it (no private address in here).

    ``state``: ``subscribed`` (restored on this computer), ``available`` (bought, not restored
    here yet) or ``ended`` (refunded or revoked: access ended, with ``reason``)."""

    show_id: int
    title: str
    state: str
    reason: str | None = None
    episode_only: bool = False


class AccountAdapter(QObject):
    """The account on this computer; see the module docstring.

    ``subscriptions`` is the library's subscription service (premium feeds subscribe through it);
    ``secrets`` the keyring the tokens and private addresses go to.
    """

    status_changed = Signal(object)
    """An :class:`AccountStatus`, or ``None`` once signed out (also after the first check)."""
    error_occurred = Signal(str)
    """A sentence for the listener (wrong password, unreachable, rate limited...)."""
    purchases_changed = Signal(list)
    """The Purchases list: :class:`PurchaseRow` items."""
    restore_finished = Signal(str)
    """What "Restore purchases" did, in words."""
    library_changed = Signal()
    """Premium shows were added or revoked: the library's lists need reloading."""
    busy_changed = Signal(bool)
    access_ended = Signal(str)
    """A premium show's access ended while the app ran (refund, chargeback): its title."""
    devices_changed = Signal(list)
    """The account's signed-in devices (:class:`protocol.accounts.SessionPublic`)."""
    sync_finished = Signal(str)
    """What "Sync now" did, in words."""
    service_reached = Signal()
    """The account's live stream (re)connected: the service answers again (after an outage)."""

    _live_applied = Signal(object)  # the live stream's thread -> GUI thread
    _live_connected = Signal()

    def __init__(self, *, library: Library, paths: Paths, subscriptions: Any, tasks: TaskRunner,
                 secrets: SecretStore | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._paths = paths
        self._subscriptions = subscriptions
        self._tasks = tasks
        self._secrets = secrets
        self._lock = threading.Lock()
        self._client: ServiceClient | None = None
        self._purchases: Purchases | None = None
        self._busy = 0
        self._live: AccountLive | None = None
        self.follow_live = True
        """Keep purchases in step with the account's live stream while signed in."""
        self.status: AccountStatus | None = None
        self.last_service_url: str | None = None
        self._live_applied.connect(self._on_live_applied)
        self._live_connected.connect(self.service_reached)

    @property
    def busy(self) -> bool:
        """Whether an account action is under way (the dialog's buttons wait meanwhile)."""
        return self._busy > 0

    # -- the client (any thread) --------------------------------------------------------------------
    def client(self) -> ServiceClient:
        """The client of the configured service (a new one when the address changed).

        Raises :class:`ServiceAddressError` when no address is set."""
        url = service_url(self._library)
        with self._lock:
            self.last_service_url = url
            if self._client is None or self._client.service_url != url:
                if self._client is not None:
                    self._client.close()
                secrets = self._secrets if self._secrets is not None else self._subscriptions.secrets
                self._client = ServiceClient(url, secrets=secrets, lock_file=self._paths.data / "account.lock")
                self._purchases = None
            return self._client

    def purchases(self) -> Purchases:
        client = self.client()
        with self._lock:
            if self._purchases is None or self._purchases.client is not client:
                self._purchases = _SerialPurchases(client, self._library, self._subscriptions, self._paths)
            return self._purchases

    def close(self) -> None:
        self._stop_live(wait=True)
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def describe(self, error: BaseException) -> str:
        """A sentence for the listener about ``error`` (translated where its kind is known)."""
        if isinstance(error, WrongCredentialsError):
            return self.tr("Wrong e-mail address or password.")
        if isinstance(error, RateLimitedError):
            if error.retry_after_s:
                minutes = max(1, round(error.retry_after_s / 60))
                return self.tr("Too many attempts. Try again in {minutes} minutes.").format(minutes=minutes)
            return self.tr("Too many attempts. Try again later.")
        if isinstance(error, ServiceUnavailableError):
            where = self.last_service_url or "?"
            return self.tr("The Castwise service at {url} cannot be reached. Check the address in Settings and your connection.").format(url=where)
        if isinstance(error, ServiceAddressError):
            return self.tr("No Castwise service address is set. Enter it in Settings (Castwise service address).")
        if isinstance(error, NotSignedInError | SessionExpiredError):
            return self.tr("You are signed out. Sign in to your Castwise account again.")
        if isinstance(error, SignUpDetailsError):
            rules = {
                "email": self.tr("Enter a valid e-mail address."),
                "username": self.tr("A username is 3 to 40 letters, digits, '.', '-' or '_', starting and ending with a letter or digit."),
                "password": self.tr("A password needs at least 10 characters."),
            }
            return rules.get(error.field or "", self.tr("Check the form: a valid e-mail address, a username of letters, digits, - or _, and a password of at least 10 characters."))
        if isinstance(error, AccountExistsError):
            return self.tr("That e-mail address or username already has an account. Sign in instead.")
        if isinstance(error, RequestRefusedError):
            return self.tr("The service refused: {detail}").format(detail=redact_text(error.message))
        if isinstance(error, CastwiseError):
            return redact_text(error.message)
        log.warning("account task failed", exc_info=error)
        return self.tr("Something went wrong ({name}). Report a problem if it keeps happening.").format(
            name=type(error).__name__)

    # -- commands (GUI thread) -----------------------------------------------------------------------
    def check_status(self) -> None:
        """Find out whether this computer is signed in (keyring, then the service)."""
        self._run(self._status_job, on_result=self._on_status_loaded)

    def sign_in(self, login: str, password: str) -> None:
        """Sign in with an e-mail address (or username) and password; the password is kept nowhere."""
        def job() -> AccountStatus | None:
            self.client().sign_in(login.strip(), password, device_name=_device_name())
            return self._status_job()

        self._run(job, on_result=self._on_status_loaded)

    def sign_up(self, email: str, username: str, password: str) -> None:
        """Create an account on the service (:meth:`account.client.ServiceClient.sign_up`), then
        sign in with it."""
        def job() -> AccountStatus | None:
            client = self.client()
            client.sign_up(email, username, password)
            client.sign_in(email.strip(), password, device_name=_device_name())
            return self._status_job()

        self._run(job, on_result=self._on_status_loaded)

    def sign_out(self) -> None:
        def job() -> None:
            self.client().sign_out()

        self._run(job, on_result=lambda _none: self._on_status_loaded(None))

    def load_purchases(self) -> None:
        """Fill the Purchases list from the signed entitlement list (or its verified offline copy)."""
        self._run(self._purchases_job, on_result=self.purchases_changed.emit)

    def restore_purchases(self) -> None:
        """Subscribe every premium show bought (through its private feed), revoke ended ones."""
        def job() -> tuple[RestoreReport, list[PurchaseRow]]:
            report = self.purchases().restore()
            return report, self._purchases_job()

        self._run(job, on_result=self._on_restore_finished)

    def load_devices(self) -> None:
        """Fill the Devices list: every signed-in device of the account (this one marked)."""
        self._run(lambda: self.client().device_sessions(), on_result=self.devices_changed.emit)

    def sign_out_device(self, session_id: int) -> None:
        """Sign out another device (its session ends at once), then re-read the list."""
        def job() -> list[SessionPublic]:
            client = self.client()
            client.revoke_session(session_id)
            return client.device_sessions()

        self._run(job, on_result=self.devices_changed.emit)

    def sync_now(self) -> None:
        """Sync subscriptions and listening progress with the account's other devices (private
        feeds never leave this computer)."""
        def job() -> SyncReport:
            sync = GpodderSync(self.client(), self._library, self._subscriptions,
                               state_path=self._paths.data / "account.sqlite3",
                               device_name=socket.gethostname() or "Castwise")
            return sync.run()

        self._run(job, on_result=self._on_sync_finished)

    # -- jobs (worker threads) -----------------------------------------------------------------------
    def _status_job(self) -> AccountStatus | None:
        client = self.client()
        stored = client.session
        if stored is None:
            return None
        waiting = self._waiting_actions(client.service_url, stored.account_id)
        status = AccountStatus(client.service_url, stored.account_id, stored.login, waiting_actions=waiting)
        try:
            user = client.me()
        except ServiceUnavailableError:
            return status  # offline: still signed in, details when the service is back
        except (NotSignedInError, SessionExpiredError):
            return None
        return AccountStatus(client.service_url, user.id, stored.login, user.username, user.email, waiting)

    def _waiting_actions(self, service_url: str, account_id: int | None) -> int:
        outbox_path = self._paths.data / OUTBOX_FILE
        if account_id is None or not outbox_path.exists():
            return 0
        with Outbox(outbox_path, service_url=service_url, account_id=account_id) as outbox:
            return len(outbox.items("pending"))

    def _purchases_job(self) -> list[PurchaseRow]:
        purchases = self.purchases()
        verified = purchases.entitlements.current()
        local = {feed.show_id: feed for feed in purchases.premium.feeds()}
        with self._library.session() as db:
            in_library = set(db.scalars(select(Podcast.id)))
        rows: list[PurchaseRow] = []
        seen: set[int] = set()
        for item in verified.entitlements.entitlements:
            if item.show_id in seen:
                continue
            seen.add(item.show_id)
            feed = local.get(item.show_id)
            here = feed is not None and feed.state == ACTIVE and feed.podcast_id in in_library
            state = "subscribed" if here else "available"
            rows.append(PurchaseRow(item.show_id, item.show_title, state, episode_only=item.episode_id is not None))
        for show_id, feed in local.items():
            if show_id in seen:
                continue
            # Restored here once, no longer in the signed list: refunded or revoked.
            reason = feed.reason if feed.state == REVOKED else None
            rows.append(PurchaseRow(show_id, feed.show_title, "ended", reason or self.tr("no longer among your purchases")))
        return rows

    # -- results (GUI thread) ------------------------------------------------------------------------
    def _on_status_loaded(self, status: AccountStatus | None) -> None:
        self.status = status
        self.status_changed.emit(status)
        if self._live is not None and (status is None or self._live.purchases.client.service_url != status.service_url):
            self._stop_live()  # signed out, or another service address now
        if status is not None and self.follow_live and self._live is None:
            self._tasks.submit(self._start_live_job, on_result=self._on_live_started,
                               on_error=lambda error: log.info("account live stream not started: %s", error))

    # -- the live stream -----------------------------------------------------------------------------
    def _start_live_job(self) -> AccountLive:
        return AccountLive(self.purchases(), on_applied=self._live_applied.emit,
                           on_connected=self._live_connected.emit).start()

    def _on_live_started(self, live: AccountLive) -> None:
        if self._live is not None or self.status is None:  # signed out (or started twice) meanwhile
            self._tasks.submit(live.stop)
            return
        self._live = live

    def _stop_live(self, *, wait: bool = False) -> None:
        """Stop following the account; ``wait`` for its thread (closing), else stop in the background
        (it may be finishing a restore, which must not freeze the window)."""
        live, self._live = self._live, None
        if live is None:
            return
        if wait:
            live.stop()
        else:
            self._tasks.submit(live.stop)

    def _on_live_applied(self, report: RestoreReport) -> None:
        for feed in report.revoked:
            self.access_ended.emit(feed.show_title)
        if report.added or report.revoked:
            self.library_changed.emit()
        self.load_purchases()

    def _on_restore_finished(self, result: tuple[RestoreReport, list[PurchaseRow]]) -> None:
        report, rows = result
        self.purchases_changed.emit(rows)
        self.restore_finished.emit(self.tr("{added} premium shows added, {kept} already here, {ended} no longer available.").format(
            added=len(report.added), kept=len(report.kept), ended=len(report.revoked)))
        if report.added or report.revoked:
            self.library_changed.emit()

    def _on_sync_finished(self, report: SyncReport) -> None:
        self.sync_finished.emit(self.tr("Synced: {sent} subscriptions sent, {received} received, {removed} removed; {uploaded} progress updates sent, {applied} applied.").format(
            sent=len(report.uploaded_subscriptions), received=len(report.subscribed),
            removed=len(report.removed_remotely), uploaded=report.uploaded_actions, applied=report.applied_actions))
        if report.subscribed or report.removed_remotely or report.applied_actions:
            self.library_changed.emit()

    def _run(self, job: Callable[[], Any], *, on_result: Callable[[Any], None]) -> None:
        # No task keys here: each account action must report back, or the busy count would stick.
        self._set_busy(+1)

        def finished(result: Any) -> None:
            self._set_busy(-1)
            on_result(result)

        def failed(error: BaseException) -> None:
            self._set_busy(-1)
            self.error_occurred.emit(self.describe(error))

        self._tasks.submit(job, on_result=finished, on_error=failed)

    def _set_busy(self, delta: int) -> None:
        was = self._busy > 0
        self._busy = max(0, self._busy + delta)
        if (self._busy > 0) != was:
            self.busy_changed.emit(self._busy > 0)


class _SerialPurchases(Purchases):
    """:class:`Purchases` whose restores run one at a time (a click while one runs waits)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._restore_lock = threading.Lock()

    def restore(self, *, reasons: dict[int, str] | None = None, readd_removed: bool = True) -> RestoreReport:
        with self._restore_lock:
            return super().restore(reasons=reasons, readd_removed=readd_removed)


def _device_name() -> str:
    """This computer's name in the account's list of signed-in devices."""
    return f"Castwise on {socket.gethostname() or 'this computer'}"
