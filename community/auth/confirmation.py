"""Confirming the e-mail address of a self-registered account (#24).

Who registers through the form (with a new organisation, or asking to join one) gets a mail with a signed
link, valid EMAIL_CONFIRM_MAX_AGE (48 hours); until it is followed the account may sign in, read, complete
its organisation's profile and take the Digital-Check, but not contact anyone, post, register for events or
have its join request decided (community/policy.py: `is_confirmed`, `is_participant`). Accounts an operator
or admin creates, accounts from an invitation to this very address and from a provider that vouches for the
address are confirmed from the start; so is every account that existed before this feature.

The link carries the account and its address: it stops working once used (the account is confirmed) and
when the address is no longer the account's.
"""
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from community.auth.models import User
from community.errors import Conflict, ServiceError
from community.extensions import db
from community.i18n import lazy_plain
from community.links import public_url
from community.mail.outbox import queue_account_mail, reader_locale
from community.models_base import utcnow
from community.signals import email_confirmed


class InvalidConfirmationLink(ServiceError):
    status = 400
    code = "invalid_link"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="email-confirmation")


def max_age_hours() -> int:
    return current_app.config["EMAIL_CONFIRM_MAX_AGE"] // 3600


def confirmation_link(user: User) -> str:
    return public_url("auth.confirm_email", token=_serializer().dumps({"user": user.id, "email": user.email}))


def queue_confirmation(user: User) -> str:
    """Put the mail with the link into the outbox, in the caller's transaction (the caller commits);
    returns the link. The account needs its id: the caller has flushed it."""
    link = confirmation_link(user)
    with force_locale(reader_locale(user.locale)):
        subject = _("Confirm your e-mail address for %(platform)s", platform=current_app.config["PLATFORM_NAME"])
    queue_account_mail(user, subject, "confirm_email", hours=max_age_hours(), link=link, person=user.name)
    return link


def resend(user: User) -> str:
    """A new link for an account still waiting (the route limits how often)."""
    if user.email_confirmed:
        raise Conflict(_l("Your e-mail address is already confirmed."))
    link = queue_confirmation(user)
    db.session.commit()
    return link


def user_for_token(token: str) -> User:
    """The account a link belongs to, if the link is genuine, not older than 48 hours, and the address is
    still the account's."""
    try:
        payload = _serializer().loads(token, max_age=current_app.config["EMAIL_CONFIRM_MAX_AGE"])
    except (BadSignature, UnicodeError, ValueError):  # includes SignatureExpired
        payload = {}
    user_id = payload.get("user") if isinstance(payload, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active or payload.get("email") != user.email:
        raise InvalidConfirmationLink(lazy_plain("This confirmation link is invalid or older than %(hours)s hours. "
                                                 "Sign in and ask for a new one.", hours=max_age_hours()))
    return user


def confirm(token: str) -> User:
    """Confirm the address the link was sent to; a second use of a genuine link changes nothing."""
    user = user_for_token(token)
    if user.email_confirmed:
        return user
    user.email_confirmed_at = utcnow()
    db.session.commit()
    email_confirmed.send(user)
    return user
