"""Daily (07:00) and weekly (Monday 07:00, Europe/Berlin) digests: one mail per person with the unread
notifications of the categories they set to that frequency, grouped by category.

A period has a key ("daily:2026-12-03"); the outbox allows one digest per person and key, and every
notification a mail carried is recorded (MailedNotification). So a run repeated sends nothing twice,
and a run interrupted is completed by the next one (a consumer starting catches up the last period).
A scheduled run takes what came before the period began; `flask mail send-digests` takes all until now.
"""
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy.exc import IntegrityError

from community.auth.models import User
from community.extensions import db
from community.mail import outbox, preferences
from community.mail.models import DIGEST, MailedNotification, MailPreference, OutboxMail
from community.mail.preferences import DAILY, WEEKLY
from community.models_base import utcnow
from community.notifications import kinds
from community.notifications.models import Notification

ZONE = "Europe/Berlin"
HOUR = 7
# Older unread notifications are not dug out (a first digest after months would be a wall).
MAX_AGE = {DAILY: timedelta(days=3), WEEKLY: timedelta(days=10)}
CHUNK = 200


def period_start(frequency: str, now_utc: datetime) -> datetime:
    """The latest 07:00 local (on a Monday for weekly) at or before now, as naive UTC."""
    tz = ZoneInfo(ZONE)
    local = now_utc.replace(tzinfo=timezone.utc).astimezone(tz)
    day = local.date()
    if frequency == WEEKLY:
        day -= timedelta(days=day.weekday())
    start = datetime(day.year, day.month, day.day, HOUR, tzinfo=tz)
    if start > local:
        start -= timedelta(days=7 if frequency == WEEKLY else 1)
        start = datetime(start.year, start.month, start.day, HOUR, tzinfo=tz)  # 07:00 again across DST
    return start.astimezone(timezone.utc).replace(tzinfo=None)


def period_key(frequency: str, start_utc: datetime) -> str:
    local = start_utc.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(ZONE))
    return f"{frequency}:{local.date().isoformat()}"


def _categories_at(frequency: str, stored: dict[str, str]) -> set[str]:
    return {c for c in kinds.MAIL_CATEGORIES if stored.get(c, preferences.DEFAULTS[c]) == frequency}


def send_digests(frequency: str, now: datetime | None = None, until_now: bool = False) -> int:
    """Queue this period's digests; returns how many mails were queued by this run."""
    if frequency not in preferences.DIGEST_FREQUENCIES:
        raise ValueError(f"frequency is daily or weekly, not {frequency!r}")
    now = now or utcnow()
    start = period_start(frequency, now)
    key = period_key(frequency, start)
    cutoff = now if until_now else start
    kind_categories = {kind: category for kind, category in kinds.registered_kinds().items()}
    queued = 0
    last_user = 0
    while True:
        user_ids = _next_candidates(last_user, cutoff - MAX_AGE[frequency], cutoff, list(kind_categories))
        if not user_ids:
            return queued
        for attempt in range(3):
            try:
                queued += _digest_chunk(user_ids, frequency, key, cutoff - MAX_AGE[frequency], cutoff,
                                        kind_categories)
                db.session.commit()
                break
            except IntegrityError:  # another run took some of these people at the same moment
                db.session.rollback()
        last_user = user_ids[-1]


def _unmailed(since: datetime, cutoff: datetime, kinds_list):
    return db.select(Notification).outerjoin(
        MailedNotification, MailedNotification.notification_id == Notification.id).filter(
        MailedNotification.notification_id.is_(None), Notification.read_at.is_(None),
        Notification.created_at > since, Notification.created_at <= cutoff, Notification.kind.in_(kinds_list))


def _next_candidates(after_user: int, since, cutoff, kinds_list) -> list[int]:
    select = _unmailed(since, cutoff, kinds_list).with_only_columns(Notification.user_id).distinct() \
        .filter(Notification.user_id > after_user).order_by(Notification.user_id).limit(CHUNK)
    return list(db.session.scalars(select))


def _digest_chunk(user_ids, frequency, key, since, cutoff, kind_categories) -> int:
    done = set(db.session.scalars(db.select(OutboxMail.user_id).filter(
        OutboxMail.digest_key == key, OutboxMail.user_id.in_(user_ids))))
    todo = [user_id for user_id in user_ids if user_id not in done]
    if not todo:
        return 0
    stored: dict[int, dict[str, str]] = defaultdict(dict)
    for user_id, category, chosen in db.session.execute(db.select(
            MailPreference.user_id, MailPreference.category, MailPreference.frequency)
            .filter(MailPreference.user_id.in_(todo))):
        stored[user_id][category] = chosen
    items: dict[int, list[Notification]] = defaultdict(list)
    for notification in db.session.scalars(_unmailed(since, cutoff, list(kind_categories))
                                           .filter(Notification.user_id.in_(todo)).order_by(Notification.id)):
        if kind_categories[notification.kind] in _categories_at(frequency, stored[notification.user_id]):
            items[notification.user_id].append(notification)
    users = {user.id: user for user in db.session.scalars(
        db.select(User).filter(User.id.in_(list(items)), User.deleted_at.is_(None)))}
    mails = []
    for user_id, notifications in items.items():
        user = users.get(user_id)
        if user is not None and user.email:
            mails.append((_digest_mail(user, frequency, key, notifications, kind_categories), notifications))
    db.session.flush()  # once per chunk, for the mails' ids
    rows = [{"notification_id": n.id, "mail_id": mail.id} for mail, notifications in mails for n in notifications]
    if rows:
        db.session.execute(db.insert(MailedNotification), rows)
    return len(mails)


def _digest_mail(user, frequency, key, notifications, kind_categories) -> OutboxMail:
    grouped: dict[str, list] = defaultdict(list)
    for notification in notifications:
        grouped[kind_categories[notification.kind]].append(notification)
    platform = current_app.config["PLATFORM_NAME"]
    with force_locale(outbox.reader_locale(user.locale)):
        if frequency == DAILY:
            subject = gettext("[%(platform)s] Your daily summary: %(count)s new", platform=platform,
                              count=len(notifications))
        else:
            subject = gettext("[%(platform)s] Your weekly summary: %(count)s new", platform=platform,
                              count=len(notifications))
        sections = [{
            "label": gettext(preferences.CATEGORY_LABELS[category]),
            "unsubscribe_link": outbox.unsubscribe_url(user.id, category),
            "items": [{"line": n.display_text, "link": outbox.absolute(n.url or "/notifications")}
                      for n in grouped[category]],
        } for category in kinds.MAIL_CATEGORIES if category in grouped]
        text, html = outbox.render_mail("digest", subject=subject, user=user, sections=sections,
                                        settings_link=outbox.public_url("mail.settings"),
                                        daily=frequency == DAILY,
                                        unsubscribe_link=outbox.unsubscribe_url(user.id, frequency))
    # The header's one-click link stops this digest (every category at this frequency); each group
    # in the body has a link for its category alone.
    return outbox.queue_mail(user.email, subject, text, html, kind=DIGEST, category=None, user_id=user.id,
                             digest_key=key, unsubscribe_scope=frequency)
