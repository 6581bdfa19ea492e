"""Listeners buy: the public catalogue of prices, checkout, their purchases, and the payment
provider's webhook."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from sqlalchemy import select

from protocol.store import CheckoutCreate, CheckoutPublic, PricePublic, PurchasePublic
from service import store
from service.deps import ContextDep, CurrentUser, ObjectId, SessionDep, not_found
from service.models import Price, Purchase, Show
from service.payments import WebhookRejected
from service.routes.shows import price_public

router = APIRouter(prefix="/api/v1", tags=["store"])


def purchase_public(row: Purchase) -> PurchasePublic:
    return PurchasePublic(id=row.id, price_id=row.price_id, show_id=row.show_id, episode_id=row.episode_id,
                          amount_cents=row.amount_cents, currency=row.currency, status=row.status,  # type: ignore[arg-type]
                          created_at=row.created_at, paid_at=row.paid_at)


@router.get("/store/prices", response_model=list[PricePublic], summary="Everything on sale")
def catalogue(db: SessionDep) -> list[PricePublic]:
    rows = db.execute(select(Price, Show.title).join(Show, Show.id == Price.show_id)
                      .where(Price.active.is_(True)).order_by(Price.id)).all()
    return [price_public(price, title) for price, title in rows]


@router.post("/checkout", status_code=status.HTTP_201_CREATED, response_model=CheckoutPublic,
             responses={404: {"description": "no such price"}, 409: {"description": "already owned"}})
def checkout(body: CheckoutCreate, user: CurrentUser, context: ContextDep, db: SessionDep) -> CheckoutPublic:
    price = db.get(Price, body.price_id)
    if price is None or not price.active:
        raise not_found("no such price")
    purchase, url = store.start_checkout(db, context, user=user, price=price)
    return CheckoutPublic(purchase_id=purchase.id, checkout_url=url, status=purchase.status)


@router.get("/purchases", response_model=list[PurchasePublic])
def list_purchases(user: CurrentUser, db: SessionDep) -> list[PurchasePublic]:
    return [purchase_public(row) for row in db.scalars(select(Purchase).where(Purchase.user_id == user.id)
                                                       .order_by(Purchase.id))]


@router.get("/purchases/{purchase_id}", response_model=PurchasePublic, responses={404: {"description": "no such purchase"}})
def read_purchase(purchase_id: ObjectId, user: CurrentUser, db: SessionDep) -> PurchasePublic:
    row = db.get(Purchase, purchase_id)
    if row is None or row.user_id != user.id:
        raise not_found("no such purchase")
    return purchase_public(row)


@router.post("/payments/webhook", responses={400: {"description": "unsigned, forged, stale or malformed"}})
async def payment_webhook(request: Request, context: ContextDep) -> dict[str, str]:
    """The payment provider's signed events (checkout completed, refunds, disputes)."""
    body = await request.body()
    try:
        event = context.payments.parse_webhook(body, dict(request.headers))
    except WebhookRejected as error:
        raise store.StoreError(400, str(error)) from None
    from starlette.concurrency import run_in_threadpool

    def apply() -> str:
        with context.sessions() as db:
            return store.apply_payment_event(db, context, event)

    return {"result": await run_in_threadpool(apply)}
