"""The signed-in user's own account: profile, API tokens, data export (DSGVO Art. 15/20), deletion (Art. 17)."""
import re

from flask import current_app
from flask_babel import lazy_gettext as _l

from community.auth.models import ApiToken, User
from community.errors import Conflict, ValidationError
from community.extensions import db
from community.members.services import appoint_successor
from community.models_base import get_or_not_found, utcnow
from community.notifications.models import Notification
from community.notifications.services import notification_to_dict
from community.profiles.models import Need, Offer
from community.profiles.services import entry_to_dict
from community.validation import OneOf, Schema, Text

PHONE_PATTERN = re.compile(r"^[0-9+()/.\- ]*$")
MAX_TOKENS_PER_USER = 20
TOKEN_SCHEMA = Schema({"name": Text(80)})


def _profile_schema() -> Schema:
    return Schema({
        "name": Text(120, required=True, min_length=2),
        "job_title": Text(120),
        "phone": Text(40),
        "locale": OneOf(current_app.config["LANGUAGES"]),
    })


def update_profile(user: User, data: dict) -> User:
    values = _profile_schema().clean(data)
    if not PHONE_PATTERN.match(values["phone"]):
        raise ValidationError(_l("Please correct the marked fields."),
                              fields={"phone": _l("Use digits, spaces and + ( ) / - . only.")})
    for name, value in values.items():
        setattr(user, name, value)
    db.session.commit()
    return user


def list_tokens(user: User) -> list[ApiToken]:
    return list(db.session.execute(
        db.select(ApiToken).filter_by(user_id=user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).scalars())


def issue_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new personal API token; the plain token is returned once and only its hash is stored."""
    values = TOKEN_SCHEMA.clean({"name": name})
    if len(list_tokens(user)) >= MAX_TOKENS_PER_USER:
        raise Conflict(_l("You have %(n)s tokens already; revoke one first.", n=MAX_TOKENS_PER_USER))
    record, token = ApiToken.issue(user, name=values["name"])
    db.session.commit()
    return record, token


def revoke_token(user: User, token_id: int) -> None:
    record = get_or_not_found(ApiToken, token_id, _l("This token does not exist."),
                              hidden=lambda record: record.user_id != user.id)
    db.session.delete(record)
    db.session.commit()


def _timestamp(value) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def _authored(model, user: User) -> list[dict]:
    entries = db.session.execute(
        db.select(model).filter_by(author_id=user.id).order_by(model.created_at, model.id)
    ).scalars()
    return [entry_to_dict(entry) for entry in entries]


def export_user_data(user: User) -> dict:
    """Everything stored about the person, in a machine-readable form; token secrets are never stored."""
    org = user.organisation
    return {
        "exported_at": _timestamp(utcnow()),
        "profile": {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "job_title": user.job_title,
            "phone": user.phone,
            "locale": user.locale,
            "role": user.role,
            "created_at": _timestamp(user.created_at),
            "last_login_at": _timestamp(user.last_login_at),
        },
        "organisation": None if org is None else {
            "id": org.id,
            "name": org.name,
            "kind": org.kind,
            "is_org_admin": user.is_org_admin,
        },
        "api_tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "created_at": _timestamp(token.created_at),
                "last_used_at": _timestamp(token.last_used_at),
            }
            for token in sorted(user.api_tokens, key=lambda token: (token.created_at, token.id))
        ],
        "needs": _authored(Need, user),
        "offers": _authored(Offer, user),
        # In the language of the export's request, like the notification page.
        "notifications": [notification_to_dict(notification) for notification in db.session.scalars(
            db.select(Notification).filter_by(user_id=user.id).order_by(Notification.id))],
    }


def delete_account(user: User, password: str) -> None:
    """Anonymise the account; what the person wrote stays with their organisation, shown as by a deleted account.

    Every session and token of the account stops working at once.
    """
    if not isinstance(password, str) or not user.check_password(password):
        raise ValidationError(_l("Please correct the marked fields."),
                              fields={"password": _l("Your password is wrong.")})
    appoint_successor(user)
    user.api_tokens.clear()  # delete-orphan: the tokens are deleted, not just unlinked
    user.name = f"deleted user #{user.id}"
    user.email = f"deleted-{user.id}@invalid"
    user.password_hash = ""  # matches no password: User.check_password refuses an empty hash
    user.job_title = ""
    user.phone = ""
    user.locale = None
    user.role = "member"
    user.is_org_admin = False
    user.organisation_id = None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = None
    user.deleted_at = utcnow()
    user.auth_version += 1
    db.session.commit()
