"""Accounts: registration, authentication with lockout, password changes and resets, token login.
The second factor is community/auth/totp.py, sign-in through OpenID providers community/auth/oidc.py."""
import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from community.auth import audit, throttle
from community.auth.confirmation import queue_confirmation
from community.i18n import lazy_plain
from community.mail.outbox import queue_account_mail, reader_locale
from community.auth.models import ApiToken, User
from community.errors import ServiceError, ValidationError
from community.extensions import db
from community.links import public_url
from community.members.invites import claim_invite, open_invite
from community.models_base import utcnow
from community.signals import sessions_ended
from community.organisations.services import check_not_registered, create_organisation, validate_new_organisation
from community.operations.metrics import count_login_failure
from community.taxonomy import MUNICIPALITY, ROLES, STATE
from community.validation import Schema, Text

NAME_MAX = 120
EMAIL_MAX = 254
PASSWORD_MIN = 10
PASSWORD_MAX = 200
DISTINCT_REASON_MAX = 1_000
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Registration form field -> field of community.organisations.services.CREATE_SCHEMA.
ORGANISATION_FIELDS = {
    "organisation_name": "name",
    "organisation_kind": "kind",
    "organisation_type": "org_type",
    "organisation_land": "land",
    "organisation_key": "official_key",
    "organisation_postcode": "postcode",
}
FORM_FIELD_OF = {org_field: form_field for form_field, org_field in ORGANISATION_FIELDS.items()}
KINDS_WITH_LAND = {MUNICIPALITY, STATE}
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Organisation admin is a flag of the membership, not a platform role.
PLATFORM_ROLES = tuple(role for role in ROLES if role != "org_admin")


class LoginFailed(ServiceError):
    status = 401
    code = "login_failed"


class LoginThrottled(LoginFailed):
    status = 429
    code = "rate_limited"


class InvalidLink(ServiceError):
    status = 400
    code = "invalid_link"


@dataclass(frozen=True)
class Email:
    """An email address, stored lower-case so uniqueness is case-insensitive."""

    def clean(self, value):
        value = normalise_email(Text(EMAIL_MAX, required=True).clean(value))
        if not EMAIL_PATTERN.match(value):
            raise ValueError(_l("Enter a valid email address."))
        return value


@dataclass(frozen=True)
class Secret:
    """A password exactly as typed: never stripped, since spaces may be part of it."""

    required: bool = True

    def clean(self, value):
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValueError(_l("Must be text."))
        if self.required and not value:
            raise ValueError(_l("This field is required."))
        if len(value) > PASSWORD_MAX:
            raise ValueError(lazy_plain("Must be at most %(n)s characters long.", n=PASSWORD_MAX))
        return value


ACCOUNT_SCHEMA = Schema({
    "name": Text(NAME_MAX, required=True, min_length=2),
    "email": Email(),
    "password": Secret(),
    "password_confirmation": Secret(required=False),
})


def normalise_email(email) -> str:
    return email.strip().lower() if isinstance(email, str) else ""


def find_user_by_email(email: str) -> User | None:
    email = normalise_email(email)
    if not email:
        return None
    return db.session.execute(
        db.select(User).where(db.func.lower(User.email) == email)
    ).scalar_one_or_none()


def password_problem(password: str, email: str = ""):
    """Why a new password is not acceptable, or None."""
    if len(password) < PASSWORD_MIN:
        return lazy_plain("Use at least %(n)s characters.", n=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        return lazy_plain("Must be at most %(n)s characters long.", n=PASSWORD_MAX)
    if password.isdigit():
        return _l("Do not use only digits.")
    if email and password.strip().lower() == normalise_email(email):
        return _l("Do not use your email address as password.")
    return None


def _password_errors(password: str, confirmation, email: str, field: str, confirmation_field: str) -> dict:
    errors = {}
    problem = password_problem(password, email)
    if problem:
        errors[field] = problem
    if confirmation is not None and confirmation != password:
        errors[confirmation_field] = _l("The two passwords do not match.")
    return errors


def is_first_member(organisation) -> bool:
    """True while an organisation has no active member: its first member becomes its admin."""
    if organisation.id is None:
        return True
    return db.session.execute(
        db.select(User.id).filter_by(organisation_id=organisation.id, deleted_at=None).limit(1)
    ).first() is None


def _new_user(values: dict, organisation, role: str = "member", confirmed: bool = True) -> User:
    """An account; an unconfirmed one gets the mail with its confirmation link when it is committed."""
    user = User(
        email=values["email"],
        name=values["name"],
        organisation=organisation,
        is_org_admin=organisation is not None and is_first_member(organisation),
        role=role,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    user.set_password(values["password"])
    db.session.add(user)
    return user


def _commit_new_user(user: User) -> None:
    try:
        db.session.flush()  # the confirmation link names the account
        if not user.email_confirmed:
            queue_confirmation(user)  # in the same transaction: no account without its mail
        db.session.commit()
    except IntegrityError:
        # Two registrations with the same address raced past the check; the unique index decided.
        db.session.rollback()
        raise ValidationError(_l("Please correct the marked fields."), fields={"email": _email_taken()})


def _email_taken():
    return _l("An account with this email address already exists.")


def _clean_account(data: dict, errors: dict) -> dict | None:
    """The cleaned account fields, or None; every problem found is added to `errors`."""
    try:
        values = ACCOUNT_SCHEMA.clean(data)
    except ValidationError as exc:
        errors.update(exc.fields)
        values = None
    password = data.get("password")
    if "password" not in errors and isinstance(password, str):
        # The confirmation is checked when a form sends one; the CLI and the API do not.
        confirmation = data.get("password_confirmation") if "password_confirmation" in data else None
        errors.update(_password_errors(password, confirmation, normalise_email(data.get("email")),
                                       "password", "password_confirmation"))
    if values is not None and "email" not in errors and find_user_by_email(values["email"]) is not None:
        errors["email"] = _email_taken()
    return values


def _clean_new_organisation(org_data: dict, errors: dict) -> None:
    try:
        validate_new_organisation(org_data)
    except ValidationError as exc:
        errors.update({FORM_FIELD_OF.get(name, name): message for name, message in exc.fields.items()})
    if not org_data.get("org_type"):
        errors.setdefault("organisation_type", _l("This field is required."))
    if org_data.get("kind") in KINDS_WITH_LAND and not org_data.get("land"):
        errors.setdefault("organisation_land", _l("Choose the state."))


def register_user(data: dict, invite_token: str | None = None) -> User:
    """Create an account together with a new organisation, or inside the organisation of an invite.

    One transaction: either the organisation and its first member both exist afterwards, or neither.
    """
    data = dict(data)
    org_data = {ORGANISATION_FIELDS[name]: data.pop(name) for name in list(data) if name in ORGANISATION_FIELDS}
    distinct_reason = Text(DISTINCT_REASON_MAX).clean(data.pop("distinct_reason", "")) or ""
    invite = open_invite(invite_token) if invite_token else None
    errors: dict = {}
    values = _clean_account(data, errors)
    if invite is None:
        _clean_new_organisation(org_data, errors)
    elif values and invite.email and invite.email != values["email"]:
        errors["email"] = _l("This invitation is for a different email address.")
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), fields=errors)
    if invite is None:
        # Before anything is created: an organisation of this name in this Land, or at this postcode,
        # is offered to join; creating another one takes a reason the platform's admins see.
        check_not_registered(validate_new_organisation(org_data), distinct_reason)

    organisation = invite.organisation if invite else create_organisation(org_data, commit=False)
    if invite is None:
        organisation.distinct_reason = distinct_reason
    # An invitation mailed to this very address has proven it; any other address is confirmed by a link.
    user = _new_user(values, organisation, confirmed=invite is not None and invite.email == values["email"])
    if invite is not None:
        db.session.flush()
        claim_invite(invite, user)
    _commit_new_user(user)
    return user


def create_user(data: dict, organisation, role: str = "member", confirmed: bool = True) -> User:
    """An account made by an operator (CLI; confirmed), or by someone registering to join an existing
    organisation (`confirmed=False`: a link is mailed): the same rules as registration."""
    errors: dict = {}
    values = _clean_account(data, errors)
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), fields=errors)
    user = _new_user(values, organisation, role=role, confirmed=confirmed)
    _commit_new_user(user)
    return user


def set_role(user: User, role: str) -> User:
    """Change a platform role; reached only from the operator's CLI, which has no acting user."""
    if role not in PLATFORM_ROLES:
        raise ValidationError(_l("Please correct the marked fields."), fields={"role": _l("Unknown role.")})
    if role != user.role:
        audit.record(None, audit.SET_ROLE, user, f"{user.role} -> {role} (command line)")
    user.role = role
    db.session.commit()
    return user


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash("not a real password")


def authenticate(email: str, password: str, client: str = "") -> User:
    """The user with these credentials, if this client (its address) may still try this address.

    Unknown addresses, deleted accounts and wrong passwords get one and the same message, and too many
    failures the same refusal for every address (community/auth/throttle.py); the password hash runs in
    every case, so neither the answer nor its time tells who has an account.
    """
    password = password if isinstance(password, str) else ""
    key = normalise_email(email)[:EMAIL_MAX]
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        check_password_hash(_dummy_hash(), password)  # same work as a real check: no timing oracle
        right = False
    else:
        right = user.check_password(password)
    if throttle.is_slowed(key, client):
        count_login_failure("throttled")
        raise LoginThrottled(lazy_plain("Too many failed attempts for this address from here. Please wait %(minutes)s "
                                "minutes and try again.", minutes=current_app.config["LOGIN_LOCK_MINUTES"]))
    if not right:
        throttle.count_failure(key, client)
        count_login_failure("wrong_password")
        raise LoginFailed(_l("Email address or password is wrong."))
    throttle.forget(key, client)
    refuse_unwelcome(user)
    return user


def record_sign_in(user: User) -> None:
    """The sign-in is complete (password or provider, and the second factor where there is one)."""
    user.last_login_at = utcnow()
    db.session.commit()


class AccountSuspended(LoginFailed):
    status = 403
    code = "account_suspended"


class AccountBlocked(LoginFailed):
    status = 403
    code = "account_blocked"


def refuse_unwelcome(user: User) -> None:
    """A blocked (by an admin), suspended or banned account cannot sign in, by any route."""
    if user.is_blocked:
        raise AccountBlocked(_l("This account is blocked. Please contact the platform's administrators."))
    _refuse_suspended(user)


def _refuse_suspended(user: User) -> None:
    """A suspended or banned account cannot log in; the message says why and until when."""
    from community.moderation.state import blocking_sanction  # moderation builds on accounts

    sanction = blocking_sanction(user)
    if sanction is None:
        return
    count_login_failure("suspended")
    if sanction.ends_at is None:
        raise AccountSuspended(lazy_plain("This account is banned. Reason: %(reason)s", reason=sanction.reason))
    raise AccountSuspended(lazy_plain("This account is suspended until %(end)s. Reason: %(reason)s",
                              end=format_datetime(sanction.ends_at, "short"), reason=sanction.reason))


def change_password(user: User, current: str, new: str, confirmation: str | None = None) -> User:
    """Set a new password; every other session of the user ends (their auth version changes)."""
    errors = {}
    if not isinstance(current, str) or not user.check_password(current):
        errors["current_password"] = _l("Your current password is wrong.")
    new = new if isinstance(new, str) else ""
    errors.update(_password_errors(new, confirmation, user.email, "new_password", "new_password_confirmation"))
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), fields=errors)
    _replace_password(user, new)
    db.session.commit()
    sessions_ended.send(user)
    return user


def _replace_password(user: User, new: str) -> None:
    user.set_password(new)
    end_sessions(user)


def end_sessions(user: User) -> None:
    """Void every session and remember cookie of the user: the session id carries the auth version
    (User.get_id), and the loader refuses an old one. The caller commits, then sends `sessions_ended`."""
    user.auth_version += 1


def log_out_everywhere(user: User) -> None:
    """Logout: this session, the others and the user's open sockets end; a copied cookie is worthless."""
    end_sessions(user)
    db.session.commit()
    sessions_ended.send(user)


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_fingerprint(user: User) -> str:
    # Changes with every new password hash, so a used (or outdated) link stops working.
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:24]


def request_password_reset(email: str) -> str | None:
    """Mail a reset link to an existing account and return it; None when there is no such account."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return None
    token = _reset_serializer().dumps({"user": user.id, "fingerprint": _password_fingerprint(user)})
    link = public_url("auth.reset_password", token=token)
    hours = current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600
    with force_locale(reader_locale(user.locale)):
        subject = _("Reset your %(platform)s password", platform=current_app.config["PLATFORM_NAME"])
    # Into the outbox; a consumer delivers it: this request never waits for a mail server.
    queue_account_mail(user, subject, "password_reset", hours=hours, link=link)
    db.session.commit()
    return link


def user_for_reset_token(token: str) -> User:
    """The account a reset link belongs to, if the link is genuine, fresh and unused."""
    try:
        payload = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except BadSignature:  # includes SignatureExpired
        payload = {}
    user_id = payload.get("user") if isinstance(payload, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active or payload.get("fingerprint") != _password_fingerprint(user):
        raise InvalidLink(_l("This password reset link is invalid, expired or already used. Please ask for a new one."))
    return user


def reset_password(token: str, new: str, confirmation: str | None = None) -> User:
    user = user_for_reset_token(token)
    new = new if isinstance(new, str) else ""
    errors = _password_errors(new, confirmation, user.email, "password", "password_confirmation")
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), fields=errors)
    _replace_password(user, new)
    # Whoever reset the password may not be whoever issued the tokens: they all go.
    user.api_tokens.clear()
    db.session.commit()
    sessions_ended.send(user)
    return user


def load_user_from_session_id(session_id: str) -> User | None:
    """Flask-Login loader: the id carries the auth version, so old sessions die on password change."""
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.is_blocked or user.auth_version != int(version):
        return None
    return user


def user_for_api_token(token: str, sanctioned_too: bool = False) -> User | None:
    """The active account the token belongs to; a suspended or banned one only with `sanctioned_too`
    (the socket's connect refuses it with the reason, docs/realtime.md)."""
    if not token:
        return None
    record = db.session.execute(
        db.select(ApiToken).filter_by(token_hash=ApiToken.hash(token))
    ).scalar_one_or_none()
    if record is None or not record.user.is_active or record.user.is_blocked:
        return None
    from community.policy import is_suspended  # policy reads the moderation tables

    if not sanctioned_too and is_suspended(record.user):
        return None
    now = utcnow()
    # A write per request would turn every API read into a write; a minute is precise enough.
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
        record.last_used_at = now
        db.session.commit()
    return record.user
