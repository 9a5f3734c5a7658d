"""A good example (Praxisbeispiel), its partner organisations, "hilfreich" votes and re-use requests.

The columns hold the working version, the one the authors edit; `published` holds a copy of the
public fields as they were last published (None until the first publication). Readers outside the
author's organisation and the reviewers only ever see that copy, so an edit under review never
leaks, and the published version stays visible until the edit is published.
"""
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models_base import TimestampMixin, utcnow

STATUSES = (DRAFT, SUBMITTED, PUBLISHED, RETURNED) = ("draft", "submitted", "published", "returned")
PUBLIC_FIELDS = ("title", "summary", "problem", "solution", "results", "topics", "ozg_ids",
                 "partner_organisation_ids", "costs", "duration_months", "project_status", "lessons",
                 "contact_open")


class Example(TimestampMixin, db.Model):
    __table_args__ = (db.Index("ix_example_status_updated", "status", "updated_at"),)
    record_prefix = "example"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        db.ForeignKey("organisation.id", ondelete="CASCADE"), index=True, nullable=False)
    author_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(db.String(200), nullable=False)
    summary: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    problem: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    solution: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    results: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    lessons: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    topics: Mapped[list] = mapped_column(db.JSON, default=list, nullable=False)
    ozg_ids: Mapped[list] = mapped_column(db.JSON, default=list, nullable=False)
    partner_organisation_ids: Mapped[list] = mapped_column(db.JSON, default=list, nullable=False)
    costs: Mapped[str | None] = mapped_column(db.String(12))
    duration_months: Mapped[int | None] = mapped_column()
    project_status: Mapped[str] = mapped_column(db.String(12), nullable=False)
    contact_open: Mapped[bool] = mapped_column(default=True, nullable=False)
    status: Mapped[str] = mapped_column(db.String(12), default=DRAFT, nullable=False)
    review_reason: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    reviewed_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    # Whoever last changed the working version: they may not approve it (four eyes), even as a reviewer.
    last_editor_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    published: Mapped[dict | None] = mapped_column(db.JSON(none_as_null=True))
    published_at: Mapped[datetime | None] = mapped_column(db.DateTime, index=True)
    thread_id: Mapped[int | None] = mapped_column(db.ForeignKey("thread.id", ondelete="SET NULL"))
    is_demo: Mapped[bool] = mapped_column(default=False, nullable=False)

    organisation = relationship("Organisation")
    author = relationship("User", foreign_keys=[author_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
    thread = relationship("Thread")

    @property
    def is_public(self) -> bool:
        return self.published is not None

    def working_values(self) -> dict:
        return {name: getattr(self, name) for name in PUBLIC_FIELDS}


class ExampleVote(db.Model):
    """One "hilfreich" per person and example."""

    example_id: Mapped[int] = mapped_column(db.ForeignKey("example.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)


class ExampleInterest(db.Model):
    """A "Nachnutzen": the contact request it sent to the example's organisation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int] = mapped_column(db.ForeignKey("example.id", ondelete="CASCADE"), index=True,
                                            nullable=False)
    contact_request_id: Mapped[int] = mapped_column(
        db.ForeignKey("contact_request.id", ondelete="CASCADE"), unique=True, nullable=False)
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)

    contact_request = relationship("ContactRequest")
