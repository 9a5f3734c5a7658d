"""Moderation: reports, the append-only action log, sanctions, appeals, moderator assignments.

Items of every kind (forum posts, room messages, organisation profiles) are named by
(item_type, item_id); community/moderation/items.py knows how to act on each kind.
"""
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models_base import utcnow

POST, MESSAGE, PROFILE = "post", "message", "profile"
ITEM_TYPES = (POST, MESSAGE, PROFILE)
REPORT_REASONS = ("spam", "off_topic", "insult", "illegal", "other")
WARN, MUTE, SUSPEND, BAN = "warn", "mute", "suspend", "ban"
SANCTION_KINDS = (WARN, MUTE, SUSPEND, BAN)


class Report(db.Model):
    """All reports of one item while it waits for a decision; later reports merge into it."""

    __table_args__ = (db.Index("ix_report_item", "item_type", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(db.String(12), nullable=False)
    item_id: Mapped[int] = mapped_column(nullable=False)
    reason: Mapped[str] = mapped_column(db.String(12), nullable=False)  # of the first report
    count: Mapped[int] = mapped_column(default=1, nullable=False)
    is_open: Mapped[bool] = mapped_column(default=True, nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(db.DateTime)

    reporters = relationship("ReportEntry", back_populates="report", cascade="all, delete-orphan",
                             order_by="ReportEntry.id")


class ReportEntry(db.Model):
    """One person's report of an item: their reason and words."""

    __table_args__ = (db.UniqueConstraint("report_id", "reporter_id", name="uq_report_entry_reporter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(db.ForeignKey("report.id", ondelete="CASCADE"), nullable=False)
    reporter_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(db.String(12), nullable=False)
    text: Mapped[str] = mapped_column(db.String(2000), default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)

    report = relationship("Report", back_populates="reporters")
    reporter = relationship("User")


class ModerationAction(db.Model):
    """One entry of the moderation log: who did what to which item, when and why. Never changed."""

    __table_args__ = (db.Index("ix_moderation_action_item", "item_type", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    moderator_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(db.String(20), nullable=False, index=True)
    item_type: Mapped[str] = mapped_column(db.String(12), nullable=False)
    item_id: Mapped[int] = mapped_column(nullable=False)
    # The author of the item or the sanctioned user: who receives the statement of reasons.
    subject_user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(db.String(2000), default="", nullable=False)
    # What a hide, delete or edit took away, so that an unhide or an appeal can give it back.
    previous_text: Mapped[str | None] = mapped_column(db.Text)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False, index=True)

    moderator = relationship("User", foreign_keys=[moderator_id])
    subject_user = relationship("User", foreign_keys=[subject_user_id])


class AppendOnlyViolation(Exception):
    """Raised when code tries to change or delete an entry of the moderation log."""


@event.listens_for(ModerationAction, "before_update")
def _refuse_update(mapper, connection, target):
    raise AppendOnlyViolation("The moderation log is append-only.")


@event.listens_for(ModerationAction, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AppendOnlyViolation("The moderation log is append-only.")


class Appeal(db.Model):
    """An author's objection to a moderation action; decided by a moderator other than the one who acted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(db.ForeignKey("moderation_action.id"), unique=True, nullable=False)
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(db.String(2000), nullable=False)
    outcome: Mapped[str | None] = mapped_column(db.String(12))  # None while open; upheld or reverted
    decided_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    decided_at: Mapped[datetime | None] = mapped_column(db.DateTime)

    action = relationship("ModerationAction")
    user = relationship("User", foreign_keys=[user_id])


class Sanction(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(db.String(10), nullable=False)
    reason: Mapped[str] = mapped_column(db.String(2000), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    ends_at: Mapped[datetime | None] = mapped_column(db.DateTime)  # None: until lifted (ban) or a warning

    user = relationship("User", foreign_keys=[user_id])

    def active_at(self, now: datetime) -> bool:
        return self.kind != WARN and (self.ends_at is None or self.ends_at > now)


class ModeratorAssignment(db.Model):
    """A member who moderates one forum or one room (global moderators have User.role instead)."""

    __table_args__ = (
        db.UniqueConstraint("user_id", "forum_id", name="uq_moderator_assignment_user_forum"),
        db.UniqueConstraint("user_id", "room_id", name="uq_moderator_assignment_user_room"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), index=True, nullable=False)
    forum_id: Mapped[int | None] = mapped_column(db.ForeignKey("forum.id", ondelete="CASCADE"))
    room_id: Mapped[int | None] = mapped_column(db.ForeignKey("room.id", ondelete="CASCADE"))

    user = relationship("User")
    forum = relationship("Forum")
    room = relationship("Room")


class WithheldProfile(db.Model):
    """An organisation's profile text that moderation hid or deleted, kept here while its description is empty.

    Edits the organisation makes meanwhile replace `text` instead of being published, and set `edited_at`:
    the review queue lists them, and approving or unhiding publishes the newest text.
    """

    organisation_id: Mapped[int] = mapped_column(db.ForeignKey("organisation.id", ondelete="CASCADE"),
                                                 primary_key=True)
    text: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    edited_at: Mapped[datetime | None] = mapped_column(db.DateTime)  # None: nothing new to review


class RoomSlowMode(db.Model):
    """Slow mode of a room: one message per this many seconds per user."""

    room_id: Mapped[int] = mapped_column(db.ForeignKey("room.id", ondelete="CASCADE"), primary_key=True)
    seconds: Mapped[int] = mapped_column(nullable=False)

