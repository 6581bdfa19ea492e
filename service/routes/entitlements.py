"""Restore purchases: the signed entitlement list, the public key clients pin, and the
per-account live stream of grants and revocations (server-sent events)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from protocol.events import KEEPALIVE
from protocol.store import PublicKeyPublic, SignedEntitlements
from service import store
from service.deps import ContextDep, CurrentUser, SessionDep

router = APIRouter(tags=["entitlements"])
KEEPALIVE_S = 15.0


@router.get("/api/v1/entitlements", response_model=SignedEntitlements)
def signed_entitlements(user: CurrentUser, context: ContextDep, db: SessionDep) -> SignedEntitlements:
    entitlements = store.entitlement_list(db, context, user=user)
    return store.sign_entitlements(context, user=user, entitlements=entitlements)


@router.get("/.well-known/castwise-entitlements-key", response_model=PublicKeyPublic)
def public_key(context: ContextDep) -> PublicKeyPublic:
    signer = context.entitlement_signer
    return PublicKeyPublic(key_id=signer.key_id, public_key=signer.public_key_b64)


@router.get("/api/v1/events", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}, "description": "entitlement events"}})
async def account_events(request: Request, user: CurrentUser, context: ContextDep) -> StreamingResponse:
    """``entitlement.granted`` / ``entitlement.revoked`` as they happen; a comment line every 15 s."""
    hub = context.events
    account_id = user.id
    queue = hub.subscribe(account_id)

    async def stream() -> AsyncIterator[bytes]:
        try:
            yield b": connected\n\n"
            while not await request.is_disconnected():
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_S)
                except TimeoutError:
                    yield f"event: {KEEPALIVE}\ndata: {{}}\n\n".encode()
                    continue
                yield f"event: {event.name}\ndata: {event.data}\n\n".encode()
        finally:
            hub.unsubscribe(account_id, queue)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
