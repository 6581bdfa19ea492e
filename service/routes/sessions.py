"""The listener's signed-in devices: list them, sign one out."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlalchemy import select

from protocol.accounts import SessionPublic
from service import accounts
from service.deps import AuthDep, ObjectId, SessionDep, not_found
from service.models import DeviceSession

router = APIRouter(prefix="/api/v1/sessions", tags=["sessions"])


@router.get("", response_model=list[SessionPublic])
def list_sessions(auth: AuthDep, db: SessionDep) -> list[SessionPublic]:
    rows = db.scalars(select(DeviceSession).where(DeviceSession.user_id == auth.user.id,
                                                  DeviceSession.revoked_at.is_(None)).order_by(DeviceSession.id))
    return [SessionPublic(id=row.id, device_name=row.device_name, created_at=row.created_at,
                          last_used_at=row.last_used_at, current=row.id == auth.device_session.id) for row in rows]


@router.delete("/{session_id}", status_code=status.HTTP_204_NO_CONTENT, responses={404: {"description": "no such session"}})
def revoke_session(session_id: ObjectId, auth: AuthDep, db: SessionDep) -> Response:
    row = db.get(DeviceSession, session_id)
    if row is None or row.user_id != auth.user.id or row.revoked_at is not None:
        raise not_found("no such session")
    accounts.revoke_session(db, device_session=row, reason="revoked-by-listener")
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
