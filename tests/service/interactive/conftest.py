"""Interactive-layer fixtures (on top of ``tests/service/conftest.py``: SQLite and PostgreSQL): a world
with a creator's claimed show and an interactive episode, and the vote writer and live hub stopped after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.context import ServiceContext
from tests.service.interactive.world import World, build_world
from tests.support.httpserver import LocalHTTPServer


@pytest.fixture(autouse=True)
def _stop_live_hub(app: FastAPI) -> Iterator[None]:
    yield
    batcher = getattr(app.state, "interactive_vote_batcher", None)
    if batcher is not None:
        batcher.stop()
    hub = getattr(app.state, "interactive_hub", None)
    if hub is not None:
        hub.stop()


@pytest.fixture
def world(client: TestClient, context: ServiceContext, http_server: LocalHTTPServer) -> World:
    return build_world(client, http_server)
