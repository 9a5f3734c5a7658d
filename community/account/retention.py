"""Retention (the deletion concept in docs/legal.md): what is kept only as long as it is needed.

- Delivered mails lose their body (text, HTML, unsubscribe link) after MAIL_RETENTION_DAYS (30): a body can
  hold a password-reset or invitation link and personal text; the row (recipient, subject, status, times)
  stays as the delivery record admins see.
- Read notifications are deleted after NOTIFICATION_RETENTION_DAYS (365); unread ones stay until read.

A periodic job runs it daily at 03:30 (Europe/Berlin); `flask retention` runs it by hand.
"""
from datetime import timedelta

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from community import jobs
from community.extensions import db
from community.mail.models import SENT, MailedNotification, OutboxMail
from community.models_base import utcnow
from community.notifications.models import Notification


def apply_retention(now=None) -> dict[str, int]:
    """Purge what is past its retention period; returns how many mails and notifications were affected."""
    now = now or utcnow()
    config = current_app.config
    mails_before = now - timedelta(days=config["MAIL_RETENTION_DAYS"])
    mails = db.session.execute(
        sa.update(OutboxMail)
        .where(OutboxMail.status == SENT, OutboxMail.delivered_at < mails_before,
               sa.or_(OutboxMail.text != "", OutboxMail.html.is_not(None), OutboxMail.unsubscribe_url.is_not(None)))
        .values(text="", html=None, unsubscribe_url=None)
        .execution_options(synchronize_session=False)).rowcount
    read_before = now - timedelta(days=config["NOTIFICATION_RETENTION_DAYS"])
    expired = sa.select(Notification.id).where(Notification.read_at.is_not(None), Notification.read_at < read_before)
    # Explicitly, not by ON DELETE CASCADE: SQLite enforces foreign keys only when told to.
    db.session.execute(sa.delete(MailedNotification).where(MailedNotification.notification_id.in_(expired))
                       .execution_options(synchronize_session=False))
    notifications = db.session.execute(sa.delete(Notification).where(Notification.id.in_(expired))
                                       .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return {"mail_bodies": mails, "notifications": notifications}


@jobs.periodic_task(jobs.local_crontab(minute="30", hour="3"))
def retention() -> None:
    apply_retention()


@click.command("retention")
@with_appcontext
def retention_command() -> None:
    """Apply the retention periods now (delivered mail bodies, read notifications)."""
    done = apply_retention()
    click.echo(f"{done['mail_bodies']} mail bodies and {done['notifications']} notifications deleted.")
