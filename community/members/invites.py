"""Invitation links: their state, opening one and claiming it.

Below both accounts (registration with an invite) and members (creating and redeeming invites), so
`auth.services` and `members.services` need not import each other.
"""
import hashlib

from flask_babel import lazy_gettext as _l

from community.errors import NotFound, ServiceError
from community.extensions import db
from community.models_base import utcnow
from community.organisations.models import Invite

TOKEN_MAX = 100


OPEN, USED, EXPIRED, REVOKED = "open", "used", "expired", "revoked"


class InvalidInvite(ServiceError):
    status = 410
    code = "invite_invalid"


_PROBLEMS = {
    USED: _l("This invitation has already been used. Ask your organisation for a new one."),
    EXPIRED: _l("This invitation has expired. Ask your organisation for a new one."),
    REVOKED: _l("This invitation was withdrawn. Ask your organisation for a new one."),
}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_status(invite: Invite) -> str:
    if invite.used_at is not None:
        return USED
    if invite.revoked_at is not None:
        return REVOKED
    if invite.expires_at <= utcnow():
        return EXPIRED
    return OPEN


def open_invite(token: str) -> Invite:
    """The invitation behind a link, if it can still be used; otherwise a message saying why not."""
    invite = None
    if isinstance(token, str) and 0 < len(token) <= TOKEN_MAX:
        invite = db.session.execute(
            db.select(Invite).filter_by(token_hash=hash_token(token))
        ).scalar_one_or_none()
    if invite is None:
        raise NotFound(_l("This invitation link is not valid. Check that you copied it completely."))
    problem = _PROBLEMS.get(invite_status(invite))
    if problem:
        raise InvalidInvite(problem)
    return invite


def claim_invite(invite: Invite, user) -> None:
    """Mark the invitation used by `user`, within the caller's transaction.

    A conditional UPDATE, so two people opening the same link at once cannot both join.
    """
    claimed = db.session.execute(
        db.update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None), Invite.revoked_at.is_(None))
        .values(used_at=utcnow(), used_by_id=user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise InvalidInvite(_PROBLEMS[USED])
