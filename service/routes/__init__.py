"""One routes module per resource; :data:`ROUTERS` lists them in the order the app mounts them."""

from __future__ import annotations

from fastapi import APIRouter

from service.interactive.routes import ROUTERS as INTERACTIVE_ROUTERS
from service.routes import (
    account,
    admin,
    app_passwords,
    auth,
    checkout,
    claims,
    creator_pages,
    entitlements,
    feeds,
    gpodder,
    health,
    pages,
    sessions,
    shows,
    simple_sync,
    test_provider,
)

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    auth.router,
    account.router,
    sessions.router,
    app_passwords.router,
    claims.router,
    admin.router,
    shows.router,
    checkout.router,
    entitlements.router,
    feeds.router,
    test_provider.router,
    gpodder.router,
    simple_sync.router,
    pages.router,
    creator_pages.router,
    *INTERACTIVE_ROUTERS,
)
