"""Join requests of people who registered for an existing organisation, and admins' verdicts on
organisation pairs that look alike but are distinct."""
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models_base import TimestampMixin, utcnow

PENDING, APPROVED, DECLINED, WITHDRAWN = "pending", "approved", "declined", "withdrawn"
JOIN_STATUSES = (PENDING, APPROVED, DECLINED, WITHDRAWN)


class JoinRequest(TimestampMixin, db.Model):
    __table_args__ = (db.Index("ix_join_request_organisation_id_status", "organisation_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    organisation_id: Mapped[int] = mapped_column(db.ForeignKey("organisation.id", ondelete="CASCADE"),
                                                 nullable=False)
    status: Mapped[str] = mapped_column(db.String(10), default=PENDING, nullable=False)
    # The applicant's function in the organisation: the admins decide on it.
    function: Mapped[str] = mapped_column(db.String(120), default="", nullable=False, server_default="")
    decided_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(db.DateTime)

    user = relationship("User", foreign_keys=[user_id])
    organisation = relationship("Organisation")
    decided_by = relationship("User", foreign_keys=[decided_by_id])


class DistinctOrganisations(db.Model):
    """A platform admin looked at a possible duplicate and found two different organisations."""

    __table_args__ = (db.UniqueConstraint("organisation_id", "other_id", name="uq_distinct_organisations_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(db.ForeignKey("organisation.id", ondelete="CASCADE"),
                                                 nullable=False)
    other_id: Mapped[int] = mapped_column(db.ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False)
    decided_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
