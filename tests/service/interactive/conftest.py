"""Interactive-layer fixtures (on top of ``tests/service/conftest.py``: SQLite and PostgreSQL): a world
with a creator's claimed show and an interactive episode, and the vote writer and live hub stopped after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.context import ServiceContext
from service.interactive.ballots import VoteBatcher
from service.interactive.live import LiveHub
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


BATCH_LINGER_S = 2.0
"""How long the ``batcher`` waits after the first vote: every vote sent together joins its batch."""


@pytest.fixture
def batcher(app: FastAPI, context: ServiceContext) -> Iterator[VoteBatcher]:
    """A batcher that waits long enough for simultaneous votes to share one transaction."""
    hub = LiveHub(context.engine, context.sessions)
    app.state.interactive_hub = hub
    app.state.interactive_vote_batcher = VoteBatcher(context, hub, linger_s=BATCH_LINGER_S)
    yield app.state.interactive_vote_batcher
