"""Who sees the running version in the page footer: admins (it tells an attacker which holes to try)."""
from community.policy import is_admin, rule


@rule("operations.view_version")
def _view_version(user, _target=None) -> bool:
    return is_admin(user)
