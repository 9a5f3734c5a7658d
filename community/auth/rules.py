"""Who may change an account's platform role."""
from community.policy import is_admin, rule


@rule("user.set_role")
def _set_role(user, target) -> bool:
    return is_admin(user)
