"""Setting up accounts on the real service for client tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from account.client import ServiceClient
from account.purchases import Purchases
from library.db.engine import Library, open_library
from library.paths import resolve_paths
from library.secrets import SecretStore
from library.subscriptions import Subscriptions
from tests.account.liveservice import LiveService
from tests.service.world import Store, build_store
from tests.support.httpserver import LocalHTTPServer

PASSWORD = "correct horse battery"
LISTENER_PASSWORD = "listener-long-password"


def sign_up(service: LiveService, name: str, password: str = PASSWORD) -> int:
    """A new account on the service (through its API); returns its id."""
    body = {"email": f"{name}@example.org", "username": name, "password": password}
    return int(service.json("POST", "/api/v1/auth/signup", json=body)["id"])


def client_for(service: LiveService) -> ServiceClient:
    """A client of ``service`` on this machine (the current CASTWISE_HOME)."""
    return ServiceClient(service.url, lock_file=resolve_paths().data / "account.lock")


def machine(home: Path, keyring_type: type, monkeypatch: Any) -> Library:
    """Switch this test to another "machine": its own CASTWISE_HOME and its own keyring."""
    import keyring

    monkeypatch.setenv("CASTWISE_HOME", str(home))
    keyring.set_keyring(keyring_type())
    return open_library(resolve_paths())


def purchases_for(client: ServiceClient, library: Library) -> Purchases:
    return Purchases(client, library, Subscriptions(library, secrets=SecretStore()), resolve_paths())


def premium_world(service: LiveService, feeds: LocalHTTPServer) -> Store:
    """A creator with a claimed show, one uploaded premium episode and a show price, and a
    listener ("listener", password ``listener-long-password``) who bought the show."""
    return build_store(service.api, service.context, feeds)
