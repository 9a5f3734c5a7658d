"""Recording mails in the outbox, inside the caller's transaction, and handing them to the queue
after that transaction commits.

A mail is a row before it is anything else: if the transaction rolls back, there is no mail; if it
commits, the mail exists even when the queue loses its job (the sweep in tasks.py finds it again).
"""
import uuid
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from community.extensions import db
from community.links import public_url
from community.mail.models import NOTIFICATION, MailedNotification, OutboxMail
from community.mail.rendering import render_mail

_QUEUED = "mail_outbox_queued"


def absolute(path: str) -> str:
    """A stored path of ours ("/forums/threads/3") under PUBLIC_URL; anything else becomes the home page."""
    if not path.startswith("/") or path.startswith("//"):
        path = "/"
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def reader_locale(preference: str | None) -> str:
    config = current_app.config
    return preference if preference in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="mail-unsubscribe")


def unsubscribe_token(user_id: int, category: str) -> str:
    # Not timed: the link in a mail of last year must still work.
    return _unsubscribe_serializer().dumps({"u": user_id, "c": category})


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        payload = _unsubscribe_serializer().loads(token)
    except (BadSignature, UnicodeError, ValueError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int) \
            or not isinstance(payload.get("c"), str):
        return None
    return payload["u"], payload["c"]


def unsubscribe_url(user_id: int, category: str) -> str:
    return public_url("mail.unsubscribe", token=unsubscribe_token(user_id, category))


def new_message_id() -> str:
    domain = urlsplit(current_app.config["PUBLIC_URL"]).hostname or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def queue_mail(recipient: str, subject: str, text: str, html: str | None = None, *, kind: str,
               category: str | None = None, user_id: int | None = None, digest_key: str | None = None,
               unsubscribe_scope: str | None = None, calendar: str | None = None, session=None) -> OutboxMail:
    """Add a mail to the outbox in the current transaction; it is handed to the queue on commit.

    `unsubscribe_scope` (default: the category) is what the one-click link switches off: a category,
    or a digest frequency (every category at that frequency)."""
    session = session or db.session
    scope = unsubscribe_scope or category
    mail = OutboxMail(recipient=recipient, subject=subject[:300], text=text, html=html, calendar=calendar, kind=kind,
                      category=category, user_id=user_id, digest_key=digest_key, message_id=new_message_id(),
                      unsubscribe_url=unsubscribe_url(user_id, scope) if scope and user_id else None)
    session.add(mail)
    session.info.setdefault(_QUEUED, []).append(mail)
    return mail


def queue_account_mail(user_or_address, subject: str, template: str, locale: str | None = None,
                       **context) -> OutboxMail:
    """A mail of the account itself (password reset, invitation): no preference can switch it off."""
    from community.mail.models import ACCOUNT

    address = getattr(user_or_address, "email", user_or_address)
    user_id = getattr(user_or_address, "id", None)
    with force_locale(reader_locale(locale or getattr(user_or_address, "locale", None))):
        text, html = render_mail(template, subject=str(subject), **context)
    return queue_mail(address, str(subject), text, html, kind=ACCOUNT, user_id=user_id)


# Notification kinds whose mail carries a calendar invitation: kind -> builder(notification, user) -> text or None.
CALENDAR_BUILDERS = {}


def register_calendar(kind: str, builder) -> None:
    """A feature's notifications of `kind` are mailed with the invitation `builder` writes (None: without)."""
    CALENDAR_BUILDERS[kind] = builder


def record_notifications(notifications) -> list[OutboxMail]:
    """Inside notify, before its commit: a mail now for every reader who wants this category at once."""
    from community.auth.models import User
    from community.mail import preferences
    from community.notifications.kinds import category_of

    by_category: dict[str, list] = {}
    for notification in notifications:
        category = category_of(notification.kind)
        if category is not None:
            by_category.setdefault(category, []).append(notification)
    if not by_category:
        return []
    db.session.flush()  # the notifications' ids, for the record of what was mailed
    mailed = []  # (notification, its mail)
    for category, items in by_category.items():
        wanted = preferences.frequencies_for({n.user_id for n in items}, category)
        readers = [n for n in items if wanted[n.user_id] == preferences.IMMEDIATELY]
        if not readers:
            continue
        users = {user.id: user for user in db.session.scalars(
            db.select(User).filter(User.id.in_([n.user_id for n in readers]), User.deleted_at.is_(None)))}
        for notification in readers:
            user = users.get(notification.user_id)
            if user is None or not user.email:
                continue
            mailed.append((notification, notification_mail(user, notification, category)))
    db.session.flush()  # once, for the mails' ids
    db.session.add_all([MailedNotification(notification_id=notification.id, mail_id=mail.id)
                        for notification, mail in mailed])
    return [mail for _, mail in mailed]


def notification_mail(user, notification, category: str) -> OutboxMail:
    from community.mail.preferences import CATEGORY_LABELS

    from flask_babel import gettext

    with force_locale(reader_locale(user.locale)):
        text_line = notification.display_text
        platform = current_app.config["PLATFORM_NAME"]
        subject = f"[{platform}] {text_line}"
        text, html = render_mail(
            "notification", subject=subject, user=user, line=text_line,
            link=absolute(notification.url or "/notifications"),
            category_label=gettext(CATEGORY_LABELS[category]),
            settings_link=public_url("mail.settings"),
            unsubscribe_link=unsubscribe_url(user.id, category))
        builder = CALENDAR_BUILDERS.get(notification.kind)
        calendar = builder(notification, user) if builder else None
    return queue_mail(user.email, subject, text, html, kind=NOTIFICATION, category=category, user_id=user.id,
                      calendar=calendar)


def committed_mail_ids(session) -> list[int]:
    """The outbox rows the session's last commit recorded (once: the list is taken)."""
    # The identity, not mail.id: the committed rows are expired, and loading them here is not allowed.
    return [inspect(mail).identity[0] for mail in session.info.pop(_QUEUED, ()) if inspect(mail).identity]


@event.listens_for(Session, "after_rollback")
def _forget_queued(session) -> None:
    # A savepoint's rollback leaves the outer transaction's mails; a full rollback takes them all.
    if not session.in_transaction():
        session.info.pop(_QUEUED, None)
