"""Who decides join requests and who merges duplicates."""
from community.policy import is_admin, is_org_admin_of, rule


@rule("join.decide")
def _decide_join(user, join_request) -> bool:
    """The organisation's admins; the platform's admins for an organisation nobody has joined yet
    (its verification decides who may speak for it) and as a fallback for all others."""
    return is_admin(user) or is_org_admin_of(user, join_request.organisation)


@rule("join.withdraw")
def _withdraw_join(user, join_request) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and join_request.user_id == user.id


@rule("organisation.merge")
def _merge(user, target) -> bool:
    return is_admin(user)
