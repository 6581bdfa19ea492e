"""Server-rendered pages for creators: claim a feed, set prices, see sales over time."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from service import claims, store
from service.deps import MAX_ID, ContextDep, ObjectId, SessionDep, not_found
from service.feedxml import FeedFormatError
from service.fetch import FetchError
from service.models import FeedClaim, PremiumEpisode, Price, Show
from service.routes.pages import redirect, render, require
from service.routes.shows import own_show, price_public, sales

router = APIRouter(prefix="/creator", include_in_schema=False)
Csrf = Annotated[str, Form(max_length=100)]


def _overview(request: Request, context: ContextDep, db: SessionDep, *, error: str | None = None,
              status_code: int = 200) -> HTMLResponse:
    auth = require(request, context, db)
    claims = db.scalars(select(FeedClaim).where(FeedClaim.user_id == auth.user.id).order_by(FeedClaim.id.desc())).all()
    shows = db.scalars(select(Show).where(Show.owner_id == auth.user.id).order_by(Show.title)).all()
    return render(context, auth, "creator.html", title="Creator", claims=claims, shows=shows, error=error,
                  status_code=status_code)


@router.get("", response_class=HTMLResponse)
def overview(request: Request, context: ContextDep, db: SessionDep) -> HTMLResponse:
    return _overview(request, context, db)


@router.post("/claims")
def create_claim(request: Request, context: ContextDep, db: SessionDep, csrf: Csrf,
                 feed_url: Annotated[str, Form(max_length=2000)]) -> Response:
    auth = require(request, context, db, csrf=csrf)
    feed_url = feed_url.strip()
    if not feed_url.startswith(("http://", "https://")):
        return _overview(request, context, db, error="The feed URL must start with http:// or https://", status_code=422)
    db.add(FeedClaim(user_id=auth.user.id, feed_url=feed_url, token=store.new_claim_token()))
    db.commit()
    return redirect("/creator")


@router.post("/claims/{claim_id}/verify")
def verify_claim(claim_id: ObjectId, request: Request, context: ContextDep, db: SessionDep, csrf: Csrf) -> Response:
    auth = require(request, context, db, csrf=csrf)
    claim = db.get(FeedClaim, claim_id)
    if claim is None or claim.user_id != auth.user.id:
        raise not_found("no such claim")
    try:
        show = claims.verify_claim(db, context, claim=claim)
    except (store.StoreError, FetchError, FeedFormatError) as error:
        db.rollback()
        detail = error.detail if isinstance(error, store.StoreError) else str(error)
        return _overview(request, context, db, error=f"Not verified: {detail}", status_code=422)
    if show is None:  # another creator owns the show: the claim waits for an operator
        return redirect("/creator")
    return redirect(f"/creator/shows/{show.id}")


def _show_page(request: Request, context: ContextDep, db: SessionDep, show_id: int, *, error: str | None = None,
               status_code: int = 200) -> HTMLResponse:
    auth = require(request, context, db)
    show = own_show(db, auth.user.id, show_id)
    prices = [price_public(row, show.title) for row in db.scalars(select(Price).where(Price.show_id == show.id)
                                                                   .order_by(Price.id))]
    episodes = {row.id: row.title for row in db.scalars(select(PremiumEpisode).where(PremiumEpisode.show_id == show.id)
                                                        .order_by(PremiumEpisode.published_at.desc()))}
    return render(context, auth, "show.html", title=show.title, show=show, prices=prices, episodes=episodes,
                  sales=sales(show.id, auth.user, db), error=error, status_code=status_code)


@router.get("/shows/{show_id}", response_class=HTMLResponse)
def show_page(show_id: ObjectId, request: Request, context: ContextDep, db: SessionDep) -> HTMLResponse:
    return _show_page(request, context, db, show_id)


@router.post("/shows/{show_id}/prices")
def set_price(show_id: ObjectId, request: Request, context: ContextDep, db: SessionDep, csrf: Csrf,
              amount: Annotated[str, Form(max_length=20)], currency: Annotated[str, Form(max_length=3)] = "USD",
              episode_id: Annotated[str, Form(max_length=12)] = "") -> Response:
    auth = require(request, context, db, csrf=csrf)
    show = own_show(db, auth.user.id, show_id)
    try:
        cents = int((Decimal(amount.strip()) * 100).to_integral_value())
    except (InvalidOperation, ValueError):
        cents = 0
    currency = currency.strip().upper()
    if not 50 <= cents <= 100_000_00 or len(currency) != 3 or not currency.isalpha():
        return _show_page(request, context, db, show.id, error="Enter a price between 0.50 and 100000 and a "
                          "three-letter currency code.", status_code=422)
    episode: int | None = None
    if episode_id.strip():
        # ASCII digits within the id range only: "²" passes str.isdigit() and a 12-digit id
        # overflows PostgreSQL's integer; both simply name no episode.
        text = episode_id.strip()
        episode = int(text) if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_ID else None
        row = db.get(PremiumEpisode, episode) if episode is not None else None
        if row is None or row.show_id != show.id:
            raise not_found("no such episode in this show")
    for old in db.scalars(select(Price).where(Price.show_id == show.id, Price.active.is_(True))):
        if old.episode_id == episode:
            old.active = False
    db.add(Price(show_id=show.id, episode_id=episode, amount_cents=cents, currency=currency))
    db.commit()
    return redirect(f"/creator/shows/{show.id}")
