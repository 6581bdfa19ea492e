"""Creators claim a podcast by putting a token into its feed."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy import select

from protocol.store import ClaimCreate, ClaimPublic
from service import claims, store
from service.deps import ContextDep, CurrentUser, ObjectId, SessionDep, not_found
from service.models import FeedClaim

router = APIRouter(prefix="/api/v1/claims", tags=["creators"])


def claim_public(claim: FeedClaim) -> ClaimPublic:
    return ClaimPublic(id=claim.id, feed_url=claim.feed_url, token=claim.token,
                       status=claim.status,  # type: ignore[arg-type]
                       show_id=claim.show_id, created_at=claim.created_at, verified_at=claim.verified_at,
                       decided_at=claim.decided_at)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ClaimPublic)
def create_claim(body: ClaimCreate, user: CurrentUser, db: SessionDep) -> ClaimPublic:
    existing = db.scalar(select(FeedClaim).where(FeedClaim.user_id == user.id, FeedClaim.feed_url == body.feed_url,
                                                 FeedClaim.status.in_((claims.PENDING, claims.AWAITING_APPROVAL))))
    if existing is not None:
        return claim_public(existing)
    claim = FeedClaim(user_id=user.id, feed_url=body.feed_url, token=store.new_claim_token())
    db.add(claim)
    db.commit()
    return claim_public(claim)


@router.get("", response_model=list[ClaimPublic])
def list_claims(user: CurrentUser, db: SessionDep) -> list[ClaimPublic]:
    return [claim_public(row) for row in db.scalars(select(FeedClaim).where(FeedClaim.user_id == user.id)
                                                    .order_by(FeedClaim.id))]


def _own_claim(db: SessionDep, user_id: int, claim_id: int) -> FeedClaim:
    claim = db.get(FeedClaim, claim_id)
    if claim is None or claim.user_id != user_id:
        raise not_found("no such claim")
    return claim


@router.get("/{claim_id}", response_model=ClaimPublic, responses={404: {"description": "no such claim"}})
def read_claim(claim_id: ObjectId, user: CurrentUser, db: SessionDep) -> ClaimPublic:
    return claim_public(_own_claim(db, user.id, claim_id))


@router.post("/{claim_id}/verify", response_model=ClaimPublic,
             responses={404: {"description": "no such claim"}, 409: {"description": "claim rejected or transferred"},
                        422: {"description": "token missing or feed unreadable"}})
def verify_claim(claim_id: ObjectId, user: CurrentUser, context: ContextDep, db: SessionDep) -> ClaimPublic:
    """Fetch the feed now and check the token. A show another creator owns is not taken over:
    the claim becomes ``awaiting-approval`` until an operator decides."""
    claim = _own_claim(db, user.id, claim_id)
    claims.verify_claim(db, context, claim=claim)
    return claim_public(claim)
