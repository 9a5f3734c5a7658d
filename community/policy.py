"""Who may do what: the one registry every permission is asked through.

Each feature declares its rules in its own `rules.py` with `@rule("action")` (imported by the feature's
`__init__`), so a test can walk the full matrix of roles and actions, and templates ask
`can(user, action, target)` instead of re-deriving roles. This module holds the registry and the roles
the rules are written with; it imports no feature. What the roles need to know about moderation
(sanctions in force, who moderates which forum or room) comes through `ModerationState`, which the
moderation feature provides with `provide_moderation_state` when it is imported.
"""
from collections.abc import Callable
from typing import Protocol

from flask_babel import lazy_gettext as _l

from community.errors import PermissionDenied

Rule = Callable[[object, object], bool]
RULES: dict[str, Rule] = {}
Scope = tuple[str, int]


def rule(action: str):
    def register(fn: Rule) -> Rule:
        RULES[action] = fn
        return fn

    return register


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_admin(user) -> bool:
    return _signed_in(user) and user.role == "admin"


def is_moderator(user) -> bool:
    return _signed_in(user) and user.role in {"moderator", "admin"}


def is_consultant(user) -> bool:
    """The competence centre's consultants; platform admins may act as one."""
    return _signed_in(user) and user.role in {"consultant", "admin"}


def _org_id(target) -> int | None:
    """The organisation a target belongs to: an organisation itself or anything with organisation_id."""
    if target is None:
        return None
    if hasattr(target, "organisation_id"):
        return target.organisation_id
    return getattr(target, "id", None)


def is_member_of(user, target) -> bool:
    return _signed_in(user) and user.organisation_id is not None and user.organisation_id == _org_id(target)


def is_org_admin_of(user, target) -> bool:
    return is_member_of(user, target) and user.is_org_admin


def roles_of(user, target=None) -> set[str]:
    """The roles a user holds, relative to the organisation of `target` where that matters."""
    if not _signed_in(user):
        return {"anonymous"}
    roles = {"member"}
    if target is not None and is_org_admin_of(user, target):
        roles.add("org_admin")
    if is_consultant(user):
        roles.add("consultant")
    if is_moderator(user):
        roles.add("moderator")
    if is_admin(user):
        roles.add("admin")
    return roles


# --- moderation state, through the interface the moderation feature provides --------------------


class ModerationState(Protocol):
    def sanction_kinds(self, user) -> frozenset[str]:
        """The kinds of sanction (mute, suspend, ban) in force for the signed-in user now."""

    def scope_of(self, target) -> Scope | None:
        """("forum", id) or ("room", id) a target belongs to; None for what only global moderators handle."""

    def has_assignment(self, user, scope: Scope | None) -> bool:
        """Whether the user moderates this forum or room (any forum or room when scope is None)."""

    def slow_mode_waits(self, user, room) -> bool:
        """Whether the user posted in this slow-mode room too recently to post again."""


class _NoModeration:
    """Until the moderation feature provides its state: nobody is sanctioned or assigned."""

    def sanction_kinds(self, user) -> frozenset[str]:
        return frozenset()

    def scope_of(self, target) -> Scope | None:
        return None

    def has_assignment(self, user, scope: Scope | None) -> bool:
        return False

    def slow_mode_waits(self, user, room) -> bool:
        return False


_moderation: ModerationState = _NoModeration()


def provide_moderation_state(state: ModerationState) -> None:
    global _moderation
    _moderation = state


def active_sanction_kinds(user) -> frozenset[str]:
    """The kinds of sanction in force for the user now; warnings never restrict."""
    return _moderation.sanction_kinds(user) if _signed_in(user) else frozenset()


def is_suspended(user) -> bool:
    return bool(active_sanction_kinds(user) & {"suspend", "ban"})


def is_confirmed(user) -> bool:
    """Signed in with a confirmed e-mail address (community/auth/confirmation.py): only such an account
    contacts anyone, posts or joins."""
    return _signed_in(user) and getattr(user, "email_confirmed_at", None) is not None


def is_muted(user) -> bool:
    """May not write in rooms: sanctioned, or the address not yet confirmed."""
    sanctioned = bool(active_sanction_kinds(user) & {"mute", "suspend", "ban"})
    return sanctioned or (_signed_in(user) and not is_confirmed(user))


def is_participant(user) -> bool:
    """Signed in, the address confirmed, and neither suspended nor banned: may write."""
    return is_confirmed(user) and not is_suspended(user)




def moderation_scope(target) -> Scope | None:
    return _moderation.scope_of(target)


def is_global_moderator(user) -> bool:
    return is_moderator(user) and not is_suspended(user)


def has_moderator_assignment(user, scope: Scope | None = None) -> bool:
    return is_participant(user) and _moderation.has_assignment(user, scope)


def moderates(user, target) -> bool:
    if is_global_moderator(user):
        return True
    scope = moderation_scope(target)
    return scope is not None and has_moderator_assignment(user, scope)


def room_slow_mode_waits(user, room) -> bool:
    return _moderation.slow_mode_waits(user, room)


@rule("members_only.view")
def _view_members_only(user, target) -> bool:
    return _signed_in(user)


def can(user, action: str, target=None) -> bool:
    return RULES[action](user, target)


class _AsConfirmed:
    """The user as if the address were confirmed: to tell whether the confirmation alone stands in the way."""

    email_confirmed_at = True

    def __init__(self, user):
        self._user = user

    def __getattr__(self, name):
        return getattr(self._user, name)


def require(user, action: str, target=None) -> None:
    if not can(user, action, target):
        if _signed_in(user) and not is_confirmed(user) and can(_AsConfirmed(user), action, target):
            raise PermissionDenied(_l("Please confirm your e-mail address first, with the link we have sent you."))
        raise PermissionDenied(_l("You are not allowed to do this."))
