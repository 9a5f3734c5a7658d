"""The signed-in user's own account: profile, API tokens, data export (DSGVO Art. 15/20), deletion (Art. 17)."""
import re

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from community.account import personal_data
from community.auth.models import ApiToken, User
from community.auth import totp
from community.auth.services import end_sessions
from community.errors import Conflict, ValidationError
from community.extensions import db
from community.members.services import appoint_successor
from community.i18n import N_, lazy_plain
from community.models_base import get_or_not_found, utcnow
from community.notifications import kinds
from community.notifications.models import Notification
from community.notifications.services import notification_to_dict, notify
from community.profiles.models import Need, Offer
from community.profiles.services import entry_to_dict
from community.signals import api_token_revoked, membership_ended, sessions_ended
from community.validation import OneOf, Schema, Text

# The organisation's new admin hears it; with nobody left, the platform's admins hear that it is theirs.
ADMIN_HANDOVER = "admin_handover"
kinds.register_kind(ADMIN_HANDOVER, kinds.CONTACT_REQUESTS)

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
        raise Conflict(lazy_plain("You have %(n)s tokens already; revoke one first.", n=MAX_TOKENS_PER_USER))
    record, token = ApiToken.issue(user, name=values["name"])
    db.session.commit()
    return record, token


def revoke_token(user: User, token_id: int) -> None:
    record = get_or_not_found(ApiToken, token_id, _l("This token does not exist."),
                              hidden=lambda record: record.user_id != user.id)
    db.session.delete(record)
    db.session.commit()
    api_token_revoked.send(user, token_id=token_id)


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
            "email_confirmed_at": _timestamp(user.email_confirmed_at),
            "job_title": user.job_title,
            "phone": user.phone,
            "locale": user.locale,
            "role": user.role,
            "created_at": _timestamp(user.created_at),
            "last_login_at": _timestamp(user.last_login_at),
            "blocked_at": _timestamp(user.blocked_at),
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
        # The TOTP secret and the recovery codes' hashes are credentials, not data about the person.
        "second_factor": {"enabled_at": _timestamp(user.totp_confirmed_at)},
        "sign_in_services": [
            {"provider": identity.provider, "issuer": identity.issuer, "subject": identity.subject,
             "linked_at": _timestamp(identity.created_at)}
            for identity in sorted(user.identities, key=lambda identity: identity.id)
        ],
        "needs": _authored(Need, user),
        "offers": _authored(Offer, user),
        # In the language of the export's request, like the notification page.
        "notifications": [notification_to_dict(notification) for notification in db.session.scalars(
            db.select(Notification).filter_by(user_id=user.id).order_by(Notification.id))],
        **_contributions(user),
        **personal_data.generic_sections(user.id),
    }


def _rows(select) -> list:
    return list(db.session.scalars(select))


def _contributions(user: User) -> dict:
    """What the person wrote or received elsewhere: posts, room messages, contact requests, reports,
    sanctions (DSGVO Art. 15 and 20)."""
    from community.examples.models import Example, ExampleVote
    from community.forums.models import Post
    from community.moderation.models import Report, ReportEntry, Sanction
    from community.rooms.models import Message
    from community.suggestions.models import ContactRequest

    return {
        "forum_posts": [{"id": post.id, "thread_id": post.thread_id, "body": post.body, "status": post.status,
                         "created_at": _timestamp(post.created_at), "edited_at": _timestamp(post.edited_at)}
                        for post in _rows(db.select(Post).filter_by(author_id=user.id).order_by(Post.id))],
        "room_messages": [{"id": message.id, "room_id": message.room_id, "body": message.body,
                           "created_at": _timestamp(message.created_at),
                           "deleted_at": _timestamp(message.deleted_at)}
                          for message in _rows(db.select(Message).filter_by(author_id=user.id)
                                               .order_by(Message.id))],
        "contact_requests": [{"id": request.id, "from_organisation": request.from_org.name,
                              "to_organisation": request.to_org.name, "message": request.message,
                              "status": request.status, "sent_by_you": request.from_user_id == user.id,
                              "created_at": _timestamp(request.created_at),
                              "decided_at": _timestamp(request.decided_at)}
                             for request in _rows(db.select(ContactRequest).filter(db.or_(
                                 ContactRequest.from_user_id == user.id, ContactRequest.decided_by_id == user.id))
                                 .order_by(ContactRequest.id))],
        "reports": [{"item_type": item_type, "item_id": item_id, "reason": entry.reason, "text": entry.text,
                     "created_at": _timestamp(entry.created_at)}
                    for entry, item_type, item_id in db.session.execute(
                        db.select(ReportEntry, Report.item_type, Report.item_id)
                        .join(Report, Report.id == ReportEntry.report_id)
                        .filter(ReportEntry.reporter_id == user.id).order_by(ReportEntry.id))],
        "good_examples": [{"id": example.id, "title": example.title, "summary": example.summary,
                           "status": example.status, "created_at": _timestamp(example.created_at),
                           "updated_at": _timestamp(example.updated_at)}
                          for example in _rows(db.select(Example).filter(db.or_(
                              Example.author_id == user.id, Example.reviewed_by_id == user.id,
                              Example.last_editor_id == user.id)).order_by(Example.id))],
        "helpful_votes": [{"example_id": vote.example_id, "created_at": _timestamp(vote.created_at)}
                          for vote in _rows(db.select(ExampleVote).filter_by(user_id=user.id)
                                            .order_by(ExampleVote.example_id))],
        "event_registrations": _event_registrations(user),
        "sanctions": [{"kind": sanction.kind, "reason": sanction.reason,
                       "created_at": _timestamp(sanction.created_at), "ends_at": _timestamp(sanction.ends_at)}
                      for sanction in _rows(db.select(Sanction).filter(db.or_(
                          Sanction.user_id == user.id, Sanction.created_by_id == user.id)).order_by(Sanction.id))],
    }


def _event_registrations(user: User) -> list:
    from community.events.models import Event, Registration

    return [{"event_id": event.id, "title": event.title, "starts_at": _timestamp(event.starts_at),
             "status": registration.status, "attended": registration.attended,
             "registered_at": _timestamp(registration.created_at)}
            for registration, event in db.session.execute(
                db.select(Registration, Event).join(Event).filter(Registration.user_id == user.id)
                .order_by(Registration.id))]


def delete_account(user: User, password: str, successor_id=None) -> None:
    """Anonymise the account; what the person wrote stays with their organisation, shown as by a deleted account.

    The last admin of an organisation names who takes over (by default its longest-standing member);
    when nobody is left, the platform's admins are told that they now decide who joins.
    Every session and token of the account stops working at once.
    """
    if not isinstance(password, str) or not user.check_password(password):
        raise ValidationError(_l("Please correct the marked fields."),
                              fields={"password": _l("Your password is wrong.")})
    organisation_id = user.organisation_id
    org = user.organisation
    was_last_admin = org is not None and user.is_org_admin and not any(
        member.is_org_admin for member in org.members if member.id != user.id and member.deleted_at is None)
    successor = appoint_successor(user, successor_id)
    user.api_tokens.clear()  # delete-orphan: the tokens are deleted, not just unlinked
    user.identities.clear()  # a provider's sign-in must not find (or recreate) the deleted account
    totp.clear(user)
    personal_data.delete_with_account(user.id)  # per table: community/account/personal_data.py
    user.name = f"deleted user #{user.id}"
    user.email = f"deleted-{user.id}@invalid"
    user.password_hash = ""  # matches no password: User.check_password refuses an empty hash
    user.job_title = ""
    user.phone = ""
    user.locale = None
    user.role = "member"
    user.is_org_admin = False
    user.organisation_id = None
    user.last_login_at = None
    user.deleted_at = utcnow()
    end_sessions(user)
    db.session.commit()
    sessions_ended.send(user)
    membership_ended.send(user, organisation_id=organisation_id, account_deleted=True)
    if successor is not None:
        notify([successor.id], ADMIN_HANDOVER, N_("You are now an administrator of %(organisation)s."),
               url_for("members.members", org_id=org.id), organisation=org.name)
    elif was_last_admin:
        platform_admins = db.session.scalars(db.select(User.id).filter(User.role == "admin",
                                                                       User.deleted_at.is_(None)))
        notify(platform_admins, ADMIN_HANDOVER,
               N_("%(organisation)s has no members any more; the platform now decides who joins it."),
               url_for("organisations.show", org_id=org.id), organisation=org.name)
