"""Premium shows in the library: each entitled show's private feed subscribed through the
library's subscription service, its private address kept only in the keyring.

A Castwise private feed carries the listener's secret in its path
(``/feeds/<account>/<show>/<token>.xml``), which the library would store as the podcast's address
if given it. So the podcast row is created here with a *public* stand-in address
(``.../feeds/<account>/<show>/private.xml``, which the service answers 404) and the real address
goes to the keyring the same way the library keeps token feeds (``AuthKind.URL_TOKEN``); the
library then fetches it with :meth:`library.subscriptions.Subscriptions.refresh`. Nothing secret
reaches the database, OPML exports (which leave private feeds out) or sync uploads.

Revoking a show (refund, chargeback) deletes its keyring secret, so the library can no longer
fetch it, marks the podcast with a message the listener sees, and records it here; its
downloaded episodes stay. Which shows this machine restored, and their state, live in the
``premium_feeds`` table of ``<data>/account.sqlite3``.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import select

from library.db.engine import Library
from library.db.models import AuthKind, FeedOutcome, Podcast, utc_now
from library.errors import ErrorKind
from library.redact import has_credentials, public_url
from library.subscriptions import FeedReport, Subscriptions
from protocol.store import EntitlementList, EntitlementPublic

log = logging.getLogger(__name__)

ACTIVE = "active"
REVOKED = "revoked"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS premium_feeds (
    service_url TEXT NOT NULL,
    show_id INTEGER NOT NULL,
    podcast_id INTEGER NOT NULL,
    show_title TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (service_url, show_id)
)
"""


def stand_in_address(private_feed_url: str) -> str:
    """The public address stored for a private feed: the URL without its secret.

    A token in the query or user-info is removed by the library's rules; a Castwise private feed
    (secret as the last path segment) gets ``private.xml`` as its last segment instead.
    """
    if has_credentials(private_feed_url):
        return public_url(private_feed_url)
    parts = urlsplit(private_feed_url)
    head, _, _secret = parts.path.rpartition("/")
    return urlunsplit((parts.scheme, parts.netloc, f"{head}/private.xml", "", ""))


@dataclass(frozen=True)
class PremiumFeed:
    """A premium show this machine restored. ``state`` is ``active`` or ``revoked``."""

    show_id: int
    podcast_id: int
    show_title: str
    state: str
    reason: str | None


@dataclass
class RestoreReport:
    """What applying an entitlement list did: feeds added (with their refresh reports), ones
    already here, ones whose access ended."""

    added: list[FeedReport] = field(default_factory=list)
    kept: list[PremiumFeed] = field(default_factory=list)
    revoked: list[PremiumFeed] = field(default_factory=list)


class PremiumFeeds:
    """Keeps the library's premium podcasts in line with a verified entitlement list."""

    def __init__(self, library: Library, subscriptions: Subscriptions, *, service_url: str, state_path: Path) -> None:
        self.library = library
        self.subscriptions = subscriptions
        self.secrets = subscriptions.secrets
        self.service_url = service_url
        self.state_path = state_path

    @contextmanager
    def _state(self) -> Iterator[sqlite3.Connection]:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.state_path, timeout=30)) as connection:
            connection.execute(_SCHEMA)
            with connection:
                yield connection

    def feeds(self) -> list[PremiumFeed]:
        """Every premium show restored on this machine, by show id."""
        with self._state() as connection:
            rows = connection.execute(
                "SELECT show_id, podcast_id, show_title, state, reason FROM premium_feeds WHERE service_url = ? "
                "ORDER BY show_id", (self.service_url,)).fetchall()
        return [PremiumFeed(*row) for row in rows]

    def revoked_podcast_ids(self) -> set[int]:
        """Podcasts whose access ended: the app leaves them out of automatic refreshes."""
        return {feed.podcast_id for feed in self.feeds() if feed.state == REVOKED}

    def _record(self, feed: PremiumFeed) -> None:
        with self._state() as connection:
            connection.execute(
                "INSERT OR REPLACE INTO premium_feeds (service_url, show_id, podcast_id, show_title, state, reason, "
                "changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (self.service_url, feed.show_id, feed.podcast_id, feed.show_title, feed.state, feed.reason,
                 utc_now().isoformat()))

    def _podcast(self, podcast_id: int) -> Podcast | None:
        with self.library.session() as session:
            return session.get(Podcast, podcast_id)

    def apply(self, entitlements: EntitlementList, *, reasons: dict[int, str] | None = None,
              readd_removed: bool = True) -> RestoreReport:
        """Subscribe every entitled show not in the library yet, keep the others' private addresses
        current, and revoke shows no longer in the list (``reasons`` may say why, by show id).
        Feeds are fetched after all are added. With ``readd_removed`` False, a premium show the
        listener unsubscribed from stays unsubscribed (the live stream applies lists that way;
        only an explicit "restore purchases" brings it back).

        Raises :class:`library.secrets.SecretStorageError` (nothing added for that show) when no
        keyring can hold the private address.
        """
        report = RestoreReport()
        by_show: dict[int, EntitlementPublic] = {}
        for item in entitlements.entitlements:
            by_show.setdefault(item.show_id, item)
        known = {feed.show_id: feed for feed in self.feeds()}
        new_ids: list[int] = []
        for show_id, item in by_show.items():
            feed = known.get(show_id)
            podcast = self._podcast(feed.podcast_id) if feed is not None else None
            if feed is not None and podcast is not None and podcast.auth_ref:
                self.secrets.set(podcast.auth_ref, _secret(item.private_feed_url))
                if feed.state == REVOKED:  # bought again
                    new_ids.append(podcast.id)
                    feed = PremiumFeed(show_id, podcast.id, item.show_title, ACTIVE, None)
                    self._record(feed)
                else:
                    report.kept.append(feed)
                continue
            if feed is not None and feed.state == ACTIVE and not readd_removed:
                continue  # unsubscribed by the listener: not our business to undo
            podcast_id = self._add(item)
            self._record(PremiumFeed(show_id, podcast_id, item.show_title, ACTIVE, None))
            new_ids.append(podcast_id)
        if new_ids:
            report.added = self.subscriptions.refresh(new_ids)
        for show_id, feed in known.items():
            if show_id not in by_show and feed.state == ACTIVE:
                reason = (reasons or {}).get(show_id, "no longer among your purchases")
                report.revoked.append(self.revoke(show_id, reason=reason))
        return report

    def _add(self, item: EntitlementPublic) -> int:
        address = stand_in_address(item.private_feed_url)
        with self.library.transaction() as session:
            podcast = session.scalars(select(Podcast).where(Podcast.feed_url == address)).one_or_none()
            if podcast is None:
                podcast = Podcast(feed_url=address, title=item.show_title, subscribed_at=utc_now())
                session.add(podcast)
            podcast.auth_kind = AuthKind.URL_TOKEN
            podcast.auth_ref = podcast.auth_ref or f"feed:{uuid.uuid4().hex}"
            session.flush()
            # Last: a refused secret rolls the new podcast back.
            self.secrets.set(podcast.auth_ref, _secret(item.private_feed_url))
            return podcast.id

    def revoke(self, show_id: int, *, reason: str) -> PremiumFeed:
        """End access to ``show_id`` here: forget its private address, mark the podcast."""
        known = {feed.show_id: feed for feed in self.feeds()}
        feed = known.get(show_id)
        if feed is None:
            raise KeyError(show_id)
        message = f"Your access to this premium show ended ({reason}); it is no longer refreshed."
        with self.library.transaction() as session:
            podcast = session.get(Podcast, feed.podcast_id)
            if podcast is not None:
                if podcast.auth_ref:
                    self.secrets.delete(podcast.auth_ref)
                podcast.last_outcome = FeedOutcome.FAILED
                podcast.last_error_kind = str(ErrorKind.AUTH_REQUIRED)
                podcast.last_error = message
        revoked = PremiumFeed(feed.show_id, feed.podcast_id, feed.show_title, REVOKED, reason)
        self._record(revoked)
        log.info("premium show %s revoked (%s)", show_id, reason)
        return revoked


def _secret(private_feed_url: str) -> str:
    """The keyring entry the library reads for a token feed (see ``Subscriptions._credentials``)."""
    return json.dumps({"url": private_feed_url, "username": None, "password": None})
