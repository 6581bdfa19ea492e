"""Setting up accounts on the real service for client tests."""

from __future__ import annotations

from account.client import ServiceClient
from library.paths import resolve_paths
from tests.account.liveservice import LiveService

PASSWORD = "correct horse battery"


def sign_up(service: LiveService, name: str, password: str = PASSWORD) -> int:
    """A new account on the service (through its API); returns its id."""
    body = {"email": f"{name}@example.org", "username": name, "password": password}
    return int(service.json("POST", "/api/v1/auth/signup", json=body)["id"])


def client_for(service: LiveService) -> ServiceClient:
    """A client of ``service`` on this machine (the current CASTWISE_HOME)."""
    return ServiceClient(service.url, lock_file=resolve_paths().data / "account.lock")
