"""Subscribing, refreshing and unsubscribing: feeds in, podcasts and episodes in the library.

Feed updates return outcomes, not surprises (gPodder's model): every refresh of a feed ends in a
:class:`FeedReport` saying *updated*, *not modified*, *moved* or *failed* (with a typed reason and
a message free of secrets), and the same outcome is recorded on the podcast row.

Episodes keep their identity across refreshes (see :mod:`library.episode_sync`); a feed that stops
listing an episode never deletes it. Private feeds work two ways, both kept out of the database:
HTTP basic auth (credentials in the URL's user-info or given separately) and tokens in the URL
(``?auth=...``); the secret goes to the OS keyring (:mod:`library.secrets`) and the podcast row
keeps only the public URL and a keyring reference.

Fetching runs its own event loop (:mod:`library.feeds.fetch`): call these methods from a worker
thread in the GUI.
"""

from __future__ import annotations

import base64
import json
import logging
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from library.db.engine import Library
from library.db.models import AuthKind, FeedOutcome, Podcast, utc_now
from library.episode_sync import apply_podcast_fields, sync_episodes
from library.errors import CastwiseError, ErrorKind, FeedError, FeedParseError, NotFoundError
from library.feeds.addresses import discover_feed_link, normalize_feed_url
from library.feeds.fetch import (
    DEFAULT_DEADLINE_S,
    FetchOutcome,
    FetchRequest,
    FetchResult,
    fetch_feed,
    fetch_many,
)
from library.feeds.model import ParsedFeed
from library.feeds.parse import parse_feed
from library.redact import has_credentials, public_url, redact_text, redact_url
from library.secrets import SecretStorageError, SecretStore

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 8
"""Feeds fetched at once by :meth:`Subscriptions.refresh`."""


class AlreadySubscribedError(CastwiseError):
    """The feed is in the library already; ``podcast_id`` says which podcast it is."""

    kind = ErrorKind.BAD_INPUT

    def __init__(self, message: str, podcast_id: int) -> None:
        super().__init__(message)
        self.podcast_id = podcast_id


@dataclass
class FeedReport:
    """What one subscribe or refresh did to one feed. ``url`` is the public URL (no secrets)."""

    podcast_id: int | None
    title: str
    url: str
    outcome: FeedOutcome
    new_episodes: int = 0
    updated_episodes: int = 0
    moved_to: str | None = None
    reason: str | None = None
    """For FAILED: a :class:`library.feeds.fetch.FailureReason` value, or ``"parse"``."""
    error_kind: ErrorKind | None = None
    message: str | None = None
    """Listener-readable detail (failures, moves); never contains credentials or tokens."""

    def to_json(self) -> dict[str, object]:
        return {
            "podcast_id": self.podcast_id,
            "title": self.title,
            "url": self.url,
            "outcome": str(self.outcome),
            "new_episodes": self.new_episodes,
            "updated_episodes": self.updated_episodes,
            "moved_to": self.moved_to,
            "reason": self.reason,
            "error_kind": str(self.error_kind) if self.error_kind else None,
            "message": self.message,
        }


ProgressCallback = Callable[[int, int, FeedReport], None]
"""``(done, total, report)`` after each feed is fetched and stored; called on a worker thread."""


@dataclass(frozen=True)
class _Credentials:
    """A feed's secret as stored in the keyring (JSON): the exact private URL and/or basic auth."""

    url: str | None = None
    username: str | None = None
    password: str | None = None

    def dumps(self) -> str:
        return json.dumps({"url": self.url, "username": self.username, "password": self.password})

    @classmethod
    def loads(cls, text: str) -> _Credentials:
        data = json.loads(text)
        return cls(url=data.get("url"), username=data.get("username"), password=data.get("password"))

    @property
    def auth(self) -> tuple[str, str] | None:
        return (self.username, self.password or "") if self.username is not None else None


_MISSING_SECRET = "This private feed's password or token is no longer in the keyring; subscribe to it again to refresh it."
def _split_credentials(url: str, username: str | None, password: str | None) -> tuple[str, _Credentials | None]:
    """(URL to fetch without user-info, credentials to keep) for a subscription URL."""
    parts = urlsplit(url)
    if parts.username is not None:
        username = username if username is not None else unquote(parts.username)
        password = password if password is not None else unquote(parts.password or "")
        url = urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, parts.query, parts.fragment))
    token_url = url if has_credentials(url) else None
    if username is None and token_url is None:
        return url, None
    return url, _Credentials(url=token_url, username=username, password=password)


def _announced_move(podcast: Podcast, feed: ParsedFeed) -> str | None:
    """The address the publisher moved the feed to (``itunes:new-feed-url``), if it is a usable one.

    Private feeds are never moved this way: their new address would lack the listener's token.
    """
    target = (feed.podcast.new_feed_url or "").strip()
    if not target or podcast.auth_kind is not AuthKind.NONE:
        return None
    if not target.lower().startswith(("http://", "https://")) or has_credentials(target):
        return None
    return None if target == podcast.feed_url else target


class Subscriptions:
    """The subscribe / refresh / unsubscribe service over one :class:`Library`."""

    def __init__(
        self,
        library: Library,
        *,
        secrets: SecretStore | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        deadline_s: float = DEFAULT_DEADLINE_S,
    ) -> None:
        self.library = library
        self.secrets = secrets if secrets is not None else SecretStore()
        self.concurrency = concurrency
        self.deadline_s = deadline_s
        """Per-feed total deadline in seconds."""

    # -- subscribe -----------------------------------------------------------------------------

    def subscribe(self, url: str, *, username: str | None = None, password: str | None = None) -> FeedReport:
        """Fetch, parse and add the feed at ``url`` with all its episodes.

        Credentials in the URL (user-info, token parameters) or given as ``username``/``password``
        go to the keyring. Raises :class:`AlreadySubscribedError` when the feed (or, by its
        ``podcast:guid``, the same show) is in the library already, a
        :class:`library.errors.FeedError` subclass when it cannot be fetched or is not a feed,
        or :class:`library.secrets.SecretStorageError`; nothing is stored then.
        """
        fetch_url, credentials = _split_credentials(normalize_feed_url(url), username, password)
        stored_url = public_url(fetch_url)
        with self.library.session() as session:
            existing = session.scalars(select(Podcast).where(Podcast.feed_url == stored_url)).first()
            if existing is not None:
                raise AlreadySubscribedError(
                    f"Already subscribed to {existing.title or stored_url} (id {existing.id}).", existing.id
                )
        auth = credentials.auth if credentials else None
        result, feed = self._fetch_and_parse(fetch_url, auth)
        if result.url != fetch_url:  # found through the web page the listener gave
            fetch_url, credentials = _split_credentials(result.url, username, password)
            stored_url = public_url(fetch_url)
        if result.new_url:  # permanently moved before we ever stored it: keep the new address
            fetch_url = result.new_url
            stored_url = public_url(fetch_url)
            if credentials is not None and credentials.url is not None:
                credentials = _Credentials(fetch_url, credentials.username, credentials.password)
        now = utc_now()
        with self.library.transaction() as session:
            existing = session.scalars(select(Podcast).where(Podcast.feed_url == stored_url)).first()
            if existing is not None:  # the address it moved or led to is in the library
                raise AlreadySubscribedError(
                    f"Already subscribed to {existing.title or stored_url} (id {existing.id}).", existing.id
                )
            same_show = self._find_same_show(session, feed)
            if same_show is not None:
                raise AlreadySubscribedError(
                    f"{same_show.title} (id {same_show.id}) is the same podcast (by its podcast:guid).",
                    same_show.id,
                )
            podcast = Podcast(feed_url=stored_url, title="", subscribed_at=now)
            session.add(podcast)
            apply_podcast_fields(podcast, feed.podcast)
            self._set_validators(podcast, result, now)
            podcast.last_outcome = FeedOutcome.UPDATED
            podcast.last_updated_at = now
            session.flush()
            new, _changed = sync_episodes(session, podcast, feed.episodes, now)
            if credentials is not None:
                # Last, so a refused secret rolls the whole subscription back.
                podcast.auth_kind = AuthKind.BASIC if credentials.username is not None else AuthKind.URL_TOKEN
                podcast.auth_ref = f"feed:{uuid.uuid4().hex}"
                self.secrets.set(podcast.auth_ref, credentials.dumps())
            return FeedReport(podcast.id, podcast.title, podcast.feed_url, FeedOutcome.UPDATED, new_episodes=new)

    def _fetch_and_parse(
        self, url: str, auth: tuple[str, str] | None, *, follow_page: bool = True
    ) -> tuple[FetchResult, ParsedFeed]:
        """Fetch and parse ``url``; a web page that links to its feed is followed (once)."""
        result = fetch_feed(url, auth=auth, deadline_s=self.deadline_s)
        if result.outcome is FetchOutcome.FAILED:
            assert result.error is not None
            raise result.error
        assert result.content is not None
        base = result.final_url or url
        try:
            return result, parse_feed(result.content, base, content_type=result.content_type)
        except FeedParseError:
            linked = discover_feed_link(result.content, base) if follow_page else None
            if linked is None or not linked.lower().startswith(("http://", "https://")):
                raise
        log.info("following the feed link of %s", redact_url(base))
        return self._fetch_and_parse(linked, auth, follow_page=False)

    def add_many(
        self, feeds: Sequence[tuple[str, str | None]], *, on_progress: ProgressCallback | None = None
    ) -> tuple[list[FeedReport], list[int]]:
        """Subscribe to many feeds at once (an OPML import): ``(url, title or None)`` pairs.

        Each new feed is added under the given title, then all are fetched ``concurrency`` at a
        time as a refresh. A feed that fails stays in the library with its failure recorded (the
        listener sees it and may retry or unsubscribe). Returns the reports of the new feeds and
        the ids of podcasts that were in the library already.
        """
        already: list[int] = []
        added: list[int] = []
        now = utc_now()
        for url, title in feeds:
            fetch_url, credentials = _split_credentials(normalize_feed_url(url), None, None)
            stored_url = public_url(fetch_url)
            with self.library.transaction() as session:
                existing = session.scalars(select(Podcast.id).where(Podcast.feed_url == stored_url)).first()
                if existing is not None:
                    already.append(existing)
                    continue
                podcast = Podcast(feed_url=stored_url, title=(title or "").strip() or stored_url, subscribed_at=now)
                session.add(podcast)
                if credentials is not None:
                    podcast.auth_kind = AuthKind.BASIC if credentials.username is not None else AuthKind.URL_TOKEN
                    podcast.auth_ref = f"feed:{uuid.uuid4().hex}"
                    self.secrets.set(podcast.auth_ref, credentials.dumps())
                session.flush()
                added.append(podcast.id)
        reports = self.refresh(added, on_progress=on_progress) if added else []
        return reports, already

    @staticmethod
    def _find_same_show(session: Session, feed: ParsedFeed) -> Podcast | None:
        guid = feed.podcast.guid
        if not guid:
            return None
        return session.scalars(select(Podcast).where(Podcast.podcast_guid == guid)).first()

    # -- refresh -------------------------------------------------------------------------------

    def _credentials(self, podcast: Podcast) -> _Credentials | None:
        if podcast.auth_kind is AuthKind.NONE or not podcast.auth_ref:
            return None
        secret = self.secrets.get(podcast.auth_ref)
        return _Credentials.loads(secret) if secret else None

    def enclosure_auth(self, podcast: Podcast, url: str) -> tuple[str, str] | None:
        """The (user name, password) a basic-auth private feed's file at ``url`` (an episode's
        audio, chapters or transcript) needs, from the keyring; ``None`` for other feeds.

        The credentials go only to the feed's own origin (scheme, host and port): a show hosting
        its files elsewhere must not hand the listener's password to that host. Token feeds need
        nothing: their files' URLs carry the token as the feed gave them. Raises
        :class:`~library.secrets.SecretStorageError` when the keyring cannot be read.
        """
        if podcast.auth_kind is not AuthKind.BASIC:
            return None
        credentials = self._credentials(podcast)
        if credentials is None or credentials.auth is None:
            return None
        feed, target = urlsplit(credentials.url or podcast.feed_url), urlsplit(url)
        if (feed.scheme, feed.hostname, feed.port) != (target.scheme, target.hostname, target.port):
            return None
        return credentials.auth

    def enclosure_headers(self, podcast: Podcast, url: str) -> dict[str, str] | None:
        """:meth:`enclosure_auth` as request headers (``Authorization: Basic``), for
        :class:`library.downloads.episodes.EpisodeDownloads`'s ``headers_for``."""
        auth = self.enclosure_auth(podcast, url)
        if auth is None:
            return None
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
        return {"Authorization": f"Basic {token}"}

    def _request(self, podcast: Podcast) -> FetchRequest | None:
        """How to fetch ``podcast``; ``None`` for a private feed whose secret is no longer in the
        keyring (removed, or a premium show whose access ended): its public address alone would
        only fetch an error page, so it is not fetched at all."""
        credentials = self._credentials(podcast)
        if credentials is None and podcast.auth_kind is not AuthKind.NONE:
            return None
        url = credentials.url if credentials and credentials.url else podcast.feed_url
        return FetchRequest(
            url=url,
            etag=podcast.etag,
            last_modified=podcast.last_modified,
            auth=credentials.auth if credentials else None,
        )

    def refresh(
        self, podcast_ids: Sequence[int] | None = None, *, on_progress: ProgressCallback | None = None
    ) -> list[FeedReport]:
        """Refresh the given podcasts (all when ``None``), ``concurrency`` fetches at a time.

        Each feed is stored as soon as it arrives, in its own transaction; one feed's failure
        never stops the others. Returns one report per podcast, in the order given (by id for all).
        """
        with self.library.session() as session:
            query = select(Podcast).order_by(Podcast.id)
            if podcast_ids is not None:
                query = query.where(Podcast.id.in_(podcast_ids))
            podcasts = list(session.scalars(query))
        if podcast_ids is not None:
            order = {podcast_id: index for index, podcast_id in enumerate(podcast_ids)}
            podcasts.sort(key=lambda podcast: order[podcast.id])
        reports: dict[int, FeedReport] = {}
        requests: list[FetchRequest] = []
        # Fetch URLs are unique: two podcasts never share a public URL, and a private URL
        # differs from its public part only by the secret.
        podcast_by_url: dict[str, Podcast] = {}
        for podcast in podcasts:
            try:
                request = self._request(podcast)
            except SecretStorageError as error:  # a locked keyring fails that feed, not the refresh
                reports[podcast.id] = self._store_failure(podcast.id, ErrorKind.AUTH_REQUIRED, error.message)
                continue
            if request is None:
                # Keep the message already there (a premium show's "access ended" says why).
                already = podcast.last_error if podcast.last_error_kind == str(ErrorKind.AUTH_REQUIRED) else None
                reports[podcast.id] = self._store_failure(
                    podcast.id, ErrorKind.AUTH_REQUIRED, already or _MISSING_SECRET
                )
                continue
            requests.append(request)
            podcast_by_url[request.url] = podcast

        stored = 0

        def store(result: FetchResult) -> None:
            nonlocal stored
            podcast = podcast_by_url[result.url]
            report = self._store_result(podcast.id, result)
            reports[podcast.id] = report
            stored += 1
            if on_progress is not None:
                try:
                    on_progress(stored, len(requests), report)
                except Exception:
                    log.exception("refresh progress callback failed")

        # Parsing and storing run on one writer thread (SQLite has one writer anyway), so the
        # fetch loop never waits for a big feed's parse and keeps its connections busy.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="castwise-feed-store") as writer:

            def fetched(_done: int, _total: int, result: FetchResult) -> None:
                writer.submit(store, result)

            fetch_many(requests, concurrency=self.concurrency, deadline_s=self.deadline_s, on_progress=fetched)
        missing = [podcast for podcast in podcasts if podcast.id not in reports]
        for podcast in missing:  # a store step that raised: say so rather than report nothing
            reports[podcast.id] = FeedReport(
                podcast.id, podcast.title, podcast.feed_url, FeedOutcome.FAILED, reason="internal",
                error_kind=ErrorKind.FATAL, message="the feed could not be stored (see the log)",
            )
        return [reports[podcast.id] for podcast in podcasts]

    def refresh_all(self, *, on_progress: ProgressCallback | None = None) -> list[FeedReport]:
        """Refresh every podcast in the library (see :meth:`refresh`)."""
        return self.refresh(None, on_progress=on_progress)

    @staticmethod
    def _set_validators(podcast: Podcast, result: FetchResult, now: datetime) -> None:
        podcast.etag = result.etag
        podcast.last_modified = result.last_modified
        podcast.last_checked_at = now
        podcast.last_error = None
        podcast.last_error_kind = None

    def _store_result(self, podcast_id: int, result: FetchResult) -> FeedReport:
        now = utc_now()
        try:
            with self.library.transaction() as session:
                podcast = session.get(Podcast, podcast_id)
                if podcast is None:  # unsubscribed while the fetch ran
                    return FeedReport(podcast_id, "", redact_url(result.url), FeedOutcome.FAILED,
                                      reason="unsubscribed", message="no longer in the library")
                report, announced = self._apply(session, podcast, result, now)
            if announced is not None:
                self._follow_announced_move(report, announced)
            return report
        except Exception as error:
            log.error("storing a refresh failed: %s", redact_text(repr(error)))
            with self.library.transaction() as session:
                podcast = session.get(Podcast, podcast_id)
                message = "the feed could not be stored; the library is unchanged"
                if podcast is not None:
                    self._record_failure(podcast, ErrorKind.FATAL, message, now)
                title = podcast.title if podcast is not None else ""
                url = podcast.feed_url if podcast is not None else redact_url(result.url)
            return FeedReport(podcast_id, title, url, FeedOutcome.FAILED, reason="internal",
                              error_kind=ErrorKind.FATAL, message=message)

    def _follow_announced_move(self, report: FeedReport, announced: str) -> None:
        """Move to the address the feed announces, once it is seen to serve a feed.

        Runs outside any transaction: the check is a network fetch, and the library must stay
        writable (the player saves positions) while it runs.
        """
        result = fetch_feed(announced, deadline_s=self.deadline_s)
        works = result.content is not None and result.outcome in (FetchOutcome.UPDATED, FetchOutcome.MOVED)
        if works:
            assert result.content is not None
            try:
                parse_feed(result.content, result.final_url or announced, content_type=result.content_type)
            except FeedParseError:
                works = False
        if not works:
            report.message = (
                f"the feed announces a move to {redact_url(announced)}, which does not serve a feed; "
                "kept the current address"
            )
            return
        with self.library.transaction() as session:
            podcast = session.get(Podcast, report.podcast_id)
            if podcast is None:
                return
            moved_to = self._move(session, podcast, announced)
            if moved_to is not None:
                podcast.etag = podcast.last_modified = None  # the validators belonged to the old address
                podcast.last_outcome = report.outcome = FeedOutcome.MOVED
                report.url = podcast.feed_url
                report.moved_to = moved_to
                report.message = f"moved permanently to {moved_to}"

    def _store_failure(self, podcast_id: int, kind: ErrorKind, message: str) -> FeedReport:
        with self.library.transaction() as session:
            podcast = session.get(Podcast, podcast_id)
            assert podcast is not None
            self._record_failure(podcast, kind, message, utc_now())
            return FeedReport(podcast.id, podcast.title, podcast.feed_url, FeedOutcome.FAILED,
                              reason="credentials", error_kind=kind, message=message)

    @staticmethod
    def _record_failure(podcast: Podcast, kind: ErrorKind, message: str, now: datetime) -> None:
        podcast.last_outcome = FeedOutcome.FAILED
        podcast.last_error_kind = str(kind)
        podcast.last_error = message
        podcast.last_checked_at = now

    def _apply(
        self, session: Session, podcast: Podcast, result: FetchResult, now: datetime
    ) -> tuple[FeedReport, str | None]:
        """Store one fetch result; returns the report and an announced new address to check."""
        if result.outcome is FetchOutcome.FAILED:
            error = result.error or FeedError("the feed could not be fetched")
            message = redact_text(error.message, _private_forms(podcast, result))
            self._record_failure(podcast, error.kind, message, now)
            return FeedReport(podcast.id, podcast.title, podcast.feed_url, FeedOutcome.FAILED,
                              reason=str(result.reason) if result.reason else None,
                              error_kind=error.kind, message=message), None
        new = changed = 0
        announced: str | None = None
        if result.content is not None:
            try:
                feed = parse_feed(result.content, result.final_url or result.url, content_type=result.content_type)
            except FeedParseError as error:
                message = redact_text(error.message, _private_forms(podcast, result))
                self._record_failure(podcast, error.kind, message, now)
                return FeedReport(podcast.id, podcast.title, podcast.feed_url, FeedOutcome.FAILED,
                                  reason="parse", error_kind=error.kind, message=message), None
            podcast_changed = apply_podcast_fields(podcast, feed.podcast)
            new, changed = sync_episodes(session, podcast, feed.episodes, now)
            if new or changed or podcast_changed:
                podcast.last_updated_at = now
            announced = _announced_move(podcast, feed)
        self._set_validators(podcast, result, now)
        moved_to = self._move(session, podcast, result.new_url) if result.new_url else None
        if moved_to is not None:
            outcome = FeedOutcome.MOVED
        elif result.outcome is FetchOutcome.NOT_MODIFIED:
            outcome = FeedOutcome.NOT_MODIFIED
        else:
            outcome = FeedOutcome.UPDATED
        podcast.last_outcome = outcome
        note = f"moved permanently to {moved_to}" if moved_to else None
        report = FeedReport(podcast.id, podcast.title, podcast.feed_url, outcome, new_episodes=new,
                            updated_episodes=changed, moved_to=moved_to, message=note)
        return report, (announced if moved_to is None else None)

    def _move(self, session: Session, podcast: Podcast, new_url: str) -> str | None:
        """Store ``new_url`` as the podcast's address (its public part; a token to the keyring)."""
        new_public = public_url(new_url)
        if new_public == podcast.feed_url and not has_credentials(new_url):
            return None
        clash = session.scalars(
            select(Podcast).where(Podcast.feed_url == new_public, Podcast.id != podcast.id)
        ).first()
        if clash is not None:
            log.warning("feed %s moved to the address of podcast %s; kept the old address", podcast.id, clash.id)
            return None
        credentials = self._credentials(podcast)
        if credentials is not None and podcast.auth_ref:
            token_url = new_url if has_credentials(new_url) else None
            self.secrets.set(podcast.auth_ref, _Credentials(token_url, credentials.username, credentials.password).dumps())
        podcast.feed_url = new_public
        return new_public

    # -- unsubscribe ---------------------------------------------------------------------------

    def unsubscribe(self, podcast_id: int) -> str:
        """Remove the podcast, its episodes, their state and its keyring secret. Returns its title."""
        with self.library.transaction() as session:
            podcast = session.get(Podcast, podcast_id)
            if podcast is None:
                raise NotFoundError(f"No podcast with id {podcast_id} in the library.")
            title, auth_ref = podcast.title, podcast.auth_ref
            session.delete(podcast)
        if auth_ref:
            self.secrets.delete(auth_ref)
        return title

    def private_url(self, podcast: Podcast) -> str:
        """The address to give another app for ``podcast``: with its token or credentials.

        Only for an export the listener asked to include private feeds in.
        """
        credentials = self._credentials(podcast)
        if credentials is None:
            return podcast.feed_url
        url: str = credentials.url or podcast.feed_url
        if credentials.username is None:
            return url
        parts = urlsplit(url)
        userinfo = quote(credentials.username, safe="") + ":" + quote(credentials.password or "", safe="")
        return urlunsplit((parts.scheme, f"{userinfo}@{parts.netloc}", parts.path, parts.query, parts.fragment))


def _private_forms(podcast: Podcast, result: FetchResult) -> list[str]:
    """The addresses a private feed was fetched at, in every form a message may quote them.

    Some private feeds carry their secret in the path (``/feeds/<account>/<token>.xml``), which
    URL redaction cannot recognise; a stored or shown message must still never contain it.
    """
    if not podcast.auth_ref:
        return []
    fetched = {url for url in (result.url, result.final_url) if url and url != podcast.feed_url}
    return sorted({form for url in fetched for form in (url, redact_url(url), public_url(url))
                   if form != podcast.feed_url})
