"""The signed-in account: profile, password change, data export, deletion."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status
from fastapi.encoders import jsonable_encoder

from protocol.accounts import AccountDelete, PasswordChange, UserPublic
from service import accounts
from service.accounts import AccountError
from service.deps import AuthDep, ContextDep, CurrentUser, SessionDep
from service.routes.auth import user_public

router = APIRouter(prefix="/api/v1/account", tags=["account"])


@router.get("", response_model=UserPublic)
def read_account(user: CurrentUser) -> UserPublic:
    return user_public(user)


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT, responses={403: {"description": "wrong password"}})
def change_password(body: PasswordChange, auth: AuthDep, context: ContextDep, db: SessionDep) -> Response:
    if not context.passwords.verify(auth.user.password_hash, body.current_password):
        raise AccountError(403, "the current password is wrong")
    accounts.change_password(db, context, user=auth.user, new_password=body.new_password,
                             keep_session_id=auth.device_session.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/export", summary="Everything stored about this account, as JSON")
def export_account(user: CurrentUser, db: SessionDep) -> dict[str, Any]:
    data: dict[str, Any] = jsonable_encoder(accounts.export(db, user=user))
    return data


@router.delete("", status_code=status.HTTP_204_NO_CONTENT, responses={403: {"description": "wrong password"}})
def delete_account(body: AccountDelete, user: CurrentUser, context: ContextDep, db: SessionDep) -> Response:
    if not context.passwords.verify(user.password_hash, body.password):
        raise AccountError(403, "the password is wrong")
    accounts.delete_account(db, context, user=user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
