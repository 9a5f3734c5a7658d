"""Tables of the matching feature: the change log and snapshots that keep every process's index in
step, feedback on suggestions (dismissed, saved) and contact requests between organisations."""
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models_base import TimestampMixin, utcnow

PENDING = "pending"
ACCEPTED = "accepted"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
EXPIRED = "expired"  # unanswered for CONTACT_EXPIRE_DAYS (suggestions/tasks.py)
FORWARDED = "forwarded"  # to an organisation without active members: the competence centre passes it on
CONTACT_STATUSES = (PENDING, ACCEPTED, DECLINED, WITHDRAWN, EXPIRED, FORWARDED)

DISMISSED = "dismissed"
SAVED = "saved"
FEEDBACK_ACTIONS = (DISMISSED, SAVED)


class MatchingChange(db.Model):
    """One changed matching record ("need:42", "offer:7", "organisation:3"), in commit order.

    Every process replays the rows after the last id it has applied, re-reading the records.
    """

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(db.String(40), nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)


class MatchingSnapshot(db.Model):
    """A saved index: the directory (under MATCHING_INDEX_DIR) and the last change it includes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    directory: Mapped[str] = mapped_column(db.String(200), nullable=False, unique=True)
    change_id: Mapped[int] = mapped_column(nullable=False)
    records: Mapped[int] = mapped_column(nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)


class SuggestionFeedback(db.Model):
    """An organisation's answer to one suggestion (our record -> their record): dismissed or saved.

    Suggestions belong to the organisation, so a colleague's dismissal hides it for all its members.
    The score and explaining terms are kept as they were, to learn from dismissals later.
    """

    __table_args__ = (
        db.UniqueConstraint("organisation_id", "source_id", "target_id", "action",
                            name="uq_suggestion_feedback_pair_action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        db.ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    source_id: Mapped[str] = mapped_column(db.String(40), nullable=False)
    target_id: Mapped[str] = mapped_column(db.String(40), nullable=False)
    action: Mapped[str] = mapped_column(db.String(10), nullable=False)
    score: Mapped[float] = mapped_column(nullable=False)
    terms: Mapped[list] = mapped_column(db.JSON, default=list, nullable=False)
    topics: Mapped[list] = mapped_column(db.JSON, default=list, nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)


class ContactRequest(TimestampMixin, db.Model):
    """A request of one organisation to get in touch with another (double opt-in).

    Contact details of the people involved are shown to the other side only once it is accepted;
    acceptance opens a partner room. need/offer say what the request is about (either side's).
    """

    __table_args__ = (
        # The service refuses a second pending request between two organisations; this catches the race.
        db.Index("uq_contact_request_pending_pair", "from_org_id", "to_org_id", unique=True,
                 sqlite_where=db.text("status = 'pending'"), postgresql_where=db.text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    from_org_id: Mapped[int] = mapped_column(
        db.ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True
    )
    to_org_id: Mapped[int] = mapped_column(
        db.ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True
    )
    need_id: Mapped[int | None] = mapped_column(db.ForeignKey("need.id", ondelete="SET NULL"))
    offer_id: Mapped[int | None] = mapped_column(db.ForeignKey("offer.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    status: Mapped[str] = mapped_column(db.String(10), default=PENDING, nullable=False)
    decided_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    room_id: Mapped[int | None] = mapped_column(db.ForeignKey("room.id", ondelete="SET NULL"))
    reminded_at: Mapped[datetime | None] = mapped_column(db.DateTime)  # the one reminder to the receivers

    from_user = relationship("User", foreign_keys=[from_user_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    from_org = relationship("Organisation", foreign_keys=[from_org_id])
    to_org = relationship("Organisation", foreign_keys=[to_org_id])
    need = relationship("Need")
    offer = relationship("Offer")
    room = relationship("Room")

    @property
    def is_pending(self) -> bool:
        return self.status == PENDING

    def __repr__(self) -> str:
        return f"<ContactRequest {self.id} {self.from_org_id}->{self.to_org_id} {self.status}>"
