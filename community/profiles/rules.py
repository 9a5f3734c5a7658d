"""Who may create, edit and see needs and offers."""
from community.policy import is_admin, is_member_of, rule
from community.profiles.visibility import can_see


@rule("entry.create")
def _create_entry(user, organisation) -> bool:
    return is_member_of(user, organisation)


@rule("entry.edit")
def _edit_entry(user, entry) -> bool:
    return is_member_of(user, entry) or is_admin(user)


@rule("entry.view")
def _view_entry(user, entry) -> bool:
    return can_see(user, entry)
