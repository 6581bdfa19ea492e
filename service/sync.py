"""gpodder.net API v2 semantics over the sync tables: devices, subscription deltas, episode
actions, sync groups. Shared by the advanced (``/api/2``) and simple (``/subscriptions``) APIs.

Every ``since`` is compared with the server's receipt time (whole seconds), inclusive: a change
received in the same second as a previous download is sent again rather than lost, and clients
tolerate duplicates.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.models import EpisodeAction, SubscriptionChange, SyncDevice

ACTIONS = frozenset({"download", "delete", "play", "new", "flattr"})
DEVICE_TYPES = frozenset({"desktop", "laptop", "mobile", "server", "other"})
MAX_URL = 4000


class SyncError(ValueError):
    """The request is malformed; answered 400 with this message, nothing stored."""


def now_s() -> int:
    return int(time.time())


def sanitize_url(url: object) -> str:
    """The URL as stored: trimmed; empty when it is not an http(s) URL (gpodder.net's rule)."""
    if not isinstance(url, str):
        raise SyncError("URLs must be strings")
    cleaned = url.strip()
    if not cleaned.lower().startswith(("http://", "https://")) or len(cleaned) > MAX_URL or any(c.isspace() for c in cleaned):
        return ""
    return cleaned


def get_device(db: Session, *, user_id: int, device_id: str, create: bool) -> SyncDevice | None:
    if not device_id or len(device_id) > 100 or "/" in device_id:
        raise SyncError("invalid device id")
    device = db.scalar(select(SyncDevice).where(SyncDevice.user_id == user_id, SyncDevice.device_id == device_id))
    if device is None and create:
        device = SyncDevice(user_id=user_id, device_id=device_id, caption="", type="other")
        try:
            with db.begin_nested():  # a concurrent request may create the same device first
                db.add(device)
        except IntegrityError:
            device = db.scalar(select(SyncDevice).where(SyncDevice.user_id == user_id, SyncDevice.device_id == device_id))
    return device


def group_device_pks(db: Session, device: SyncDevice) -> list[int]:
    """The device and every device synchronized with it."""
    if device.sync_group is None:
        return [device.id]
    return list(db.scalars(select(SyncDevice.id).where(SyncDevice.user_id == device.user_id,
                                                       SyncDevice.sync_group == device.sync_group)))


def subscriptions_of(db: Session, device_pks: Iterable[int]) -> list[str]:
    """Current subscriptions: URLs whose latest change on these devices is an add."""
    latest = _latest_changes(db, list(device_pks), since=0)
    return sorted(url for url, action in latest.items() if action == "add")


def _latest_changes(db: Session, device_pks: list[int], *, since: int) -> dict[str, str]:
    rows = db.execute(select(SubscriptionChange.url, SubscriptionChange.action)
                      .where(SubscriptionChange.device_pk.in_(device_pks), SubscriptionChange.received_at >= since)
                      .order_by(SubscriptionChange.id)).all()
    latest: dict[str, str] = {}
    for url, action in rows:
        latest[url] = action
    return latest


def subscription_delta(db: Session, device: SyncDevice, *, since: int) -> dict[str, Any]:
    latest = _latest_changes(db, group_device_pks(db, device), since=since)
    return {"add": sorted(u for u, a in latest.items() if a == "add"),
            "remove": sorted(u for u, a in latest.items() if a == "remove"),
            "timestamp": now_s()}


def upload_subscription_changes(db: Session, device: SyncDevice, *, add: Sequence[object],
                                remove: Sequence[object]) -> dict[str, Any]:
    """Record adds/removes; returns ``{"timestamp", "update_urls"}`` (always present)."""
    update_urls: list[list[str]] = []
    cleaned: dict[str, list[str]] = {"add": [], "remove": []}
    for action, urls in (("add", add), ("remove", remove)):
        for url in urls:
            clean = sanitize_url(url)
            if clean != url:
                update_urls.append([str(url), clean])
            if clean:
                cleaned[action].append(clean)
    if set(cleaned["add"]) & set(cleaned["remove"]):
        raise SyncError("the same URL cannot be added and removed at once")
    received = now_s()
    # Devices in a group change together: record on the uploading device only, read per group.
    current = set(subscriptions_of(db, group_device_pks(db, device)))
    for url in dict.fromkeys(cleaned["add"]):
        if url not in current:
            db.add(SubscriptionChange(device_pk=device.id, url=url, action="add", received_at=received))
    for url in dict.fromkeys(cleaned["remove"]):
        if url in current:
            db.add(SubscriptionChange(device_pk=device.id, url=url, action="remove", received_at=received))
    db.commit()
    return {"timestamp": received, "update_urls": update_urls}


def replace_subscriptions(db: Session, device: SyncDevice, urls: list[str]) -> dict[str, Any]:
    """The simple API's PUT: make ``urls`` the device's whole subscription list."""
    current = set(subscriptions_of(db, group_device_pks(db, device)))
    wanted = {sanitize_url(url) for url in urls} - {""}
    return upload_subscription_changes(db, device, add=sorted(wanted - current), remove=sorted(current - wanted))


def format_timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def parse_timestamp(value: object) -> str | None:
    """``YYYY-MM-DDTHH:MM:SS`` UTC from an ISO 8601 string (any offset, optional fraction) or epoch seconds."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise SyncError("invalid timestamp")
    if isinstance(value, int | float):
        try:
            return format_timestamp(datetime.fromtimestamp(value, UTC))
        except (OverflowError, OSError, ValueError):
            raise SyncError("invalid timestamp") from None
    if not isinstance(value, str):
        raise SyncError("invalid timestamp")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise SyncError(f"invalid timestamp {value[:40]!r}") from None
    return format_timestamp(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))


def _seconds(action: dict[str, Any], key: str) -> int | None:
    value = action.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 2**31:
        raise SyncError(f"{key} must be a non-negative number of seconds")
    return int(value)


@dataclass(frozen=True)
class _Action:
    podcast: str
    episode: str
    guid: str | None
    device: str | None
    action: str
    timestamp: str | None
    started: int | None
    position: int | None
    total: int | None

    def key(self) -> tuple[Any, ...]:
        return (self.podcast, self.episode, self.device, self.action, self.timestamp, self.position)


def upload_episode_actions(db: Session, *, user_id: int, actions: object) -> dict[str, Any]:
    """Validate every action first (one bad action rejects the batch), then store new ones."""
    if not isinstance(actions, list):
        raise SyncError("the body must be a JSON list of episode actions")
    update_urls: list[list[str]] = []
    parsed: dict[tuple[Any, ...], _Action] = {}
    for raw in actions:
        if not isinstance(raw, dict):
            raise SyncError("each episode action must be an object")
        urls = {}
        for field in ("podcast", "episode"):
            original = raw.get(field)
            clean = sanitize_url(original)
            if clean != original:
                update_urls.append([str(original), clean])
            urls[field] = clean
        action = str(raw.get("action", "")).lower()
        if action not in ACTIONS:
            raise SyncError(f"unknown action {str(raw.get('action'))[:20]!r}")
        device = raw.get("device")
        if device is not None and (not isinstance(device, str) or not device or len(device) > 100):
            raise SyncError("invalid device id")
        guid = raw.get("guid")
        item = _Action(podcast=urls["podcast"], episode=urls["episode"],
                       guid=guid[:500] if isinstance(guid, str) else None, device=device, action=action,
                       timestamp=parse_timestamp(raw.get("timestamp")), started=_seconds(raw, "started"),
                       position=_seconds(raw, "position"), total=_seconds(raw, "total"))
        if item.podcast and item.episode:
            parsed[item.key()] = item
    received = now_s()
    fresh = _without_known(db, user_id, list(parsed.values()))
    for device_id in {item.device for item in fresh if item.device}:
        get_device(db, user_id=user_id, device_id=device_id, create=True)
    if fresh:
        db.execute(insert(EpisodeAction), [
            {"user_id": user_id, "podcast": item.podcast, "episode": item.episode, "guid": item.guid,
             "device": item.device, "action": item.action, "timestamp": item.timestamp, "started": item.started,
             "position": item.position, "total": item.total, "received_at": received}
            for item in fresh
        ])
    db.commit()
    return {"timestamp": received, "update_urls": update_urls}


def _without_known(db: Session, user_id: int, items: list[_Action]) -> list[_Action]:
    """Drop actions already stored (a client retrying an upload), matched on their content."""
    known: set[tuple[Any, ...]] = set()
    episodes = sorted({item.episode for item in items})
    for start in range(0, len(episodes), 500):
        chunk = episodes[start:start + 500]
        known.update(tuple(row) for row in db.execute(
            select(EpisodeAction.podcast, EpisodeAction.episode, EpisodeAction.device, EpisodeAction.action,
                   EpisodeAction.timestamp, EpisodeAction.position)
            .where(EpisodeAction.user_id == user_id, EpisodeAction.episode.in_(chunk))))
    return [item for item in items if item.key() not in known]


def download_episode_actions(db: Session, *, user_id: int, since: int, podcast: str | None, device: str | None,
                             aggregated: bool) -> dict[str, Any]:
    query = select(EpisodeAction).where(EpisodeAction.user_id == user_id, EpisodeAction.received_at >= since)
    if podcast:
        query = query.where(EpisodeAction.podcast == podcast.strip())
    if device:
        query = query.where(EpisodeAction.device == device)
    rows = list(db.scalars(query.order_by(EpisodeAction.id)))
    if aggregated:
        latest: dict[tuple[str, str], EpisodeAction] = {}
        for row in rows:
            latest[(row.podcast, row.episode)] = row
        rows = sorted(latest.values(), key=lambda row: row.id)
    return {"actions": [action_json(row) for row in rows], "timestamp": now_s()}


def action_json(row: EpisodeAction) -> dict[str, Any]:
    data: dict[str, Any] = {"podcast": row.podcast, "episode": row.episode, "action": row.action}
    for key in ("guid", "device", "timestamp", "started", "position", "total"):
        value = getattr(row, key)
        if value is not None:
            data[key] = value
    return data


def device_list(db: Session, *, user_id: int) -> list[dict[str, Any]]:
    devices = list(db.scalars(select(SyncDevice).where(SyncDevice.user_id == user_id).order_by(SyncDevice.device_id)))
    return [{"id": device.device_id, "caption": device.caption, "type": device.type,
             "subscriptions": len(subscriptions_of(db, group_device_pks(db, device)))} for device in devices]


def sync_status(db: Session, *, user_id: int) -> dict[str, Any]:
    groups: dict[int, list[str]] = {}
    alone: list[str] = []
    for device in db.scalars(select(SyncDevice).where(SyncDevice.user_id == user_id).order_by(SyncDevice.device_id)):
        if device.sync_group is None:
            alone.append(device.device_id)
        else:
            groups.setdefault(device.sync_group, []).append(device.device_id)
    synchronized = [sorted(ids) for ids in groups.values() if len(ids) > 1]
    alone += [ids[0] for ids in groups.values() if len(ids) == 1]
    return {"synchronized": sorted(synchronized), "not-synchronized": sorted(alone)}


def update_sync_groups(db: Session, *, user_id: int, synchronize: list[Any], stop: list[Any]) -> None:
    if not all(isinstance(group, list) and all(isinstance(d, str) for d in group) for group in synchronize):
        raise SyncError("synchronize must be a list of lists of device ids")
    if not all(isinstance(d, str) for d in stop):
        raise SyncError("stop-synchronize must be a list of device ids")
    for group in synchronize:
        devices = [get_device(db, user_id=user_id, device_id=str(d), create=False) for d in group]
        if any(device is None for device in devices):
            raise SyncError("unknown device in synchronize")
        existing = sorted({d.sync_group for d in devices if d is not None and d.sync_group is not None})
        number = existing[0] if existing else int(db.scalar(select(func.coalesce(func.max(SyncDevice.sync_group), 0))
                                                            .where(SyncDevice.user_id == user_id)) or 0) + 1
        for device in devices:
            assert device is not None
            if device.sync_group is not None and device.sync_group != number:
                # Merging two groups: every member of the other group follows.
                for other in db.scalars(select(SyncDevice).where(SyncDevice.user_id == user_id,
                                                                 SyncDevice.sync_group == device.sync_group)):
                    other.sync_group = number
            device.sync_group = number
    for device_id in stop:
        device = get_device(db, user_id=user_id, device_id=str(device_id), create=False)
        if device is None:
            raise SyncError("unknown device in stop-synchronize")
        if device.sync_group is not None:
            # Leaving keeps the group's subscriptions: copy them onto the device before it goes.
            group_subscriptions = subscriptions_of(db, group_device_pks(db, device))
            device.sync_group = None
            db.flush()
            mine = set(subscriptions_of(db, [device.id]))
            for url in group_subscriptions:
                if url not in mine:
                    db.add(SubscriptionChange(device_pk=device.id, url=url, action="add", received_at=now_s()))
    db.commit()

