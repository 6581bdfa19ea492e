"""Server-rendered pages for listeners: sign in, the store, checkout, purchases, mail links.

Pages authenticate with the ``castwise_access`` cookie (HttpOnly, SameSite=Lax) and every form
carries a CSRF token bound to the device session. Templates autoescape everything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select

from service import accounts, store
from service.accounts import AccountError
from service.context import ServiceContext
from service.deps import ACCESS_COOKIE, Auth, ContextDep, SessionDep, resolve_auth
from service.models import Price, Purchase, Show
from service.routes.auth import check_sign_in
from service.routes.shows import price_public

router = APIRouter(include_in_schema=False)
WEB_SESSION_S = 12 * 60 * 60
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
                        autoescape=select_autoescape(["html"]))


def csrf_token(context: ServiceContext, auth: Auth) -> str:
    return context.tokens.keyed_hash(f"csrf:{auth.device_session.id}")[:32]


def render(context: ServiceContext, auth: Auth | None, template: str, *, status_code: int = 200,
           **values: Any) -> HTMLResponse:
    page = TEMPLATES.get_template(template).render(user=auth.user if auth else None,
                                                   csrf=csrf_token(context, auth) if auth else "", **values)
    return HTMLResponse(page, status_code=status_code, headers={"Cache-Control": "no-store"})


def page_auth(request: Request, context: ContextDep, db: SessionDep) -> Auth | None:
    return resolve_auth(request, context, db, from_cookie=True)


class SignInRequired(Exception):
    """Raised by pages that need an account; answered with a redirect to /signin."""


def require(request: Request, context: ContextDep, db: SessionDep, *, csrf: str | None = None) -> Auth:
    auth = page_auth(request, context, db)
    if auth is None:
        raise SignInRequired
    if csrf is not None and not context.urls.matches(csrf_token(context, auth), csrf):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the form expired; reload the page and try again")
    return auth


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/")
def home() -> RedirectResponse:
    return redirect("/store")


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, context: ContextDep, db: SessionDep) -> HTMLResponse:
    return render(context, page_auth(request, context, db), "signin.html", title="Sign in")


@router.post("/signin", response_class=HTMLResponse)
def signin(request: Request, context: ContextDep, db: SessionDep, login: Annotated[str, Form(max_length=254)],
           password: Annotated[str, Form(max_length=256)]) -> Response:
    try:
        user = check_sign_in(db, context, request, login=login, password=password)
    except AccountError as error:
        return render(context, None, "signin.html", title="Sign in", error=error.detail, status_code=error.status)
    pair = accounts.open_session(db, context, user=user, device_name="web browser")
    token = context.tokens.issue(user_id=user.id, session_id=pair.session_id, ttl_s=WEB_SESSION_S)
    response = redirect("/purchases")
    response.set_cookie(ACCESS_COOKIE, token, max_age=WEB_SESSION_S, httponly=True, samesite="lax",
                        secure=context.settings.public_url.startswith("https://"))
    return response


@router.post("/signout")
def signout(request: Request, context: ContextDep, db: SessionDep, csrf: Annotated[str, Form(max_length=100)]) -> Response:
    auth = require(request, context, db, csrf=csrf)
    accounts.revoke_session(db, device_session=auth.device_session, reason="signed-out")
    db.commit()
    response = redirect("/signin")
    response.delete_cookie(ACCESS_COOKIE)
    return response


@router.get("/store", response_class=HTMLResponse)
def store_page(request: Request, context: ContextDep, db: SessionDep) -> HTMLResponse:
    rows = db.execute(select(Price, Show.title).join(Show, Show.id == Price.show_id)
                      .where(Price.active.is_(True)).order_by(Show.title, Price.id)).all()
    return render(context, page_auth(request, context, db), "store.html", title="Store",
                  prices=[price_public(price, title) for price, title in rows])


@router.post("/store/buy")
def buy(request: Request, context: ContextDep, db: SessionDep, csrf: Annotated[str, Form(max_length=100)],
        price_id: Annotated[int, Form(ge=1, le=2**31 - 1)]) -> Response:
    auth = require(request, context, db, csrf=csrf)
    price = db.get(Price, price_id)
    if price is None or not price.active:
        return render(context, auth, "store.html", title="Store", prices=[], error="That offer is gone.", status_code=404)
    try:
        _, url = store.start_checkout(db, context, user=auth.user, price=price)
    except store.StoreError as error:
        return redirect("/purchases") if error.status == 409 else render(
            context, auth, "store.html", title="Store", prices=[], error=error.detail, status_code=error.status)
    base = context.settings.public_url.rstrip("/")
    return redirect(url.removeprefix(base) if url.startswith(base + "/") else url)


@router.get("/purchases", response_class=HTMLResponse)
def purchases_page(request: Request, context: ContextDep, db: SessionDep) -> HTMLResponse:
    auth = require(request, context, db)
    rows = db.execute(select(Purchase, Show.title).join(Show, Show.id == Purchase.show_id)
                      .where(Purchase.user_id == auth.user.id).order_by(Purchase.id.desc())).all()
    purchases = [{"created_at": row.created_at, "show_title": title, "amount_cents": row.amount_cents,
                  "currency": row.currency, "status": row.status} for row, title in rows]
    return render(context, auth, "purchases.html", title="Purchases", purchases=purchases,
                  entitlements=store.entitlement_list(db, context, user=auth.user))


@router.get("/verify-email", response_class=HTMLResponse)
def verify_email_page(request: Request, context: ContextDep, db: SessionDep,
                      token: Annotated[str, Query(max_length=512)] = "") -> HTMLResponse:
    return render(context, page_auth(request, context, db), "token_form.html", title="Confirm your e-mail address",
                  action="/verify-email", token=token, needs_password=False, button="Confirm")


@router.post("/verify-email", response_class=HTMLResponse)
def verify_email(context: ContextDep, db: SessionDep, token: Annotated[str, Form(max_length=512)]) -> HTMLResponse:
    try:
        user = accounts.use_one_time_token(db, context, token=token, purpose=accounts.VERIFY_EMAIL)
    except AccountError as error:
        return render(context, None, "base.html", title="Confirm your e-mail address", error=error.detail, status_code=400)
    user.email_verified = True
    db.commit()
    return render(context, None, "base.html", title="Confirm your e-mail address", notice="Thank you, it is confirmed.")


@router.get("/reset-password", response_class=HTMLResponse)
def reset_page(context: ContextDep, token: Annotated[str, Query(max_length=512)] = "") -> HTMLResponse:
    return render(context, None, "token_form.html", title="Choose a new password", action="/reset-password",
                  token=token, needs_password=True, button="Set password")


@router.post("/reset-password", response_class=HTMLResponse)
def reset(context: ContextDep, db: SessionDep, token: Annotated[str, Form(max_length=512)],
          new_password: Annotated[str, Form(min_length=10, max_length=256)]) -> HTMLResponse:
    try:
        user = accounts.use_one_time_token(db, context, token=token, purpose=accounts.RESET_PASSWORD)
    except AccountError as error:
        return render(context, None, "base.html", title="Choose a new password", error=error.detail, status_code=400)
    accounts.change_password(db, context, user=user, new_password=new_password, keep_session_id=None)
    return render(context, None, "base.html", title="Choose a new password", notice="Done. Sign in with it now.")
