"""Who may edit an organisation, manage and see its members, and verify it."""
from community.policy import is_admin, is_member_of, is_org_admin_of, rule


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
