"""Schemathesis over the interactive routes only: whatever a client sends, never a 5xx.

The fuzzing account is the creator of a small world (an episode, a poll, a question, a comment
and an answer), and half of the generated ids are bent onto those objects, so the fuzzer reaches
past "not found" into the real rules (closed polls, repeated votes, moderation actions).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from service import accounts
from service.context import ServiceContext
from tests.service.interactive.world import World

pytestmark = pytest.mark.slow

EXAMPLES = 25
OURS = ("/api/v1/interactive-episodes", "/api/v1/polls", "/api/v1/questions", "/api/v1/interactions",
        "/interactions/", "/api/v1/shows/{show_id}/interactive-episodes")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_to_the_interactive_routes_gets_a_server_error(
        mode: GenerationMode, app: FastAPI, client: TestClient, context: ServiceContext, world: World) -> None:
    poll = world.poll(client)
    question = world.question(client)
    world.comment(client, world.alice, "a comment", 1000)
    client.post(f"/api/v1/questions/{question['id']}/answers", headers=world.alice.headers, json={"text": "an answer"})
    known = [world.episode_id, poll["id"], question["id"], world.show_id]
    with context.sessions() as db:
        creator = accounts.find_login(db, "creator")
        assert creator is not None
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [operation for operation in operations if operation.path.startswith(OURS)
                  and not operation.path.endswith("/live")]  # an endless stream by design
    assert len(operations) >= 15
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: Any) -> None:
            for name, value in list((case.path_parameters or {}).items()):
                if isinstance(value, int) and value % 2 == 0:
                    case.path_parameters[name] = known[value % len(known)]
            headers = {key: str(value) for key, value in (case.headers or {}).items()}
            with context.sessions() as db:
                user = accounts.find_login(db, "creator")
                tokens = accounts.open_session(db, context, user=user, device_name="fuzzer")  # type: ignore[arg-type]
            headers["Authorization"] = f"Bearer {tokens.access_token}"
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:120]}")

        try:
            run()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE
    assert sorted(set(failures)) == []
