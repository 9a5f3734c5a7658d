"""Who administers accounts and reads the audit log: the platform's admins."""
from community.policy import is_admin, rule


@rule("user.administer")
def _administer(user, _target=None) -> bool:
    return is_admin(user)
