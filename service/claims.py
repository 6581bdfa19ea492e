"""Who owns a show: creators prove control of a feed, and a show another creator already owns
changes hands only after an operator approves it.

Policy (also in docs/service.md):

- A claim is verified when its token is in the feed, fetched fresh on every verification.
- If nobody owns the show yet (new, or orphaned by a deleted account), the claimant owns it.
- If another creator owns it, proving control is not enough (a feed can be hijacked for a
  moment, or a host can serve anyone's token): the claim becomes ``awaiting-approval``, is
  recorded with the current owner, and the owner is told by e-mail. The owner keeps the show,
  its prices, episodes and sales until an operator approves; the approval verifies the token in
  the feed once more and refuses if the owner changed in the meantime. On approval the show
  (with its prices, episodes and listeners' entitlements) passes to the claimant, the previous
  owner's claims become ``transferred``, and both creators are told.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service import feedxml
from service.context import ServiceContext
from service.db import utcnow
from service.models import FeedClaim, Show, User
from service.store import StoreError, fetch_feed

PENDING, VERIFIED, AWAITING_APPROVAL, REJECTED, TRANSFERRED = (
    "pending", "verified", "awaiting-approval", "rejected", "transferred")


def _check_token(context: ServiceContext, claim: FeedClaim) -> str:
    """Fetch the claimed feed now; return its title if it carries the claim's token."""
    root = feedxml.parse(fetch_feed(context, claim.feed_url))
    if claim.token not in feedxml.verify_tokens(root):
        raise StoreError(422, 'the feed does not contain <podcast:txt purpose="verify"> with this claim\'s token')
    return feedxml.channel_title(root)


def _tell(context: ServiceContext, db: Session, user_id: int | None, subject: str, body: str) -> None:
    user = db.get(User, user_id) if user_id is not None else None
    if user is not None:
        context.mailer.send(to=user.email, subject=subject, body=body)


def verify_claim(db: Session, context: ServiceContext, *, claim: FeedClaim) -> Show | None:
    """Verify ``claim`` against the feed as it is now; returns the show the claimant owns, or
    None when the show belongs to another creator and the takeover awaits an operator."""
    if claim.status in (REJECTED, TRANSFERRED):
        raise StoreError(409, f"this claim was {claim.status}; ask for a new claim")
    title = _check_token(context, claim)
    now = utcnow()
    claim.verified_at = now
    show = db.scalar(select(Show).where(Show.feed_url == claim.feed_url))
    if show is None:
        show = Show(owner_id=claim.user_id, title=title, feed_url=claim.feed_url, verified_at=now)
        db.add(show)
    elif show.owner_id is None:
        # Orphaned by a deleted account: nobody to protect. Its prices stay withdrawn until the
        # new owner sets them; listeners' entitlements carry on.
        show.owner_id, show.owner_left_at, show.verified_at = claim.user_id, None, now
    elif show.owner_id != claim.user_id:
        first_request = claim.status != AWAITING_APPROVAL
        claim.status, claim.previous_owner_id, claim.show_id = AWAITING_APPROVAL, show.owner_id, None
        db.commit()
        if first_request:
            _tell(context, db, show.owner_id, f"Someone asked to take over {show.title} on Castwise",
                  f"Another creator put a verification token into the feed of {show.title} ({show.feed_url}) and "
                  "asked to own the show on Castwise. You keep it unless an operator approves the transfer; "
                  "if you did not agree to this, check who can change your feed and tell the operator.\n")
        return None
    else:
        show.verified_at = now
    db.flush()
    claim.status, claim.show_id = VERIFIED, show.id
    db.commit()
    return show


def decide(db: Session, context: ServiceContext, *, claim: FeedClaim, approve: bool) -> Show | None:
    """An operator's decision on a claim awaiting approval; approving verifies the feed again."""
    if claim.status != AWAITING_APPROVAL:
        raise StoreError(409, "this claim is not awaiting approval")
    show = db.scalar(select(Show).where(Show.feed_url == claim.feed_url))
    if not approve:
        claim.status, claim.decided_at = REJECTED, utcnow()
        db.commit()
        _tell(context, db, claim.user_id, "Your Castwise claim was not approved",
              f"An operator did not approve your claim of {claim.feed_url}.\n")
        return None
    if show is None or show.owner_id != claim.previous_owner_id:
        raise StoreError(409, "the show changed hands since this claim was verified; the claimant must claim again")
    _check_token(context, claim)  # control must still be proven at the moment of the transfer
    previous = show.owner_id
    now = utcnow()
    db.execute(update(FeedClaim).where(FeedClaim.show_id == show.id, FeedClaim.user_id == previous)
               .values(status=TRANSFERRED))
    show.owner_id, show.verified_at = claim.user_id, now
    claim.status, claim.show_id, claim.verified_at, claim.decided_at = VERIFIED, show.id, now, now
    db.commit()
    _tell(context, db, previous, f"{show.title} was transferred on Castwise",
          f"An operator approved another creator's verified claim of {show.feed_url}; {show.title} is no "
          "longer managed by your account.\n")
    _tell(context, db, claim.user_id, f"You now own {show.title} on Castwise",
          f"An operator approved your claim of {show.feed_url}.\n")
    return show
