"""Operators (accounts with ``is_admin``): review claims that ask to take over a show another
creator owns. Everyone else gets 403."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select

from protocol.store import ClaimPublic, ClaimReview
from service import claims
from service.deps import ContextDep, CurrentUser, ObjectId, SessionDep, not_found
from service.models import FeedClaim, Show, User
from service.routes.claims import claim_public

router = APIRouter(prefix="/api/v1/admin", tags=["operators"])
REFUSED = {403: {"description": "not an operator"}, 404: {"description": "no such claim"},
           409: {"description": "not awaiting approval, or the show changed hands"}}


def require_admin(user: CurrentUser) -> User:
    if not user.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "operators only")
    return user


AdminUser = Annotated[User, Depends(require_admin)]


@router.get("/claims", response_model=list[ClaimReview], responses={403: {"description": "not an operator"}})
def claims_awaiting_approval(_admin: AdminUser, db: SessionDep) -> list[ClaimReview]:
    rows = db.scalars(select(FeedClaim).where(FeedClaim.status == claims.AWAITING_APPROVAL).order_by(FeedClaim.id))
    reviews = []
    for claim in rows:
        show = db.scalar(select(Show).where(Show.feed_url == claim.feed_url))
        claimant = db.get(User, claim.user_id)
        owner = db.get(User, show.owner_id) if show is not None and show.owner_id is not None else None
        reviews.append(ClaimReview(claim=claim_public(claim), claimant_username=claimant.username if claimant else "",
                                   current_owner_username=owner.username if owner else None,
                                   show_id=show.id if show else None, show_title=show.title if show else None))
    return reviews


def _claim(db: SessionDep, claim_id: int) -> FeedClaim:
    claim = db.get(FeedClaim, claim_id)
    if claim is None:
        raise not_found("no such claim")
    return claim


@router.post("/claims/{claim_id}/approve", response_model=ClaimPublic, responses=REFUSED)
def approve_claim(claim_id: ObjectId, _admin: AdminUser, context: ContextDep, db: SessionDep) -> ClaimPublic:
    """Transfer the show to the claimant after checking the token is still in the feed."""
    claim = _claim(db, claim_id)
    claims.decide(db, context, claim=claim, approve=True)
    return claim_public(claim)


@router.post("/claims/{claim_id}/reject", response_model=ClaimPublic, responses=REFUSED)
def reject_claim(claim_id: ObjectId, _admin: AdminUser, context: ContextDep, db: SessionDep) -> ClaimPublic:
    claim = _claim(db, claim_id)
    claims.decide(db, context, claim=claim, approve=False)
    return claim_public(claim)
