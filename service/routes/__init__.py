"""One routes module per resource; :data:`ROUTERS` lists them in the order the app mounts them."""

from __future__ import annotations

from fastapi import APIRouter

from service.routes import account, app_passwords, auth, health, sessions

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    auth.router,
    account.router,
    sessions.router,
    app_passwords.router,
)
