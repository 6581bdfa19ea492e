"""The real Castwise service for client tests: migrated SQLite in a temporary folder, served by
uvicorn on 127.0.0.1 in a thread, stoppable and restartable on the same port (to test a client
through an outage)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.context import ServiceContext, build_context
from service.main import create_app
from service.migrate import upgrade
from service.settings import Settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LiveService:
    """One running service. ``api`` is an in-process client for setting up the world (creators,
    prices, webhooks); the code under test talks to ``url`` over real HTTP."""

    data_dir: Path
    access_token_ttl_s: int = 900
    port: int = field(default_factory=free_port)
    context: ServiceContext = field(init=False)
    app: FastAPI = field(init=False)
    api: TestClient = field(init=False)
    _server: uvicorn.Server | None = field(default=None, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        settings = Settings(environment="development", data_dir=self.data_dir,
                            database_url=f"sqlite:///{self.data_dir / 'service.sqlite3'}", secret_key="s" * 48,
                            public_url=self.url, argon2_time_cost=1, argon2_memory_kib=1024,
                            allow_internal_fetch=True, fetch_timeout_s=5.0,
                            access_token_ttl_s=self.access_token_ttl_s).validated()
        self.context = build_context(settings)
        upgrade(self.context.engine)
        self.app = create_app(context=self.context)
        self.api = TestClient(self.app)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveService:
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off",
                                timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the service did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Stop serving (open streams are cut); the database and keys stay for :meth:`start`."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._server.force_exit = True
            self._thread.join(timeout=15)
        self._server = self._thread = None

    def close(self) -> None:
        self.stop()
        self.api.close()
        self.context.close()

    def json(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.api.request(method, path, headers=headers, **kwargs)
        assert response.status_code < 400, response.text
        return response.json() if response.content else None
