"""Storing, delivering, listing and marking notifications.

`notify` writes first and emits afterwards (to the personal Socket.IO room `user:<id>`), so a
notification a browser showed is one the list page also has. It stores the English message id and
its values, never the text: each reader sees it in their own language, live and later.
"""
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from community.auth.models import User
from community.extensions import db, socketio
from community.i18n import N_
from community.models_base import get_or_not_found, utcnow
from community.notifications.models import CONTACT_ANSWER, CONTACT_REQUEST, TEXT_MAX, Notification
from community.pagination import Page, paginate

URL_MAX = 500


@dataclass(frozen=True)
class Translatable:
    """A value of a notification that is itself a message id (marked with N_), translated when shown."""

    msgid: str


@dataclass(frozen=True)
class When:
    """A moment (naive UTC) in a notification, written out in the reader's language and German time when shown."""

    at: datetime


def user_channel(user_id: int) -> str:
    """The Socket.IO room every connection of one user joins."""
    return f"user:{user_id}"


def notification_to_dict(notification: Notification) -> dict:
    return {
        "id": notification.id,
        "kind": notification.kind,
        "text": notification.display_text,
        "url": notification.url,
        "created_at": notification.created_at.isoformat() + "Z",
        "read": notification.read_at is not None,
    }


def _stored_value(value):
    if isinstance(value, Translatable):
        return {"msgid": value.msgid}
    if isinstance(value, When):
        return {"at": value.at.isoformat()}
    if isinstance(value, str):
        return value[:TEXT_MAX]
    if isinstance(value, int):
        return value
    # A lazy or otherwise translated value would be frozen in the sender's language.
    raise TypeError(f"notification values are str, int, Translatable or When, not {type(value).__name__}")


def notify(user_ids, kind: str, message: str, url: str = "", **values) -> list[Notification]:
    """Store one notification per user (each once), commit, then deliver them live.

    `message` is an English message id marked with N_ ("%(name)s mentioned you"), `values` fill it in.
    """
    if not isinstance(message, str):
        raise TypeError("the message is a message id marked with N_, not a (lazy) translation")
    unique_ids = list(dict.fromkeys(int(user_id) for user_id in user_ids))
    if not unique_ids:
        return []
    params = {name: _stored_value(value) for name, value in values.items()}
    notifications = [Notification(user_id=user_id, kind=kind, message=message, params=params, url=url[:URL_MAX])
                     for user_id in unique_ids]
    db.session.add_all(notifications)
    from community.mail.outbox import record_notifications

    # The mails of those who want this category at once, in the same transaction (an outbox row each).
    record_notifications(notifications)
    db.session.commit()
    locales = dict(db.session.execute(db.select(User.id, User.locale).filter(User.id.in_(unique_ids))).all())
    for notification in notifications:
        with force_locale(_reader_locale(locales.get(notification.user_id))):
            payload = notification_to_dict(notification)
        socketio.emit("notification", payload, to=user_channel(notification.user_id), namespace="/")
    return notifications


def _reader_locale(preference: str | None) -> str:
    """The receiver's stored language; the sender's request knows nothing else about them."""
    config = current_app.config
    return preference if preference in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


def _active_members(organisation_id: int):
    return db.select(User.id).filter(User.organisation_id == organisation_id, User.deleted_at.is_(None))


def has_active_members(organisation_id: int) -> bool:
    """Whether anybody would receive what is sent to the organisation (its page, contact forms, API)."""
    return db.session.scalar(db.select(_active_members(organisation_id).exists())) or False


def organisation_member_ids(organisation_id: int, exclude_user_id: int | None = None) -> list[int]:
    """The active accounts of an organisation, for notifying "the organisation"."""
    select = _active_members(organisation_id)
    if exclude_user_id is not None:
        select = select.filter(User.id != exclude_user_id)
    return list(db.session.scalars(select))


def unread_count(user) -> int:
    return db.session.scalar(db.select(db.func.count(Notification.id)).filter(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def list_notifications(user, page: int = 1, per_page: int = 20) -> Page:
    select = db.select(Notification).filter(Notification.user_id == user.id) \
        .order_by(Notification.id.desc())
    return paginate(select, page, per_page)


def mark_read(user, notification_id) -> Notification:
    """Mark one of the user's own notifications read; any other looks like a missing one."""
    notification = get_or_not_found(Notification, notification_id, _l("This notification does not exist."),
                                    hidden=lambda notification: notification.user_id != user.id)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return notification


def mark_all_read(user) -> int:
    result = db.session.execute(db.update(Notification).filter(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    db.session.commit()
    return result.rowcount


def notify_contact_request(request) -> list[Notification]:
    """Tell the receiving organisation's members that another organisation asks to get in touch."""
    return notify(organisation_member_ids(request.to_org_id), CONTACT_REQUEST,
                  N_("%(organisation)s would like to get in touch with your organisation."),
                  url_for("suggestions.contact_list", direction="incoming"), organisation=request.from_org.name)


def mark_handled(kind: str, url: str, user_ids=None) -> int:
    """Mark read what told people about something now handled (a request answered, a post approved),
    for everyone it went to, or for `user_ids` only."""
    select = db.update(Notification).filter(Notification.kind == kind, Notification.url == url[:URL_MAX],
                                            Notification.read_at.is_(None))
    if user_ids is not None:
        select = select.filter(Notification.user_id.in_(list(user_ids)))
    result = db.session.execute(select.values(read_at=utcnow()).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount


def notify_contact_answer(request, still_pending: int) -> list[Notification]:
    """Tell the asking organisation's members the answer; the receiving side's notices of requests
    are read once none of them waits for an answer any more."""
    incoming = url_for("suggestions.contact_list", direction="incoming")
    if not still_pending:
        mark_handled(CONTACT_REQUEST, incoming, organisation_member_ids(request.to_org_id))
    message = N_("%(organisation)s has accepted your contact request.") if request.status == "accepted" \
        else N_("%(organisation)s has declined your contact request.")
    return notify(organisation_member_ids(request.from_org_id), CONTACT_ANSWER, message,
                  url_for("suggestions.contact_list", direction="outgoing"), organisation=request.to_org.name)
