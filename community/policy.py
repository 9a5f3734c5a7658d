"""Who may do what: every permission in the application is decided here.

Rules are registered by name, so a test can walk the full matrix of roles and actions,
and templates ask `can(user, action, target)` instead of re-deriving roles.
"""
from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from community.errors import PermissionDenied

Rule = Callable[[object, object], bool]
RULES: dict[str, Rule] = {}


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
    if is_moderator(user):
        roles.add("moderator")
    if is_admin(user):
        roles.add("admin")
    return roles


@rule("members_only.view")
def _view_members_only(user, target) -> bool:
    return _signed_in(user)


@rule("organisation.edit")
def _edit_organisation(user, organisation) -> bool:
    return is_org_admin_of(user, organisation) or is_admin(user)


@rule("organisation.manage_members")
def _manage_members(user, organisation) -> bool:
    return is_org_admin_of(user, organisation) or is_admin(user)


@rule("organisation.view_members")
def _view_members(user, organisation) -> bool:
    return is_member_of(user, organisation) or is_admin(user)


@rule("organisation.verify")
def _verify(user, organisation) -> bool:
    return is_admin(user)


@rule("entry.create")
def _create_entry(user, organisation) -> bool:
    return is_member_of(user, organisation)


@rule("entry.edit")
def _edit_entry(user, entry) -> bool:
    return is_member_of(user, entry) or is_admin(user)


@rule("entry.view")
def _view_entry(user, entry) -> bool:
    return entry.visibility == "public" or _signed_in(user)


@rule("user.set_role")
def _set_role(user, target) -> bool:
    return is_admin(user)


@rule("suggestion.view")
def _view_suggestions(user, organisation) -> bool:
    return is_member_of(user, organisation)


@rule("contact.create")
def _create_contact(user, organisation) -> bool:
    """Any member may ask another organisation (never their own) to get in touch."""
    return _signed_in(user) and user.organisation_id is not None and user.organisation_id != _org_id(organisation)


@rule("contact.view")
def _view_contact(user, request) -> bool:
    return _signed_in(user) and user.organisation_id in {request.from_org_id, request.to_org_id}


@rule("contact.decide")
def _decide_contact(user, request) -> bool:
    """Any member of the receiving organisation accepts or declines."""
    return _signed_in(user) and user.organisation_id is not None and user.organisation_id == request.to_org_id


@rule("contact.withdraw")
def _withdraw_contact(user, request) -> bool:
    return _signed_in(user) and user.organisation_id is not None and user.organisation_id == request.from_org_id


@rule("contact.see_details")
def _see_contact_details(user, request) -> bool:
    """Email, phone and job title of the people involved: only after the double opt-in."""
    return request.status == "accepted" and _view_contact(user, request)


@rule("room.view")
def _view_room(user, room) -> bool:
    return _signed_in(user) and room.has_member(user.id)


@rule("room.post")
def _post_in_room(user, room) -> bool:
    return _view_room(user, room)


def can(user, action: str, target=None) -> bool:
    return RULES[action](user, target)


def require(user, action: str, target=None) -> None:
    if not can(user, action, target):
        raise PermissionDenied(_l("You are not allowed to do this."))
