"""The short way in for a vote: ``POST /api/v1/polls/{id}/votes`` without the router's walk.

A busy poll's votes are the service's hottest request, and most of what the framework spends on
one is finding the route among every route of the service and solving its dependencies: several
times the cost of the vote itself. :class:`VoteShortcut` (an ASGI middleware) recognises a
well-formed vote, checks it exactly as the route does (the same ``VoteCreate`` model, the same
``Idempotency-Key`` rule and fingerprint, the same token check) and hands it to the same
:class:`~service.interactive.ballots.VoteBatcher`. Anything else, including every malformed or
unauthenticated vote, goes on to the route, so every error is answered by one code path.

It is the outermost middleware: it takes only bodies within the service's size limit and free of
NUL characters (the rules of the middlewares it skips), and it sits outside the framework's
exception handling, so the errors a vote can meet are rendered here exactly as the service's
handler renders them: ``{"detail": ...}`` with the exception's status and headers.
"""

from __future__ import annotations

import re

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from protocol.interactive import VoteCreate
from service.deps import MAX_ID
from service.interactive.ballots import vote_batcher
from service.interactive.idempotency import describe_write, valid_key
from service.security import TokenError

VOTE_PATH = re.compile(r"/api/v1/polls/([1-9][0-9]{0,9})/votes")
MAX_VOTE_BODY = 4096
"""A vote's body is a handful of option ids; a larger one takes the ordinary way."""


class VoteShortcut:
    """ASGI middleware: well-formed votes straight to the vote writer (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        match = VOTE_PATH.fullmatch(scope["path"])
        if match is None or int(match[1]) > MAX_ID:
            await self.app(scope, receive, send)
            return
        app = scope["app"]
        body, read = await _read_body(receive, min(MAX_VOTE_BODY, app.state.context.settings.max_body_bytes))
        if body is None:
            await self.app(scope, _replay(read, receive), send)
            return
        headers = dict(scope["headers"])
        key_header = headers.get(b"idempotency-key")
        key = key_header.decode("latin-1") if key_header is not None else None
        scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        content_type = headers.get(b"content-type", b"")
        try:
            if (len(headers) != len(scope["headers"])  # a repeated header: the route decides which counts
                    or content_type != b"application/json" or (key is not None and not valid_key(key))
                    or scheme.lower() != "bearer" or b"\x00" in body or b"\\u0000" in body.lower()):
                raise ValueError("not the common case")
            chosen = VoteCreate.model_validate_json(body).option_ids
            claims = app.state.context.tokens.verify(token.strip())
        except (ValueError, ValidationError, TokenError):  # the route answers it, as for any request
            await self.app(scope, _replay(read, receive), send)
            return
        write = describe_write("POST", scope["path"], body, key)
        try:
            response = await vote_batcher(app).cast_verified(claims, poll_id=int(match[1]), chosen=chosen,
                                                             write=write)
        except HTTPException as error:
            response = JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)
        await response(scope, receive, send)


async def _read_body(receive: Receive, limit: int) -> tuple[bytes | None, list[Message]]:
    """The request body (None when it is over ``limit`` bytes or the client went away), and the
    messages read, to hand on untouched if the route is to answer."""
    read: list[Message] = []
    size = 0
    while True:
        message = await receive()
        read.append(message)
        if message["type"] != "http.request":
            return None, read
        size += len(message.get("body", b""))
        if size > limit:
            return None, read
        if not message.get("more_body", False):
            return b"".join(item.get("body", b"") for item in read), read


def _replay(read: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that gives back the messages already read, then reads on."""
    pending = list(read)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()
    return replayed
