"""Digital-Check assessments: one organisation's answers to one questionnaire version."""
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models_base import TimestampMixin

DRAFT = "draft"
SUBMITTED = "submitted"


class Assessment(TimestampMixin, db.Model):
    __table_args__ = (
        # The peer benchmark reads the latest submitted assessment of every organisation.
        # The peer benchmark reads the latest submitted assessment of every organisation: one flag kept
        # on submit turns "latest per organisation" into a plain filter.
        db.Index("ix_assessment_latest_org", "is_latest", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        db.ForeignKey("organisation.id", ondelete="CASCADE"), index=True, nullable=False
    )
    status: Mapped[str] = mapped_column(db.String(10), default=DRAFT, nullable=False)
    questionnaire_version: Mapped[str] = mapped_column(db.String(20), nullable=False)
    # {question_id: 0..4, "dont_know" or "not_applicable"} (scoring.py); version 1 assessments also hold None,
    # its joint "weiß nicht / trifft nicht zu", which stays out of the score.
    answers: Mapped[dict] = mapped_column(db.JSON, default=dict, nullable=False)
    # {dimension_slug: 1..3}
    priorities: Mapped[dict] = mapped_column(db.JSON, default=dict, nullable=False)
    # {dimension_slug: 0..4}: the level aimed for in two to three years (Soll); optional per dimension.
    targets: Mapped[dict] = mapped_column(db.JSON, default=dict, nullable=False, server_default="{}")
    # Stored on submit so the peer benchmark never recomputes thousands of answer sets.
    scores: Mapped[dict | None] = mapped_column(db.JSON)
    overall: Mapped[float | None] = mapped_column(db.Float)
    submitted_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    is_latest: Mapped[bool] = mapped_column(default=False, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    last_editor_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    # Privacy choices of the organisation: consultants of the competence centre may read it, and
    # other municipalities may be shown this organisation as a peer that is ahead.
    share_with_centre: Mapped[bool] = mapped_column(default=False, nullable=False)
    show_to_peers: Mapped[bool] = mapped_column(default=False, nullable=False)
    is_demo: Mapped[bool] = mapped_column(default=False, nullable=False)

    organisation = relationship("Organisation")
    created_by = relationship("User", foreign_keys=[created_by_id])
    last_editor = relationship("User", foreign_keys=[last_editor_id])
    need_links = relationship("AssessmentNeed", cascade="all, delete-orphan", back_populates="assessment")

    @property
    def is_submitted(self) -> bool:
        return self.status == SUBMITTED

    def __repr__(self) -> str:
        return f"<Assessment {self.id} org={self.organisation_id} {self.status}>"


class AssessmentNeed(db.Model):
    """A need adopted from an assessment's proposal; the need stays an ordinary need."""

    assessment_id: Mapped[int] = mapped_column(
        db.ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True
    )
    need_id: Mapped[int] = mapped_column(db.ForeignKey("need.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
    # The proposal's key (question id), so a proposal adopted once is not offered again.
    key: Mapped[str] = mapped_column(db.String(40), nullable=False)

    assessment = relationship("Assessment", back_populates="need_links")
    need = relationship("Need")


class AssessmentScore(db.Model):
    """One dimension's score of a submitted assessment in indexed columns, with what the peer benchmark
    filters by copied beside it (the organisation's municipal type, population class and Land, kept in step
    by hooks.py; whether it is the organisation's latest): median and quartiles come from an index range in
    SQL instead of reading thousands of JSON score sets. Peers are the same org type in the same class, and
    the same org type in the same Land."""

    __table_args__ = (
        # The group column before org_type: with org_type first (few distinct values) SQLite's planner
        # preferred the organisation_id index and read every peer's rows (787 ms instead of ~25 ms at 10,000).
        db.Index("ix_assessment_score_type_class", "is_latest", "population_class", "org_type", "dimension", "score",
                 "organisation_id"),
        db.Index("ix_assessment_score_type_land", "is_latest", "land", "org_type", "dimension", "score",
                 "organisation_id"),
        db.Index("ix_assessment_score_ahead", "is_latest", "dimension", "show_to_peers", "score"),
    )

    assessment_id: Mapped[int] = mapped_column(
        db.ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True
    )
    dimension: Mapped[str] = mapped_column(db.String(40), primary_key=True)
    score: Mapped[float] = mapped_column(db.Float, nullable=False)
    organisation_id: Mapped[int] = mapped_column(
        db.ForeignKey("organisation.id", ondelete="CASCADE"), index=True, nullable=False
    )
    org_type: Mapped[str] = mapped_column(db.String(32), default="", nullable=False, server_default="")
    population_class: Mapped[str | None] = mapped_column(db.String(12))
    land: Mapped[str | None] = mapped_column(db.String(2))
    is_latest: Mapped[bool] = mapped_column(default=False, nullable=False)
    show_to_peers: Mapped[bool] = mapped_column(default=False, nullable=False)
