"""Cross-device sync of subscriptions and listening progress through the service's
gpodder.net-compatible API (the same one AntennaPod, gPodder and Kasts use).

The gpodder API takes an *app password*, never the account password: the first sync creates one
(``Castwise on <device>``) with the signed-in session and keeps it in the keyring. Each sync:

1. subscriptions: local adds and removes since the last sync are uploaded; the other devices'
   changes since then are downloaded and applied (a feed subscribed elsewhere is subscribed here
   and fetched; one removed elsewhere is unsubscribed here unless it was added here meanwhile);
2. episode actions: progress changed here since the last sync goes up as ``play`` actions
   (position and total in seconds); others' newer ``play`` actions move the local position.

Private feeds (premium shows, token feeds, password feeds) never leave the machine: neither
their address nor their episodes' media URLs are uploaded. Sync state (device id, ``since``
timestamps, the subscription list as last synced) lives in ``<data>/account.sqlite3``.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import select

from account.client import ServiceClient
from account.session import SYNC_PREFIX as CREDENTIALS_PREFIX
from library.db.engine import Library
from library.db.models import AuthKind, Episode, PlaybackState, Podcast
from library.subscriptions import FeedReport, Subscriptions
from protocol.accounts import AppPasswordCreated

log = logging.getLogger(__name__)

DEVICE_PREFIX = "castwise-"
"""gpodder device ids of Castwise installations start with this; they sync as one group."""
UPLOAD_BATCH = 100
"""Episode actions per upload request."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sync_state (
    service_url TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    subscriptions_since INTEGER NOT NULL DEFAULT 0,
    actions_since INTEGER NOT NULL DEFAULT 0,
    synced_subscriptions TEXT NOT NULL DEFAULT '[]',
    progress_synced_at TEXT
)
"""


@dataclass
class SyncReport:
    """What one sync did."""

    uploaded_subscriptions: list[str] = field(default_factory=list)
    removed_remotely: list[str] = field(default_factory=list)
    """Feeds unsubscribed here because another device unsubscribed."""
    subscribed: list[FeedReport] = field(default_factory=list)
    """Feeds subscribed here because another device subscribed."""
    uploaded_actions: int = 0
    applied_actions: int = 0


@dataclass
class _State:
    device_id: str
    subscriptions_since: int
    actions_since: int
    synced_subscriptions: set[str]
    progress_synced_at: datetime | None


def _timestamp(value: datetime) -> str:
    """gpodder's ``YYYY-MM-DDTHH:MM:SS`` in UTC."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _parse_timestamp(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class GpodderSync:
    """Syncs this library with the account through the gpodder.net API of the service."""

    def __init__(self, client: ServiceClient, library: Library, subscriptions: Subscriptions, *, state_path: Path,
                 device_name: str) -> None:
        self.client = client
        self.library = library
        self.subscriptions = subscriptions
        self.secrets = subscriptions.secrets
        self.state_path = state_path
        self.device_name = device_name

    # -- state and credentials -----------------------------------------------------------------------

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.state_path, timeout=30)) as connection:
            connection.execute(_SCHEMA)
            with connection:
                yield connection

    def _load_state(self) -> _State:
        with self._db() as connection:
            row = connection.execute("SELECT device_id, subscriptions_since, actions_since, synced_subscriptions, "
                                     "progress_synced_at FROM sync_state WHERE service_url = ?",
                                     (self.client.service_url,)).fetchone()
            if row is None:
                device_id = f"{DEVICE_PREFIX}{secrets.token_hex(6)}"
                connection.execute("INSERT INTO sync_state (service_url, device_id) VALUES (?, ?)",
                                   (self.client.service_url, device_id))
                return _State(device_id, 0, 0, set(), None)
        synced_at = datetime.fromisoformat(row[4]) if row[4] else None
        return _State(row[0], int(row[1]), int(row[2]), set(json.loads(row[3])), synced_at)

    def _save_state(self, state: _State) -> None:
        with self._db() as connection:
            connection.execute(
                "UPDATE sync_state SET subscriptions_since = ?, actions_since = ?, synced_subscriptions = ?, "
                "progress_synced_at = ? WHERE service_url = ?",
                (state.subscriptions_since, state.actions_since, json.dumps(sorted(state.synced_subscriptions)),
                 state.progress_synced_at.isoformat() if state.progress_synced_at else None,
                 self.client.service_url))

    def _credentials(self) -> tuple[str, str]:
        """(username, app password), creating the app password on first use."""
        key = CREDENTIALS_PREFIX + self.client.service_url
        stored = self.secrets.get(key)
        if stored:
            data = json.loads(stored)
            return str(data["username"]), str(data["password"])
        username = self.client.me().username
        created = AppPasswordCreated.model_validate(
            self.client.call("POST", "/api/v1/app-passwords", json={"name": f"Castwise on {self.device_name}"[:100]}))
        self.secrets.set(key, json.dumps({"username": username, "password": created.password}))
        return username, created.password

    def forget_credentials(self) -> None:
        self.secrets.delete(CREDENTIALS_PREFIX + self.client.service_url)

    def _gpodder(self, method: str, path: str, auth: tuple[str, str], **kwargs: Any) -> Any:
        response = self.client.check(self.client.send(method, path, auth=auth, **kwargs))
        return response.json() if response.content else None

    # -- sync ----------------------------------------------------------------------------------------

    def _public_subscriptions(self) -> dict[str, int]:
        """Feed URL -> podcast id of every subscription that may leave this machine."""
        with self.library.session() as session:
            rows = session.execute(select(Podcast.feed_url, Podcast.id).where(Podcast.auth_kind == AuthKind.NONE))
            return {url: podcast_id for url, podcast_id in rows}

    def run(self) -> SyncReport:
        """One full sync (subscriptions, then progress). Raises the client's typed errors; the
        ``since`` marks move only after a step succeeded, so a failed sync is simply retried."""
        report = SyncReport()
        state = self._load_state()
        auth = self._credentials()
        user = quote(auth[0], safe="")
        device = quote(state.device_id, safe="")
        self._gpodder("POST", f"/api/2/devices/{user}/{device}.json", auth,
                      json={"caption": self.device_name[:200], "type": "desktop"})
        self._join_group(auth, user)
        self._sync_subscriptions(state, auth, user, device, report)
        self._save_state(state)
        self._sync_progress(state, auth, user, report)
        self._save_state(state)
        return report

    def _join_group(self, auth: tuple[str, str], user: str) -> None:
        """Put every Castwise device of the account in one gpodder sync group (subscriptions are
        per device in the gpodder API; a group shares them)."""
        ours = sorted(item["id"] for item in self._gpodder("GET", f"/api/2/devices/{user}.json", auth)
                      if str(item.get("id", "")).startswith(DEVICE_PREFIX))
        if len(ours) < 2:
            return
        groups = self._gpodder("GET", f"/api/2/sync-devices/{user}.json", auth).get("synchronized", [])
        if any(set(ours) <= set(group) for group in groups):
            return
        self._gpodder("POST", f"/api/2/sync-devices/{user}.json", auth, json={"synchronize": [ours]})

    def _sync_subscriptions(self, state: _State, auth: tuple[str, str], user: str, device: str,
                            report: SyncReport) -> None:
        local = self._public_subscriptions()
        added_here = set(local) - state.synced_subscriptions
        removed_here = state.synced_subscriptions - set(local)
        delta = self._gpodder("GET", f"/api/2/subscriptions/{user}/{device}.json", auth,
                              params={"since": state.subscriptions_since})
        remote_add = [url for url in delta.get("add", []) if url not in local and url not in removed_here]
        remote_remove = [url for url in delta.get("remove", []) if url in local and url not in added_here]
        for url in remote_remove:
            self.subscriptions.unsubscribe(local[url])
            report.removed_remotely.append(url)
        if remote_add:
            reports, _already = self.subscriptions.add_many([(url, None) for url in remote_add])
            report.subscribed.extend(reports)
        uploaded = self._gpodder("POST", f"/api/2/subscriptions/{user}/{device}.json", auth,
                                 json={"add": sorted(added_here), "remove": sorted(removed_here)})
        report.uploaded_subscriptions = sorted(added_here)
        renamed = {old: new for old, new in uploaded.get("update_urls", [])}
        now_local = {renamed.get(url, url) for url in self._public_subscriptions()}
        state.synced_subscriptions = now_local
        state.subscriptions_since = max(int(delta.get("timestamp", 0)), int(uploaded.get("timestamp", 0)))

    def _sync_progress(self, state: _State, auth: tuple[str, str], user: str, report: SyncReport) -> None:
        started = datetime.now(UTC)
        actions = self._local_actions(state)
        for start in range(0, len(actions), UPLOAD_BATCH):
            self._gpodder("POST", f"/api/2/episodes/{user}.json", auth, json=actions[start:start + UPLOAD_BATCH])
        report.uploaded_actions = len(actions)
        downloaded = self._gpodder("GET", f"/api/2/episodes/{user}.json", auth,
                                   params={"since": state.actions_since})
        report.applied_actions = self._apply_actions(downloaded.get("actions", []), state.device_id,
                                                     state.progress_synced_at)
        state.actions_since = int(downloaded.get("timestamp", state.actions_since))
        state.progress_synced_at = started

    def _local_actions(self, state: _State) -> list[dict[str, Any]]:
        query = (select(PlaybackState, Episode, Podcast.feed_url)
                 .join(Episode, Episode.id == PlaybackState.episode_id)
                 .join(Podcast, Podcast.id == Episode.podcast_id)
                 .where(Podcast.auth_kind == AuthKind.NONE, Episode.enclosure_url.is_not(None)))
        if state.progress_synced_at is not None:
            query = query.where(PlaybackState.updated_at > state.progress_synced_at)
        actions = []
        with self.library.session() as session:
            for playback, episode, feed_url in session.execute(query):
                total = episode.duration_ms // 1000 if episode.duration_ms else None
                position = playback.position_ms // 1000
                if playback.played and total:
                    position = total
                action: dict[str, Any] = {"podcast": feed_url, "episode": episode.enclosure_url, "action": "play",
                                          "device": state.device_id, "timestamp": _timestamp(playback.updated_at),
                                          "started": 0, "position": position}
                if episode.guid:
                    action["guid"] = episode.guid
                if total:
                    action["total"] = total
                actions.append(action)
        return actions

    def _apply_actions(self, actions: list[dict[str, Any]], device_id: str, last_sync: datetime | None) -> int:
        """Move local positions to other devices' ``play`` actions; returns how many moved.

        An episode not played here since ``last_sync`` takes the other device's position; one
        played here meanwhile keeps the newer of the two (gpodder timestamps have whole seconds,
        and a tie keeps this machine's).
        """
        applied = 0
        with self.library.transaction() as session:
            for action in actions:
                if action.get("action") != "play" or action.get("device") == device_id:
                    continue
                when = _parse_timestamp(action.get("timestamp"))
                position = action.get("position")
                if when is None or not isinstance(position, int):
                    continue
                episode = session.scalars(
                    select(Episode).join(Podcast, Podcast.id == Episode.podcast_id)
                    .where(Podcast.feed_url == action.get("podcast"), Podcast.auth_kind == AuthKind.NONE,
                           Episode.enclosure_url == action.get("episode"))).first()
                if episode is None:
                    continue
                playback = session.get(PlaybackState, episode.id)
                if playback is not None:
                    changed_here = last_sync is None or _as_utc(playback.updated_at) > last_sync
                    if changed_here and _as_utc(playback.updated_at).replace(microsecond=0) >= when:
                        continue  # this machine's progress is as new or newer
                if playback is None:
                    playback = PlaybackState(episode_id=episode.id)
                    session.add(playback)
                total = action.get("total")
                finished = isinstance(total, int) and total > 0 and position >= total
                playback.position_ms = position * 1000
                if finished and not playback.played:
                    playback.completed_at = when
                playback.played = finished
                # Stamped with the action's own time (not now), so the next sync does not send
                # this device's copy of someone else's progress back up.
                playback.updated_at = when
                applied += 1
        return applied


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
