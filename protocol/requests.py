"""The base of every request body the service accepts: unknown fields refused, text stripped,
and no NUL characters anywhere (PostgreSQL text cannot store them, and no listener types one)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(_has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    return False


class RequestModel(BaseModel):
    """Request bodies: ``extra="forbid"``, whitespace stripped, NUL characters refused (422)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: object) -> object:
        if _has_nul(value):
            raise ValueError("text must not contain NUL characters")
        return value
