"""What an entitled listener's podcast app fetches: the private feed and signed media URLs.

Both check the live entitlement on every request, so a refund stops them at once; a bad token,
signature or expiry answers 404 (nothing tells a guesser which part was wrong).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse, RedirectResponse, StreamingResponse
from sqlalchemy import or_, select

from service import feedxml, store
from service.deps import ContextDep, ObjectId, SessionDep, not_found
from service.fetch import FetchError, FetchUnreachable, open_stream
from service.models import Entitlement, PremiumEpisode, Show, User

router = APIRouter(tags=["private feeds"])
REMOTE_URL_TTL_S = 60
"""Lifetime of a presigned storage URL: long enough to start a download, short enough that a
revoked listener cannot keep one."""


@router.get("/feeds/{user_id}/{show_id}/{token}.xml", response_class=Response,
            responses={200: {"content": {"application/rss+xml": {}}}, 404: {"description": "unknown or revoked"}})
def private_feed(user_id: ObjectId, show_id: ObjectId, token: str, context: ContextDep, db: SessionDep) -> Response:
    user = db.get(User, user_id)
    show = db.get(Show, show_id)
    if user is None or show is None:
        raise not_found()
    expected = context.urls.feed_token(user_id=user.id, show_id=show.id, feed_secret=user.feed_secret)
    if not context.urls.matches(expected, token):
        raise not_found()
    live = db.scalars(select(Entitlement).where(Entitlement.user_id == user.id, Entitlement.show_id == show.id,
                                                Entitlement.revoked_at.is_(None))).all()
    if not live:
        raise not_found()
    whole_show = any(row.episode_id is None for row in live)
    episode_ids = {row.episode_id for row in live if row.episode_id is not None}
    query = select(PremiumEpisode).where(PremiumEpisode.show_id == show.id)
    if not whole_show:
        query = query.where(or_(PremiumEpisode.id.in_(episode_ids)))
    entries = [
        feedxml.FeedEntry(guid=row.guid, title=row.title, description=row.description,
                          media_url=store.media_url(context, user=user, episode_id=row.id),
                          media_type=row.media_type, size_bytes=row.size_bytes, published_at=row.published_at)
        for row in db.scalars(query.order_by(PremiumEpisode.published_at.desc()))
    ]
    document = feedxml.render_private_feed(title=show.title, description=show.description, link=show.feed_url,
                                           entries=entries)
    return Response(document, media_type="application/rss+xml",
                    headers={"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"})


@router.get("/media/{episode_id}", responses={200: {"content": {"audio/mpeg": {}}}, 404: {"description": "no access"}})
def media(episode_id: ObjectId, request: Request, context: ContextDep, db: SessionDep,
          u: int = Query(ge=1, le=2**31 - 1), exp: int = Query(ge=0, le=2**40), sig: str = Query(min_length=10, max_length=100)) -> Response:
    episode = db.get(PremiumEpisode, episode_id)
    user = db.get(User, u)
    if episode is None or user is None or exp < time.time():
        raise not_found()
    expected = context.urls.media_signature(user_id=user.id, episode_id=episode.id, expires_s=exp,
                                            feed_secret=user.feed_secret)
    if not context.urls.matches(expected, sig):
        raise not_found()
    if not store.has_access(db, user_id=user.id, show_id=episode.show_id, episode_id=episode.id):
        raise not_found()
    if episode.storage_key:
        path = context.storage.path(episode.storage_key)
        if path is not None:
            return FileResponse(path, media_type=episode.media_type, headers={"Cache-Control": "private, no-store"})
        remote = context.storage.url(episode.storage_key, expires_s=REMOTE_URL_TTL_S)
        if remote is None:
            raise not_found()
        return RedirectResponse(remote, status_code=302, headers={"Cache-Control": "private, no-store"})
    if not episode.source_media_url:  # media deleted with a departed creator's account
        raise not_found()
    return _proxy(context, episode.source_media_url, request.headers.get("range"), episode.media_type)


def _proxy(context: ContextDep, url: str, byte_range: str | None, media_type: str) -> Response:
    """Stream a mirrored episode from the creator's private host (the listener never sees its URL).

    Every hop is resolved once, checked and pinned (``service.fetch``), redirects included.
    """
    client = httpx.Client(timeout=context.settings.fetch_timeout_s, follow_redirects=False, trust_env=False)
    headers = {"Range": byte_range} if byte_range else {}
    try:
        upstream = open_stream(client, url, allow_internal=context.settings.allow_internal_fetch, headers=headers)
    except FetchUnreachable:
        client.close()
        return Response("the creator's media host is unreachable", status_code=502)
    except FetchError:  # refused: an internal address, a bad scheme, too many redirects
        client.close()
        raise not_found() from None
    if upstream.status_code not in (200, 206):
        upstream.close()
        client.close()
        raise not_found()

    def body() -> Iterator[bytes]:
        try:
            yield from upstream.iter_bytes(64 * 1024)
        finally:
            upstream.close()
            client.close()

    passed = {name: upstream.headers[name] for name in ("content-length", "content-range", "accept-ranges")
              if name in upstream.headers}
    return StreamingResponse(body(), status_code=upstream.status_code, media_type=media_type,
                             headers={**passed, "Cache-Control": "private, no-store"})
