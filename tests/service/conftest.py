"""Service fixtures: every test runs against SQLite AND a real PostgreSQL 15, each test in its
own fresh database copied from a migrated template (so tests share nothing)."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from service.context import ServiceContext, build_context
from service.db import make_engine
from service.main import create_app
from service.migrate import upgrade
from service.settings import Settings
from tests.support.postgres import PostgresServer

BACKENDS = ["sqlite", "postgres"]
_counter = itertools.count()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    try:
        engine = create_engine(server.url(), poolclass=NullPool, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("CREATE DATABASE castwise_template"))
        engine.dispose()
        template = make_engine(server.url("castwise_template"))
        upgrade(template)
        template.dispose()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "castwise.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database for this test only."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "service.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    yield from postgres_database(request.getfixturevalue("postgres_server"))


def postgres_database(server: PostgresServer) -> Iterator[str]:
    """A fresh database copied from the migrated template; dropped afterwards."""
    name = f"castwise_test_{next(_counter)}"
    admin = create_engine(server.url(), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name} TEMPLATE castwise_template"))
    try:
        yield server.url(name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Development settings with cheap argon2 (the benchmark measures the real cost)."""
    return Settings(
        environment="development",
        data_dir=tmp_path / "service-data",
        database_url=database_url,
        secret_key="t" * 48,
        public_url="http://testserver",
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        allow_internal_fetch=True,
        fetch_timeout_s=5.0,
    ).validated()


@pytest.fixture
def context(settings: Settings) -> Iterator[ServiceContext]:
    context = build_context(settings)
    yield context
    context.close()


@pytest.fixture
def app(context: ServiceContext) -> FastAPI:
    return create_app(context=context)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@dataclass
class Account:
    """A signed-up, signed-in listener as a test drives it."""

    id: int
    email: str
    username: str
    password: str
    access_token: str
    refresh_token: str
    session_id: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def sign_up(client: TestClient, name: str, *, device: str = "laptop", password: str | None = None) -> Account:
    password = password or f"{name}-long-password"
    response = client.post("/api/v1/auth/signup",
                           json={"email": f"{name}@example.org", "username": name, "password": password})
    assert response.status_code == 201, response.text
    user_id = response.json()["id"]
    return sign_in(client, name, password=password, device=device, user_id=user_id)


def sign_in(client: TestClient, name: str, *, password: str, device: str = "laptop", user_id: int = 0) -> Account:
    response = client.post("/api/v1/auth/signin",
                           json={"login": f"{name}@example.org", "password": password, "device_name": device})
    assert response.status_code == 200, response.text
    tokens = response.json()
    return Account(id=user_id, email=f"{name}@example.org", username=name, password=password,
                   access_token=tokens["access_token"], refresh_token=tokens["refresh_token"],
                   session_id=tokens["session_id"])


@dataclass
class LiveServer:
    url: str
    context: ServiceContext


@pytest.fixture
def live_server(app: FastAPI, context: ServiceContext) -> Iterator[LiveServer]:
    """The service on a real uvicorn server at 127.0.0.1 (for real clients: mygpoclient, a browser)."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # An open live stream never ends by itself: after 2 s of graceful shutdown it is cancelled.
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                                           timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the service did not start")
        time.sleep(0.02)
    yield LiveServer(url=f"http://127.0.0.1:{port}", context=context)
    server.should_exit = True
    thread.join(timeout=10)
