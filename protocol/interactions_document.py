"""The open interactions document of an episode: its timed polls and questions, as JSON.

Like ``podcast:chapters``, any RSS creator can publish one and link it from an item of the feed::

    <podcast:interactions url="https://example.org/ep12/interactions.json"
                          type="application/vnd.castwise.interactions+json" />

and any app can show the polls and questions when playback reaches their moment. The Castwise
service serves one per interactive episode at ``/interactions/{id}.json``; its JSON Schema is
published at ``docs/schemas/interactions.schema.json`` (regenerate with
``python -m protocol.interactions_document``). Times in the document are milliseconds from the
start of the episode; dates are ISO 8601 UTC.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

DOCUMENT_VERSION: Final = "1.0"
MEDIA_TYPE = "application/vnd.castwise.interactions+json"
SCHEMA_ID = "https://castwise.app/schemas/interactions.schema.json"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DocumentEpisode(_Strict):
    guid: str = Field(description="The feed item's guid")
    title: str
    duration_ms: int | None = Field(default=None, ge=1)
    feed_url: str | None = None


class DocumentOption(_Strict):
    id: str = Field(description="Stable within the document; what a vote names")
    label: str


class DocumentPoll(_Strict):
    type: Literal["poll"] = "poll"
    id: str
    prompt: str
    kind: Literal["single", "multiple"]
    anchor_ms: int | None = Field(default=None, ge=0, description="Moment in the episode, ms; null: any time")
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    options: list[DocumentOption] = Field(min_length=2)
    vote_url: str | None = Field(default=None, description="POST {\"option_ids\": [...]} here with a bearer token")
    results_url: str | None = None


class DocumentQuestion(_Strict):
    type: Literal["question"] = "question"
    id: str
    prompt: str
    anchor_ms: int | None = Field(default=None, ge=0)
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    answer_url: str | None = Field(default=None, description="POST {\"text\": ..., \"share_consent\": bool} here")


class InteractionsDocument(_Strict):
    """Everything an app needs to show an episode's interactions at the right moments."""

    version: Literal["1.0"] = DOCUMENT_VERSION
    episode: DocumentEpisode
    interactions: list[DocumentPoll | DocumentQuestion] = Field(
        description="Polls and questions ordered by anchor_ms (unanchored ones last)")
    comments_url: str | None = Field(default=None, description="GET timed comments; POST {text, at_ms}")
    timeline_url: str | None = None
    live_url: str | None = Field(default=None, description="Server-sent events: poll tallies, comments, answers")


def schema() -> dict[str, object]:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            **InteractionsDocument.model_json_schema(mode="serialization")}


def render_schema() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "docs" / "schemas" / "interactions.schema.json"
    target.write_text(render_schema(), encoding="utf-8")
    print(target)
