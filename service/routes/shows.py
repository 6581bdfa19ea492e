"""A creator's shows: premium episodes (uploads or a mirrored private feed), prices and sales."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Response, UploadFile, status
from sqlalchemy import select

from protocol.store import (
    PremiumEpisodePublic,
    PriceCreate,
    PricePublic,
    SalesPoint,
    ShowPublic,
    SourceFeedCreate,
)
from service import store
from service.db import utcnow
from service.deps import ContextDep, CurrentUser, ObjectId, SessionDep, not_found
from service.fetch import check_url
from service.models import PremiumEpisode, Price, Purchase, Show
from service.security import new_token
from service.storage import StorageFull

router = APIRouter(prefix="/api/v1", tags=["creators"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such show"}}


def show_public(show: Show) -> ShowPublic:
    return ShowPublic(id=show.id, title=show.title, feed_url=show.feed_url, verified_at=show.verified_at,
                      source_feed_configured=bool(show.source_feed_url))


def episode_public(row: PremiumEpisode) -> PremiumEpisodePublic:
    return PremiumEpisodePublic(id=row.id, show_id=row.show_id, guid=row.guid, title=row.title,
                                published_at=row.published_at, media_type=row.media_type, size_bytes=row.size_bytes,
                                source="upload" if row.storage_key else "mirror")


def price_public(price: Price, show_title: str) -> PricePublic:
    return PricePublic(id=price.id, show_id=price.show_id, show_title=show_title, episode_id=price.episode_id,
                       amount_cents=price.amount_cents, currency=price.currency, active=price.active)


def own_show(db: SessionDep, user_id: int, show_id: int) -> Show:
    show = db.get(Show, show_id)
    if show is None or show.owner_id != user_id:
        raise not_found("no such show")
    return show


@router.get("/shows", response_model=list[ShowPublic])
def list_shows(user: CurrentUser, db: SessionDep) -> list[ShowPublic]:
    return [show_public(row) for row in db.scalars(select(Show).where(Show.owner_id == user.id).order_by(Show.id))]


@router.get("/shows/{show_id}", response_model=ShowPublic, responses=NOT_FOUND)
def read_show(show_id: ObjectId, user: CurrentUser, db: SessionDep) -> ShowPublic:
    return show_public(own_show(db, user.id, show_id))


@router.put("/shows/{show_id}/source", response_model=ShowPublic, responses=NOT_FOUND)
def set_source_feed(show_id: ObjectId, body: SourceFeedCreate, user: CurrentUser, context: ContextDep,
                    db: SessionDep) -> ShowPublic:
    show = own_show(db, user.id, show_id)
    check_url(body.url, allow_internal=context.settings.allow_internal_fetch)
    show.source_feed_url = body.url
    db.commit()
    return show_public(show)


@router.post("/shows/{show_id}/source/sync", response_model=list[PremiumEpisodePublic], responses=NOT_FOUND)
def sync_source_feed(show_id: ObjectId, user: CurrentUser, context: ContextDep, db: SessionDep) -> list[PremiumEpisodePublic]:
    show = own_show(db, user.id, show_id)
    store.mirror_source_feed(db, context, show=show)
    return list_episodes(show_id, user, db)


@router.get("/shows/{show_id}/episodes", response_model=list[PremiumEpisodePublic], responses=NOT_FOUND)
def list_episodes(show_id: ObjectId, user: CurrentUser, db: SessionDep) -> list[PremiumEpisodePublic]:
    own_show(db, user.id, show_id)
    rows = db.scalars(select(PremiumEpisode).where(PremiumEpisode.show_id == show_id)
                      .order_by(PremiumEpisode.published_at.desc(), PremiumEpisode.id))
    return [episode_public(row) for row in rows]


@router.post("/shows/{show_id}/episodes", status_code=status.HTTP_201_CREATED, response_model=PremiumEpisodePublic,
             responses={**NOT_FOUND, 413: {"description": "file too large"}})
def upload_episode(show_id: ObjectId, title: Annotated[str, Form(min_length=1, max_length=500)],
                   media: Annotated[UploadFile, File()], user: CurrentUser, context: ContextDep,
                   db: SessionDep, description: Annotated[str, Form(max_length=20000)] = "") -> PremiumEpisodePublic:
    own_show(db, user.id, show_id)
    if "\x00" in title or "\x00" in description:  # multipart bodies are not screened by RefuseNul
        raise store.StoreError(422, "NUL characters are not accepted")
    media_type = (media.content_type or "").split(";")[0].strip().lower()
    if not media_type.startswith(("audio/", "video/")):
        raise store.StoreError(415, "premium media must be audio or video")
    try:
        key, size = context.storage.put(media.file, max_bytes=context.settings.max_upload_bytes)
    except StorageFull as error:
        raise store.StoreError(413, str(error)) from None
    row = PremiumEpisode(show_id=show_id, guid=f"castwise-{new_token(12)}", title=title, description=description,
                         published_at=utcnow(), media_type=media_type, size_bytes=size, storage_key=key)
    db.add(row)
    db.commit()
    return episode_public(row)


@router.post("/shows/{show_id}/prices", status_code=status.HTTP_201_CREATED, response_model=PricePublic,
             responses=NOT_FOUND)
def create_price(show_id: ObjectId, body: PriceCreate, user: CurrentUser, db: SessionDep) -> PricePublic:
    show = own_show(db, user.id, show_id)
    if body.episode_id is not None:
        episode = db.get(PremiumEpisode, body.episode_id)
        if episode is None or episode.show_id != show.id:
            raise not_found("no such episode in this show")
    # One active price per item: a new price replaces the old one for future checkouts.
    for old in db.scalars(select(Price).where(Price.show_id == show.id, Price.active.is_(True))):
        if old.episode_id == body.episode_id:
            old.active = False
    price = Price(show_id=show.id, episode_id=body.episode_id, amount_cents=body.amount_cents, currency=body.currency)
    db.add(price)
    db.commit()
    return price_public(price, show.title)


@router.get("/shows/{show_id}/prices", response_model=list[PricePublic], responses=NOT_FOUND)
def list_prices(show_id: ObjectId, user: CurrentUser, db: SessionDep) -> list[PricePublic]:
    show = own_show(db, user.id, show_id)
    return [price_public(row, show.title)
            for row in db.scalars(select(Price).where(Price.show_id == show.id).order_by(Price.id))]


@router.delete("/prices/{price_id}", status_code=status.HTTP_204_NO_CONTENT,
               responses={404: {"description": "no such price"}})
def withdraw_price(price_id: ObjectId, user: CurrentUser, db: SessionDep) -> Response:
    price = db.get(Price, price_id)
    if price is None:
        raise not_found("no such price")
    own_show(db, user.id, price.show_id)
    price.active = False
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/shows/{show_id}/sales", response_model=list[SalesPoint], responses=NOT_FOUND)
def sales(show_id: ObjectId, user: CurrentUser, db: SessionDep) -> list[SalesPoint]:
    """Paid purchases per UTC day (refunded and disputed ones are not counted)."""
    own_show(db, user.id, show_id)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in db.scalars(select(Purchase).where(Purchase.show_id == show_id, Purchase.status == "paid")):
        day = (row.paid_at or row.created_at).date().isoformat()
        totals[day][0] += 1
        totals[day][1] += row.amount_cents
    return [SalesPoint(day=day, purchases=count, revenue_cents=cents) for day, (count, cents) in sorted(totals.items())]
