"""Schemathesis over the service's OpenAPI schema: whatever a client sends, never a 5xx.

Requests carry a valid bearer token (or sync credentials on the sync API), so the fuzzer reaches
past authentication. Host names other than 127.0.0.1 do not resolve here: the fuzzer's random
feed URLs must never leave the machine.
"""

from __future__ import annotations

import base64
import socket
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from service import accounts
from service.context import ServiceContext
from service.models import AppPassword

pytestmark = pytest.mark.slow

EXAMPLES = 15
_real_getaddrinfo = socket.getaddrinfo


def _loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host not in ("127.0.0.1", "localhost"):
        raise socket.gaierror(socket.EAI_NONAME, "name resolution is disabled in this test")
    return _real_getaddrinfo(host, *args, **kwargs)


def _authorize(case: Any, context: ServiceContext, user: Any) -> dict[str, str]:
    headers = {key: str(value) for key, value in (case.headers or {}).items()}
    if case.path.startswith(("/api/2/", "/subscriptions/")):
        headers["Authorization"] = "Basic " + base64.b64encode(b"fuzz:fuzz-app-password").decode()
    else:
        # A fresh session per case: a fuzzed sign-out must not blunt the cases after it.
        with context.sessions() as db:
            tokens = accounts.open_session(db, context, user=user, device_name="fuzzer")
        headers["Authorization"] = f"Bearer {tokens.access_token}"
    return headers


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_gets_a_server_error(mode: GenerationMode, app: FastAPI, context: ServiceContext,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", _loopback_only)
    with context.sessions() as db:
        user = accounts.sign_up(db, context, email="fuzz@example.org", username="fuzz", password="fuzz-password-1")
        db.add(AppPassword(user_id=user.id, name="fuzz", token_hash=context.tokens.keyed_hash("fuzz-app-password")))
        db.commit()
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40
    for operation in operations:
        if operation.path == "/api/v1/events" or operation.path.endswith("/live"):  # endless streams by design
            continue

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: Any) -> None:
            response = case.call(headers=_authorize(case, context, user))
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}")

        try:
            run()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE  # nothing to get wrong (no parameters, no body)
    assert sorted(set(failures)) == []
