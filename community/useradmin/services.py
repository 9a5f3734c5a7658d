"""Acts on accounts by an admin, each written to the audit log in the act's own transaction.

An admin never acts on their own account here (no locking oneself out, no last admin demoting
themselves); blocking and resetting the second factor end the account's sessions and sockets through
the auth version (community/auth/services.end_sessions) and the `sessions_ended` signal.
"""
from flask_babel import lazy_gettext as _l

from community import policy
from community.auth import audit, totp
from community.auth.models import AuditEntry, User
from community.auth.services import PLATFORM_ROLES, end_sessions
from community.errors import Conflict, ValidationError
from community.extensions import db
from community.models_base import get_or_not_found, utcnow
from community.pagination import Page, paginate
from community.signals import sessions_ended
from community.validation import Text

QUERY_MAX = 100
FILTER_BLOCKED = "blocked"


def _contains(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def get_user(actor, user_id) -> User:
    policy.require(actor, "user.administer")
    return get_or_not_found(User, user_id, _l("This account does not exist."))


def search(actor, query="", role="", page: int = 1, per_page: int = 20) -> Page:
    """Accounts by name or e-mail, newest first; `role` a platform role or "blocked"."""
    policy.require(actor, "user.administer")
    try:
        query = Text(QUERY_MAX).clean(query)
    except ValueError as error:
        raise ValidationError(_l("Please correct the marked fields."), fields={"q": str(error)}) from None
    select = db.select(User).filter(User.deleted_at.is_(None)).order_by(User.id.desc())
    if query:
        pattern = _contains(query.lower())
        select = select.filter(db.or_(db.func.lower(User.name).like(pattern, escape="\\"),
                                      db.func.lower(User.email).like(pattern, escape="\\")))
    if role in PLATFORM_ROLES:
        select = select.filter(User.role == role)
    elif role == FILTER_BLOCKED:
        select = select.filter(User.blocked_at.is_not(None))
    return paginate(select, page, per_page)


def _not_self(actor, target: User) -> None:
    if actor.id == target.id:
        raise Conflict(_l("You cannot do this to your own account; ask another administrator."))


def _end_sessions_after_commit(target: User) -> None:
    end_sessions(target)
    db.session.commit()
    sessions_ended.send(target)


def block(actor, target: User) -> User:
    policy.require(actor, "user.administer")
    _not_self(actor, target)
    if target.is_blocked:
        return target
    target.blocked_at = utcnow()
    audit.record(actor, audit.BLOCK, target)
    _end_sessions_after_commit(target)
    return target


def unblock(actor, target: User) -> User:
    policy.require(actor, "user.administer")
    if not target.is_blocked:
        return target
    target.blocked_at = None
    audit.record(actor, audit.UNBLOCK, target)
    db.session.commit()
    return target


def set_role(actor, target: User, role) -> User:
    policy.require(actor, "user.set_role", target)
    _not_self(actor, target)
    if role not in PLATFORM_ROLES:
        raise ValidationError(_l("Please correct the marked fields."), fields={"role": _l("Unknown role.")})
    if role == target.role:
        return target
    audit.record(actor, audit.SET_ROLE, target, f"{target.role} -> {role}")
    target.role = role
    db.session.commit()
    return target


def reset_second_factor(actor, target: User) -> User:
    """For a lost phone: the second factor and recovery codes go; a role that needs one enrols again."""
    policy.require(actor, "user.administer")
    if not target.totp_secret and not target.recovery_codes:
        raise Conflict(_l("This account has no second factor."))
    totp.clear(target)
    audit.record(actor, audit.RESET_SECOND_FACTOR, target)
    _end_sessions_after_commit(target)
    return target


def audit_log(actor, page: int = 1, per_page: int = 50, target: User | None = None) -> Page:
    policy.require(actor, "user.administer")
    select = db.select(AuditEntry).order_by(AuditEntry.id.desc())
    if target is not None:
        select = select.filter(AuditEntry.target_id == target.id)
    return paginate(select, page, per_page)

