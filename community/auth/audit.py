"""The audit log of user administration: every act on an account by an admin (or by a provider's role
mapping at sign-in, or a role set on the command line: no actor) is one row, written in the same
transaction as the act itself."""
from community.auth.models import AuditEntry
from community.extensions import db

BLOCK, UNBLOCK, SET_ROLE, RESET_SECOND_FACTOR, ROLE_FROM_PROVIDER = (
    "block", "unblock", "set_role", "reset_second_factor", "role_from_provider")
ACTS = (BLOCK, UNBLOCK, SET_ROLE, RESET_SECOND_FACTOR, ROLE_FROM_PROVIDER)


def record(actor, act: str, target, detail: str = "") -> AuditEntry:
    """Add the entry to the session; the caller commits it together with the act."""
    entry = AuditEntry(actor_id=actor.id if actor is not None else None, act=act,
                       target_id=target.id, detail=detail[:200])
    db.session.add(entry)
    return entry
