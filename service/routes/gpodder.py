"""The gpodder.net API v2 subset that AntennaPod, gPodder and Kasts use.

Bodies are JSON; malformed bodies answer 400 (gpodder.net's convention) with nothing stored.
Timestamps are ``YYYY-MM-DDTHH:MM:SS`` UTC; uploads always answer ``update_urls``.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import delete

from service import sync
from service.deps import ContextDep, SessionDep
from service.models import SyncSession
from service.sync_auth import SESSION_COOKIE, SyncUser

router = APIRouter(prefix="/api/2", tags=["gpodder sync"])
BAD: dict[int | str, dict[str, Any]] = {400: {"description": "malformed request"},
                                        401: {"description": "authentication required"}}


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError):
        raise sync.SyncError("the body is not valid JSON") from None


@router.post("/auth/{username}/login.json", responses=BAD)
def login(username: str, user: SyncUser) -> dict[str, str]:
    """Basic credentials open a session; its ``sessionid`` cookie is set by the sync middleware."""
    return {}


@router.post("/auth/{username}/logout.json", responses=BAD)
def logout(username: str, request: Request, user: SyncUser, context: ContextDep, db: SessionDep) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        db.execute(delete(SyncSession).where(SyncSession.token_hash == context.tokens.keyed_hash(cookie),
                                             SyncSession.user_id == user.id))
        db.commit()
    response = JSONResponse({})
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/devices/{username}.json", responses=BAD)
def list_devices(username: str, user: SyncUser, db: SessionDep) -> list[dict[str, Any]]:
    return sync.device_list(db, user_id=user.id)


@router.post("/devices/{username}/{device_id}.json", responses=BAD)
async def update_device(username: str, device_id: str, request: Request, user: SyncUser, db: SessionDep) -> dict[str, Any]:
    body = await _json(request)
    if not isinstance(body, dict):
        raise sync.SyncError("the body must be a JSON object")
    caption, kind = body.get("caption"), body.get("type")
    if caption is not None and (not isinstance(caption, str) or len(caption) > 200):
        raise sync.SyncError("caption must be a string of at most 200 characters")
    if kind is not None and kind not in sync.DEVICE_TYPES:
        raise sync.SyncError(f"type must be one of {', '.join(sorted(sync.DEVICE_TYPES))}")
    device = sync.get_device(db, user_id=user.id, device_id=device_id, create=True)
    assert device is not None
    if caption is not None:
        device.caption = caption
    if kind is not None:
        device.type = kind
    db.commit()
    return {}


@router.get("/subscriptions/{username}/{device_id}.json", responses=BAD)
def download_subscriptions(username: str, device_id: str, user: SyncUser, db: SessionDep,
                           since: int = Query(default=0, ge=0, le=2**40)) -> dict[str, Any]:
    device = sync.get_device(db, user_id=user.id, device_id=device_id, create=True)
    db.commit()
    assert device is not None
    return sync.subscription_delta(db, device, since=since)


@router.post("/subscriptions/{username}/{device_id}.json", responses=BAD)
async def upload_subscriptions(username: str, device_id: str, request: Request, user: SyncUser,
                               db: SessionDep) -> dict[str, Any]:
    body = await _json(request)
    if not isinstance(body, dict):
        raise sync.SyncError("the body must be a JSON object with add and remove lists")
    add, remove = body.get("add", []), body.get("remove", [])
    if not isinstance(add, list) or not isinstance(remove, list):
        raise sync.SyncError("add and remove must be lists of URLs")
    device = sync.get_device(db, user_id=user.id, device_id=device_id, create=True)
    assert device is not None
    return sync.upload_subscription_changes(db, device, add=add, remove=remove)


@router.get("/episodes/{username}.json", responses=BAD)
def download_episode_actions(username: str, user: SyncUser, db: SessionDep,
                             since: int = Query(default=0, ge=0, le=2**40),
                             podcast: str | None = Query(default=None, max_length=sync.MAX_URL),
                             device: str | None = Query(default=None, max_length=100),
                             aggregated: bool = False) -> dict[str, Any]:
    return sync.download_episode_actions(db, user_id=user.id, since=since, podcast=podcast, device=device,
                                         aggregated=aggregated)


@router.post("/episodes/{username}.json", responses=BAD)
async def upload_episode_actions(username: str, request: Request, user: SyncUser, db: SessionDep) -> dict[str, Any]:
    return sync.upload_episode_actions(db, user_id=user.id, actions=await _json(request))


@router.get("/sync-devices/{username}.json", responses=BAD)
def sync_groups(username: str, user: SyncUser, db: SessionDep) -> dict[str, Any]:
    return sync.sync_status(db, user_id=user.id)


@router.post("/sync-devices/{username}.json", responses=BAD)
async def update_sync_groups(username: str, request: Request, user: SyncUser, db: SessionDep) -> dict[str, Any]:
    body = await _json(request)
    if not isinstance(body, dict):
        raise sync.SyncError("the body must be a JSON object")
    synchronize, stop = body.get("synchronize", []), body.get("stop-synchronize", [])
    if not isinstance(synchronize, list) or not isinstance(stop, list):
        raise sync.SyncError("synchronize and stop-synchronize must be lists")
    sync.update_sync_groups(db, user_id=user.id, synchronize=synchronize, stop=stop)
    return sync.sync_status(db, user_id=user.id)

