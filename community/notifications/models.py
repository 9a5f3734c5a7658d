"""Notifications of one user (mentions, contact requests, new matches), and the record of which
match notices were already sent, so each pair is announced at most once."""
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.models_base import utcnow

MENTION = "mention"
REPLY = "reply"
CONTACT_REQUEST = "contact_request"
MATCH = "match"
ROOM_INVITE = "room_invite"
NOTIFICATION_KINDS = (MENTION, REPLY, CONTACT_REQUEST, MATCH, ROOM_INVITE)


class Notification(db.Model):
    __table_args__ = (db.Index("ix_notification_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(db.String(20), nullable=False)
    text: Mapped[str] = mapped_column(db.String(500), nullable=False)
    url: Mapped[str] = mapped_column(db.String(500), default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(db.DateTime)

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} user={self.user_id}>"


class MatchNotice(db.Model):
    """An organisation was told about a new record matching one of its entries (once per pair)."""

    __table_args__ = (db.UniqueConstraint("organisation_id", "record_id", name="uq_match_notice_org_record"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(db.ForeignKey("organisation.id", ondelete="CASCADE"),
                                                 nullable=False)
    record_id: Mapped[str] = mapped_column(db.String(40), nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
