"""Storing, delivering, listing and marking notifications.

`notify` writes first and emits afterwards (to the personal Socket.IO room `user:<id>`), so a
notification a browser showed is one the list page also has.
"""
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from community.auth.models import User
from community.errors import NotFound
from community.extensions import db, socketio
from community.models_base import utcnow
from community.notifications.models import CONTACT_REQUEST, Notification
from community.pagination import Page, paginate

TEXT_MAX = 500
URL_MAX = 500


def user_channel(user_id: int) -> str:
    """The Socket.IO room every connection of one user joins."""
    return f"user:{user_id}"


def notification_to_dict(notification: Notification) -> dict:
    return {
        "id": notification.id,
        "kind": notification.kind,
        "text": notification.text,
        "url": notification.url,
        "created_at": notification.created_at.isoformat() + "Z",
        "read": notification.read_at is not None,
    }


def notify(user_ids, kind: str, text: str, url: str = "") -> list[Notification]:
    """Store one notification per user (each once), commit, then deliver them live."""
    unique_ids = list(dict.fromkeys(int(user_id) for user_id in user_ids))
    if not unique_ids:
        return []
    notifications = [Notification(user_id=user_id, kind=kind, text=str(text)[:TEXT_MAX], url=url[:URL_MAX])
                     for user_id in unique_ids]
    db.session.add_all(notifications)
    db.session.commit()
    for notification in notifications:
        socketio.emit("notification", notification_to_dict(notification), to=user_channel(notification.user_id),
                      namespace="/")
    return notifications


def organisation_member_ids(organisation_id: int, exclude_user_id: int | None = None) -> list[int]:
    """The active accounts of an organisation, for notifying "the organisation"."""
    select = db.select(User.id).filter(User.organisation_id == organisation_id, User.deleted_at.is_(None))
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
    notification = db.session.get(Notification, notification_id) if isinstance(notification_id, int) else None
    if notification is None or notification.user_id != user.id:
        raise NotFound(_l("This notification does not exist."))
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
    text = _("%(organisation)s would like to get in touch with your organisation.",
             organisation=request.from_org.name)
    return notify(organisation_member_ids(request.to_org_id), CONTACT_REQUEST, text,
                  url_for("suggestions.contact_list", direction="incoming"))
