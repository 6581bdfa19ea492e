"""Routes of the interactive layer, one module per resource; :data:`ROUTERS` in mounting order."""

from __future__ import annotations

from fastapi import APIRouter

from service.interactive import pages
from service.interactive.routes import comments, episodes, live, polls, questions, timeline

ROUTERS: tuple[APIRouter, ...] = (
    episodes.router,
    polls.router,
    questions.router,
    comments.router,
    timeline.router,
    live.router,
    pages.router,
)
