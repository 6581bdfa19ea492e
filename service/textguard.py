"""Refuse NUL characters in request paths, queries and text bodies before any route sees them.

PostgreSQL text columns cannot hold NUL, and no listener or podcast app means to send one; the
JSON models refuse it themselves (``protocol.requests``), but the gpodder.net API, the simple
subscriptions API and the pages read raw JSON, text and forms. This middleware covers them all
with one rule: a 422 (400 for the URL) and nothing reaches the database.

Every body is inspected except multipart and binary ones (media uploads legitimately hold NUL
bytes); a body without a content type counts as text, as sync clients do not always send one. It must sit inside ``BodyLimit`` so the bodies it buffers are already bounded.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

BINARY_TYPES = (b"multipart/", b"audio/", b"video/", b"image/", b"application/octet-stream")


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    return False


def body_has_nul(content_type: bytes, body: bytes) -> bool:
    """True when a text body of ``content_type`` carries a NUL, raw or escaped."""
    if b"\x00" in body:
        return True
    lowered = body.lower()
    if content_type.startswith(b"application/x-www-form-urlencoded"):
        return b"%00" in lowered  # a literal "%00" typed in a form arrives as "%2500"
    if b"\\u0000" in lowered:  # JSON, whatever the declared type
        try:  # decide on the decoded text: "\\u0000" (an escaped backslash) is harmless
            return _holds_nul(json.loads(body))
        except ValueError:
            return False  # malformed JSON: the route answers it
    return False


class RefuseNul:
    """ASGI middleware: 400 for NUL in the path or query, 422 for NUL in a text body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"] or b"%00" in scope.get("query_string", b"").lower():
            await _refuse(send, 400)
            return
        content_type = dict(scope.get("headers", [])).get(b"content-type", b"").lower()
        if content_type.startswith(BINARY_TYPES):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body_has_nul(content_type, body):
            await _refuse(send, 422)
            return
        await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive), send)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    async def receive() -> Message:
        if messages:
            return messages.pop(0)
        if then is not None:
            return await then()  # after the body: disconnects, for streaming responses
        return {"type": "http.disconnect"}
    return receive


async def _refuse(send: Send, status: int) -> None:
    body = json.dumps({"detail": "NUL characters are not accepted"}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
