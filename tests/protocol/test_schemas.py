"""The published JSON schemas match the wire types, and real payloads validate against them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from protocol.accounts import TokenPair, UserCreate
from protocol.schemas import PUBLISHED, render
from protocol.store import EntitlementList, EntitlementPublic

DOCS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_schema_is_current(name: str) -> None:
    path = DOCS / f"{name}.schema.json"
    assert path.exists(), f"run python -m protocol.schemas to publish {path.name}"
    assert path.read_text(encoding="utf-8") == render(name, PUBLISHED[name]), f"{path.name} is stale"


def test_payloads_validate_and_bad_ones_do_not() -> None:
    entitlements = EntitlementList(account_id=1, issued_at=datetime(2026, 1, 1, tzinfo=UTC), entitlements=[
        EntitlementPublic(id=1, show_id=2, show_title="Show", episode_id=None, granted_at=datetime(2026, 1, 1, tzinfo=UTC),
                          private_feed_url="https://castwise.example/feeds/1/2/x.xml")])
    schema = json.loads((DOCS / "entitlement-list.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(entitlements.model_dump_json()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"account_id": "one", "entitlements": []}, schema)
    tokens = json.loads((DOCS / "token-pair.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(TokenPair(access_token="a", refresh_token="b", expires_in_s=900,
                                             session_id=3).model_dump_json()), tokens)


def test_request_models_refuse_unknown_fields_and_weak_passwords() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        UserCreate(email="a@example.org", username="alice", password="short")
    with pytest.raises(ValidationError):
        UserCreate.model_validate({"email": "a@example.org", "username": "alice", "password": "long-enough-1",
                                   "is_admin": True})
