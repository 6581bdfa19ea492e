"""The built-in test payment provider's own pages: what Stripe Checkout would show, in miniature.

Paying sends the provider's signed webhook through the same verification as a real delivery.
Only mounted when the test provider is configured (development, tests, demos).
"""

from __future__ import annotations

import html

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from service import store
from service.deps import ContextDep, SessionDep, not_found
from service.models import Purchase, Show
from service.payments import CHECKOUT_COMPLETED, CHECKOUT_EXPIRED

router = APIRouter(prefix="/test-provider", tags=["test payment provider"], include_in_schema=False)


def _pending(db: SessionDep, reference: str) -> Purchase:
    purchase = db.scalar(select(Purchase).where(Purchase.provider_ref == reference))
    if purchase is None:
        raise not_found("no such checkout")
    return purchase


@router.get("/checkout/{reference}", response_class=HTMLResponse)
def checkout_page(reference: str, db: SessionDep) -> HTMLResponse:
    purchase = _pending(db, reference)
    show = db.get(Show, purchase.show_id)
    title = html.escape(show.title if show else "Castwise")
    amount = f"{purchase.amount_cents / 100:.2f} {html.escape(purchase.currency)}"
    if purchase.status != "pending":
        body = f"<p id='status'>This checkout is {html.escape(purchase.status)}.</p><a href='/purchases'>Your purchases</a>"
    else:
        body = (f"<p>Pay <strong id='amount'>{amount}</strong> for <strong>{title}</strong> (test card, no money moves).</p>"
                f"<form method='post' action='/test-provider/checkout/{html.escape(reference)}/pay'>"
                "<button id='pay' type='submit'>Pay</button></form>"
                f"<form method='post' action='/test-provider/checkout/{html.escape(reference)}/cancel'>"
                "<button id='cancel' type='submit'>Cancel</button></form>")
    return HTMLResponse(f"<!doctype html><html><head><meta charset='utf-8'><title>Test checkout</title></head>"
                        f"<body><h1>Test checkout</h1>{body}</body></html>")


def _deliver(context: ContextDep, db: SessionDep, reference: str, event_type: str) -> None:
    body, headers = context.payments.build_event(event_type=event_type, reference=reference)
    event = context.payments.parse_webhook(body, headers)
    store.apply_payment_event(db, context, event)


@router.post("/checkout/{reference}/pay")
def pay(reference: str, context: ContextDep, db: SessionDep) -> RedirectResponse:
    _pending(db, reference)
    _deliver(context, db, reference, CHECKOUT_COMPLETED)
    return RedirectResponse("/purchases", status_code=303)


@router.post("/checkout/{reference}/cancel")
def cancel(reference: str, context: ContextDep, db: SessionDep) -> RedirectResponse:
    _pending(db, reference)
    _deliver(context, db, reference, CHECKOUT_EXPIRED)
    return RedirectResponse("/store", status_code=303)
