"""Who sees the outbox and the written .eml files: admins only (mails hold other people's links)."""
from community.policy import is_admin, rule


@rule("mail.view_outbox")
def _view_outbox(user, _target=None) -> bool:
    return is_admin(user)
