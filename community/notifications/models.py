"""Notifications of one user (mentions, contact requests, new matches), and the record of which
match notices were already sent, so each pair is announced at most once."""
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as translate  # not a marker: the stored ids were marked with N_
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.i18n import N_
from community.notifications import kinds
from community.models_base import utcnow

MENTION = "mention"
REPLY = "reply"
CONTACT_REQUEST = "contact_request"
MATCH = "match"
ROOM_INVITE = "room_invite"
CONTACT_ANSWER = "contact_answer"
POST_APPROVED = "post_approved"
FORUM_POST = "forum_post"
FORUM_INVITE = "forum_invite"
MODERATION = "moderation"
NOTIFICATION_KINDS = (MENTION, REPLY, CONTACT_REQUEST, MATCH, ROOM_INVITE, CONTACT_ANSWER, POST_APPROVED,
                      FORUM_POST, FORUM_INVITE, MODERATION)
for _kind, _category in ((MENTION, kinds.MENTIONS), (ROOM_INVITE, kinds.MENTIONS), (REPLY, kinds.FORUM_REPLIES),
                         (FORUM_POST, kinds.FORUM_REPLIES), (FORUM_INVITE, kinds.FORUM_REPLIES),
                         (CONTACT_REQUEST, kinds.CONTACT_REQUESTS), (CONTACT_ANSWER, kinds.CONTACT_REQUESTS),
                         (MATCH, kinds.MATCHES), (POST_APPROVED, kinds.MODERATION), (MODERATION, kinds.MODERATION)):
    kinds.register_kind(_kind, _category)
TEXT_MAX = 500
# A moment in a notification, as a Babel pattern of the reader's language ("Mi, 16.12.2026, 10:00 Uhr").
MOMENT_PATTERN = N_("EEE, MM/dd/yyyy, h:mm a")


def _shown(value):
    """A stored value as the reader reads it: {"msgid"} translated, {"at"} a date and time in German time."""
    if isinstance(value, dict) and "msgid" in value:
        return translate(value["msgid"])
    if isinstance(value, dict) and "at" in value:
        return format_datetime(datetime.fromisoformat(value["at"]), translate(MOMENT_PATTERN))
    return value


class Notification(db.Model):
    __table_args__ = (db.Index("ix_notification_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(db.String(20), nullable=False)
    # An English message id and its values, translated when shown: the reader's language, not the sender's.
    # A value {"msgid": ...} is itself a message id and translated too; {"at": ...} is a moment in UTC.
    message: Mapped[str | None] = mapped_column(db.String(500))
    params: Mapped[dict | None] = mapped_column(db.JSON)
    # Only rows from before `message` have a text: already translated, in their sender's language.
    text: Mapped[str] = mapped_column(db.String(500), default="", nullable=False)
    url: Mapped[str] = mapped_column(db.String(500), default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(db.DateTime)

    @property
    def display_text(self) -> str:
        """The notification in the current locale (plain text: templates escape it)."""
        if self.message is None:
            return self.text
        values = {name: _shown(value) for name, value in (self.params or {}).items()}
        return translate(self.message, **values)[:TEXT_MAX]

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
