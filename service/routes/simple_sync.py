"""gpodder.net's simple subscriptions API: a device's (or all) subscriptions as OPML, JSON or text."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select

from service import sync
from service.deps import ContextDep, SessionDep, not_found
from service.models import SyncDevice, User
from service.sync_auth import sync_user

router = APIRouter(prefix="/subscriptions", tags=["gpodder sync"])
FORMATS = {"opml": "text/x-opml; charset=utf-8", "json": "application/json", "txt": "text/plain; charset=utf-8"}
BAD: dict[int | str, dict[str, Any]] = {400: {"description": "malformed request"}, 401: {"description": "authentication required"},
       404: {"description": "unknown format or device"}}


def _split(name: str) -> tuple[str, str]:
    stem, dot, fmt = name.rpartition(".")
    if not dot or fmt not in FORMATS or not stem:
        raise not_found("use .opml, .json or .txt")
    return stem, fmt


def _render(urls: list[str], fmt: str) -> Response:
    if fmt == "json":
        body = json.dumps(urls)
    elif fmt == "txt":
        body = "".join(url + "\n" for url in urls)
    else:
        opml = ET.Element("opml", {"version": "2.0"})
        ET.SubElement(ET.SubElement(opml, "head"), "title").text = "Castwise subscriptions"
        outline_body = ET.SubElement(opml, "body")
        for url in urls:
            ET.SubElement(outline_body, "outline", {"type": "rss", "text": url, "xmlUrl": url})
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(opml, encoding="unicode")
    return Response(body, media_type=FORMATS[fmt])


def _parse(body: bytes, fmt: str) -> list[str]:
    try:
        if fmt == "json":
            data = json.loads(body or b"[]")
            if not isinstance(data, list) or not all(isinstance(url, str) for url in data):
                raise sync.SyncError("the body must be a JSON list of URLs")
            return data
        if fmt == "txt":
            return [line.strip() for line in body.decode("utf-8").splitlines() if line.strip()]
        if b"<!doctype" in body.lower() or b"<!entity" in body.lower():
            raise sync.SyncError("OPML with a DOCTYPE is not accepted")
        root = ET.fromstring(body)
        return [outline.get("xmlUrl", "") for outline in root.iter("outline") if outline.get("xmlUrl")]
    except (ValueError, UnicodeDecodeError, ET.ParseError):
        raise sync.SyncError(f"the body is not valid {fmt}") from None


def _user_for(username_file: str, request: Request, context: ContextDep, db: SessionDep) -> tuple[User, str]:
    username, fmt = _split(username_file)
    return sync_user(username, request, context, db), fmt


@router.get("/{username_file}", responses=BAD, summary="All subscriptions of the account")
def all_subscriptions(auth: Annotated[tuple[User, str], Depends(_user_for)], db: SessionDep) -> Response:
    user, fmt = auth
    devices = list(db.scalars(select(SyncDevice.id).where(SyncDevice.user_id == user.id)))
    return _render(sync.subscriptions_of(db, devices), fmt)


@router.get("/{username}/{device_file}", responses=BAD, summary="A device's subscriptions")
def device_subscriptions(username: str, device_file: str, request: Request, context: ContextDep,
                         db: SessionDep) -> Response:
    user = sync_user(username, request, context, db)
    device_id, fmt = _split(device_file)
    device = sync.get_device(db, user_id=user.id, device_id=device_id, create=False)
    if device is None:
        raise not_found("no such device")
    return _render(sync.subscriptions_of(db, sync.group_device_pks(db, device)), fmt)


@router.put("/{username}/{device_file}", responses=BAD, summary="Replace a device's subscriptions")
async def put_subscriptions(username: str, device_file: str, request: Request, context: ContextDep,
                            db: SessionDep) -> Response:
    user = sync_user(username, request, context, db)
    device_id, fmt = _split(device_file)
    urls = _parse(await request.body(), fmt)
    device = sync.get_device(db, user_id=user.id, device_id=device_id, create=True)
    assert device is not None
    sync.replace_subscriptions(db, device, urls)
    return Response("", media_type="text/plain")
