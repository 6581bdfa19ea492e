"""The FastAPI application factory: ``create_app(settings)`` builds the context and mounts routes.

Every error a client can cause answers a JSON ``{"detail": ...}`` with a 4xx status; anything
unexpected is logged (without secrets) and answered 500 with a generic message, never a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import redaction
from service.accounts import AccountError
from service.context import ServiceContext, build_context
from service.feedxml import FeedFormatError
from service.fetch import FetchError
from service.interactive.vote_path import VoteShortcut
from service.routes.pages import SignInRequired
from service.settings import Settings, load_settings
from service.store import StoreError
from service.sync import SyncError
from service.sync_auth import SessionCookieMiddleware
from service.textguard import RefuseNul

log = logging.getLogger("castwise.service")

UPLOAD_PATH_SUFFIX = "/episodes"


class BodyLimit:
    """Answer 413 to request bodies over ``max_bytes`` (uploads get ``upload_bytes``), counted as
    they stream in, so a lying or missing Content-Length changes nothing."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, upload_bytes: int) -> None:
        self.app, self.max_bytes, self.upload_bytes = app, max_bytes, upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_bytes if scope["path"].endswith(UPLOAD_PATH_SUFFIX) else self.max_bytes
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(send)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await _too_large(send)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send) -> None:
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"detail":"request body too large"}'})


def create_app(settings: Settings | None = None, *, context: ServiceContext | None = None) -> FastAPI:
    """The service as an ASGI app. Migrations are not run here (``castwise serve`` runs them)."""
    if context is None:
        context = build_context(settings or load_settings())
    redaction.install()
    app = FastAPI(title="Castwise service", version="1", docs_url="/api/docs", redoc_url=None,
                  openapi_url="/api/openapi.json")
    app.state.context = context
    _install_error_handlers(app)
    from service.routes import ROUTERS

    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(SessionCookieMiddleware,  # type: ignore[arg-type]
                       secure=context.settings.public_url.startswith("https://"))
    app.add_middleware(RefuseNul)  # type: ignore[arg-type]  (inside BodyLimit: buffers bounded bodies)
    app.add_middleware(BodyLimit, max_bytes=context.settings.max_body_bytes,  # type: ignore[arg-type]
                       upload_bytes=context.settings.max_upload_bytes)
    # Outermost: a well-formed vote skips the stack; anything else (too large, NUL, malformed)
    # falls through to it unchanged, limits and checks included.
    app.add_middleware(VoteShortcut)  # type: ignore[arg-type]
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AccountError)
    async def _account_error(_request: Request, error: AccountError) -> JSONResponse:
        headers = {"Retry-After": str(error.retry_after_s)} if error.retry_after_s else None
        if error.status == 401:
            headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
        return JSONResponse({"detail": error.detail}, status_code=error.status, headers=headers)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _error: SignInRequired) -> RedirectResponse:
        return RedirectResponse("/signin", status_code=303)

    @app.exception_handler(StoreError)
    async def _store_error(_request: Request, error: StoreError) -> JSONResponse:
        return JSONResponse({"detail": error.detail}, status_code=error.status)

    @app.exception_handler(SyncError)
    async def _sync_error(_request: Request, error: SyncError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=400)

    @app.exception_handler(FetchError)
    async def _fetch_error(_request: Request, error: FetchError) -> JSONResponse:
        return JSONResponse({"detail": f"the feed could not be used: {error}"}, status_code=422)

    @app.exception_handler(FeedFormatError)
    async def _feed_error(_request: Request, error: FeedFormatError) -> JSONResponse:
        return JSONResponse({"detail": f"the feed could not be read: {error}"}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        # Echo where and what, never the submitted values (they may be passwords).
        problems: list[dict[str, Any]] = [
            {"loc": list(item.get("loc", ())), "msg": item.get("msg", ""), "type": item.get("type", "")}
            for item in error.errors()
        ]
        return JSONResponse({"detail": problems}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.error("unexpected %s on %s %s", type(error).__name__, request.method, redaction.redact(request.url.path))
        return JSONResponse({"detail": "internal error; the operator has been told"}, status_code=500)
