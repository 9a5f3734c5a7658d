"""First consultations (Erstberatung): the case, its needs, its conversation and its history."""
from datetime import date, datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models_base import TimestampMixin, utcnow


class Consultation(TimestampMixin, db.Model):
    __table_args__ = (
        # The desk lists open cases by status, oldest first; the insights group by status.
        db.Index("ix_consultation_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        db.ForeignKey("organisation.id", ondelete="CASCADE"), index=True, nullable=False)
    requester_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(db.String(200), nullable=False)
    description: Mapped[str] = mapped_column(db.Text, nullable=False)
    topics: Mapped[list] = mapped_column(db.JSON, default=list, nullable=False)
    urgency: Mapped[str] = mapped_column(db.String(10), nullable=False)
    preferred_format: Mapped[str] = mapped_column(db.String(10), nullable=False)
    status: Mapped[str] = mapped_column(db.String(12), default="requested", nullable=False)
    assessment_id: Mapped[int | None] = mapped_column(db.ForeignKey("assessment.id", ondelete="SET NULL"))
    scheduled_for: Mapped[datetime | None] = mapped_column(db.DateTime)
    # How to take part: the video link, the phone number to call or the address (given with the date).
    meeting_details: Mapped[str] = mapped_column(db.String(500), default="", nullable=False, server_default="")
    decline_reason: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    advice: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    # [{"kind": "need"|"offer"|"thread"|…, "id": int}] validated against consultations.links
    recommendations: Mapped[list] = mapped_column(db.JSON, default=list, nullable=False)
    # The structured result without its measures: {"situation", "fields": [slug], "funding", "next_steps"}
    result: Mapped[dict | None] = mapped_column(db.JSON)
    follow_up_on: Mapped[date | None] = mapped_column(db.Date, index=True)
    follow_up_sent_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    rating: Mapped[int | None] = mapped_column()
    rating_comment: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    is_demo: Mapped[bool] = mapped_column(default=False, nullable=False)

    organisation = relationship("Organisation")
    requester = relationship("User", foreign_keys=[requester_id])
    assignee = relationship("User", foreign_keys=[assignee_id])
    need_links = relationship("ConsultationNeed", cascade="all, delete-orphan")
    messages = relationship("ConsultationMessage", cascade="all, delete-orphan",
                            order_by="ConsultationMessage.id")
    history = relationship("ConsultationEvent", cascade="all, delete-orphan", order_by="ConsultationEvent.id")
    measures = relationship("ConsultationMeasure", cascade="all, delete-orphan",
                            order_by="ConsultationMeasure.position")

    @property
    def need_ids(self) -> list[int]:
        return [link.need_id for link in self.need_links]


class ConsultationNeed(db.Model):
    """A need of the requesting organisation it wants to discuss."""

    consultation_id: Mapped[int] = mapped_column(
        db.ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True)
    need_id: Mapped[int] = mapped_column(db.ForeignKey("need.id", ondelete="CASCADE"), primary_key=True, index=True)

    need = relationship("Need")


class ConsultationMessage(db.Model):
    """One message of the case's conversation; internal ones are notes only consultants ever read."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        db.ForeignKey("consultation.id", ondelete="CASCADE"), index=True, nullable=False)
    author_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(db.Text, nullable=False)
    internal: Mapped[bool] = mapped_column(default=False, nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)

    author = relationship("User")


class ConsultationEvent(db.Model):
    """One move of the workflow: who moved the case from which status to which, when, and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        db.ForeignKey("consultation.id", ondelete="CASCADE"), index=True, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(db.String(12))
    to_status: Mapped[str] = mapped_column(db.String(12), nullable=False)
    reason: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)

    actor = relationship("User")


class ConsultationMeasure(db.Model):
    """One measure of the result: what, in which field, how urgent, by when and by whom, with links to what
    helps (needs, offers, threads, examples, trainings, programmes); its status kept by the municipality."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        db.ForeignKey("consultation.id", ondelete="CASCADE"), index=True, nullable=False)
    position: Mapped[int] = mapped_column(nullable=False)
    title: Mapped[str] = mapped_column(db.String(200), nullable=False)
    field: Mapped[str | None] = mapped_column(db.String(40))
    priority: Mapped[int] = mapped_column(nullable=False)
    horizon_months: Mapped[int] = mapped_column(nullable=False)
    responsible: Mapped[str] = mapped_column(db.String(10), nullable=False)
    links: Mapped[list] = mapped_column(db.JSON, default=list, nullable=False)
    status: Mapped[str] = mapped_column(db.String(12), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)


class ConsultantFocus(db.Model):
    """What a consultant of the centre knows best: topics and Länder; new requests are suggested to the best fit."""

    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    topics: Mapped[list] = mapped_column(db.JSON, default=list, nullable=False)
    laender: Mapped[list] = mapped_column(db.JSON, default=list, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, onupdate=utcnow, nullable=False)
