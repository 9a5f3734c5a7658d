"""The outbox (one row per mail, written in the transaction of what causes it), the readers'
preferences per category, and which notifications a mail already carried (so digests skip them)."""
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.models_base import utcnow

PENDING, SENT, FAILED = "pending", "sent", "failed"
STATUSES = (PENDING, SENT, FAILED)
# What a mail is: one notification at once, a digest, or a mail of the account (no preferences apply).
NOTIFICATION, DIGEST, ACCOUNT, TEST = "notification", "digest", "account", "test"


class OutboxMail(db.Model):
    __tablename__ = "mail_outbox"
    __table_args__ = (db.Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),
                      db.UniqueConstraint("user_id", "digest_key", name="uq_mail_outbox_user_digest"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    recipient: Mapped[str] = mapped_column(db.String(320), nullable=False)
    kind: Mapped[str] = mapped_column(db.String(20), nullable=False)
    category: Mapped[str | None] = mapped_column(db.String(30))  # None: a mail of the account itself
    subject: Mapped[str] = mapped_column(db.String(300), nullable=False)
    text: Mapped[str] = mapped_column(db.Text, nullable=False)
    html: Mapped[str | None] = mapped_column(db.Text)
    # An invitation (iCalendar, METHOD:REQUEST) sent along as text/calendar, e.g. a consultation's date.
    calendar: Mapped[str | None] = mapped_column(db.Text)
    message_id: Mapped[str] = mapped_column(db.String(200), nullable=False, unique=True)
    unsubscribe_url: Mapped[str | None] = mapped_column(db.String(600))
    # A digest's period ("daily:2026-12-03"): one digest per person and period, however often a run repeats.
    digest_key: Mapped[str | None] = mapped_column(db.String(40))
    status: Mapped[str] = mapped_column(db.String(10), default=PENDING, nullable=False)
    attempts: Mapped[int] = mapped_column(default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(db.String(500))
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    next_attempt_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    # A consumer delivering the mail holds it until then; after that another may take it over.
    claimed_until: Mapped[datetime | None] = mapped_column(db.DateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(db.DateTime)

    def __repr__(self) -> str:
        return f"<OutboxMail {self.id} {self.kind} {self.status} to={self.recipient}>"


class MailPreference(db.Model):
    """A person's choice for one category; without a row the category's default applies."""

    __tablename__ = "mail_preference"

    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(db.String(30), primary_key=True)
    frequency: Mapped[str] = mapped_column(db.String(12), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, onupdate=utcnow, nullable=False)


class MailedNotification(db.Model):
    """This notification went out in that mail (at once or in a digest): never again."""

    __tablename__ = "mail_notification"

    notification_id: Mapped[int] = mapped_column(db.ForeignKey("notification.id", ondelete="CASCADE"),
                                                 primary_key=True)
    mail_id: Mapped[int] = mapped_column(db.ForeignKey("mail_outbox.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
