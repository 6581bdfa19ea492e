"""Publish the JSON schemas of the service's wire types under ``docs/schemas``.

    python -m protocol.schemas [FOLDER]

Each published model becomes ``<FOLDER>/<name>.schema.json``; a test checks the published files
match the code, so clients in other languages can rely on them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from protocol import accounts, events, interactive, store

PUBLISHED: dict[str, type[BaseModel]] = {
    "user-create": accounts.UserCreate,
    "user-public": accounts.UserPublic,
    "sign-in": accounts.SignIn,
    "token-pair": accounts.TokenPair,
    "session-public": accounts.SessionPublic,
    "app-password-created": accounts.AppPasswordCreated,
    "claim-public": store.ClaimPublic,
    "price-public": store.PricePublic,
    "purchase-public": store.PurchasePublic,
    "entitlement-list": store.EntitlementList,
    "signed-entitlements": store.SignedEntitlements,
    "entitlements-public-key": store.PublicKeyPublic,
    "entitlement-event": events.EntitlementEvent,
    "comment-create": interactive.CommentCreate,
    "comment-update": interactive.CommentUpdate,
    "comment-deleted": interactive.CommentDeleted,
    "interaction-public": interactive.InteractionPublic,
}
"""Schema file stem -> model. Other wire modules add their own entries here."""

SCHEMA_ID_BASE = "https://castwise.app/schemas/"


def schema_for(name: str, model: type[BaseModel]) -> dict[str, object]:
    schema = model.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{SCHEMA_ID_BASE}{name}.schema.json",
            **schema}


def render(name: str, model: type[BaseModel]) -> str:
    return json.dumps(schema_for(name, model), indent=2, sort_keys=True) + "\n"


def write(folder: Path) -> list[Path]:
    """Write every published schema into ``folder``; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in PUBLISHED.items():
        path = folder / f"{name}.schema.json"
        path.write_text(render(name, model), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "docs" / "schemas"
    for written_path in write(target):
        print(written_path)
