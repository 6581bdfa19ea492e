"""App passwords for gpodder.net-compatible sync clients; they grant sync only, never purchases."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlalchemy import select

from protocol.accounts import AppPasswordCreate, AppPasswordCreated, AppPasswordPublic
from service.deps import ContextDep, CurrentUser, ObjectId, SessionDep, not_found
from service.models import AppPassword
from service.security import new_token

router = APIRouter(prefix="/api/v1/app-passwords", tags=["sync"])


@router.get("", response_model=list[AppPasswordPublic])
def list_app_passwords(user: CurrentUser, db: SessionDep) -> list[AppPasswordPublic]:
    rows = db.scalars(select(AppPassword).where(AppPassword.user_id == user.id).order_by(AppPassword.id))
    return [AppPasswordPublic(id=row.id, name=row.name, created_at=row.created_at, last_used_at=row.last_used_at)
            for row in rows]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=AppPasswordCreated)
def create_app_password(body: AppPasswordCreate, user: CurrentUser, context: ContextDep,
                        db: SessionDep) -> AppPasswordCreated:
    password = new_token(20)
    row = AppPassword(user_id=user.id, name=body.name, token_hash=context.tokens.keyed_hash(password))
    db.add(row)
    db.commit()
    return AppPasswordCreated(id=row.id, name=row.name, created_at=row.created_at, last_used_at=None,
                              password=password)


@router.delete("/{app_password_id}", status_code=status.HTTP_204_NO_CONTENT,
               responses={404: {"description": "no such app password"}})
def delete_app_password(app_password_id: ObjectId, user: CurrentUser, db: SessionDep) -> Response:
    row = db.get(AppPassword, app_password_id)
    if row is None or row.user_id != user.id:
        raise not_found("no such app password")
    db.delete(row)
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
