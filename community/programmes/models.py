"""Funding programmes and the reminders sent before their deadlines."""
from datetime import date, datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models_base import TimestampMixin, utcnow

LEVELS = ("eu", "bund", "land")
KINDS = ("grant", "loan", "advice_voucher")


class Programme(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(db.String(200), nullable=False)
    funder: Mapped[str] = mapped_column(db.String(200), default="", nullable=False)
    level: Mapped[str] = mapped_column(db.String(4), nullable=False, index=True)
    land: Mapped[str | None] = mapped_column(db.String(2), index=True)  # the Land key when level == "land"
    eligible_org_types: Mapped[list] = mapped_column(db.JSON, default=list, nullable=False)
    kind: Mapped[str] = mapped_column(db.String(20), default="grant", nullable=False)
    rate_percent: Mapped[float | None] = mapped_column(db.Float)
    max_amount_eur: Mapped[float | None] = mapped_column(db.Float)
    deadline: Mapped[date | None] = mapped_column(db.Date, index=True)
    rolling: Mapped[bool] = mapped_column(default=False, nullable=False)
    url: Mapped[str] = mapped_column(db.String(500), default="", nullable=False)
    stand: Mapped[date] = mapped_column(db.Date, nullable=False)
    topics: Mapped[list] = mapped_column(db.JSON, default=list, nullable=False)
    description: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    # Retired by a consultant: kept (needs and examples may point to it) but never listed or matched again.
    retired_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    is_demo: Mapped[bool] = mapped_column(default=False, nullable=False)

    record_prefix = "programme"

    @property
    def status(self) -> str:
        """Never "open" as needs and offers are: the announcement of new matches (notifications/matches.py) is
        for those; organisations hear of programmes through the opt-in deadline reminders."""
        return "retired" if self.retired_at is not None else "listed"

    def expired_on(self, today: date) -> bool:
        """Its deadline has passed (a rolling programme has none): marked as expired wherever it is shown."""
        return not self.rolling and self.deadline is not None and self.deadline < today

    def open_on(self, today: date) -> bool:
        return self.retired_at is None and not self.expired_on(today)


class ProgrammeReminder(db.Model):
    """One reminder per person, programme and deadline: a moved deadline is a new one, a repeat run is not."""

    __table_args__ = (db.UniqueConstraint("programme_id", "user_id", "deadline", name="uq_programme_reminder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    deadline: Mapped[date] = mapped_column(db.Date, nullable=False)
    sent_at: Mapped[datetime] = mapped_column(db.DateTime, nullable=False)

    programme = relationship("Programme")


class ExampleFunding(db.Model):
    """A good example names a programme that funded it (set by the example's organisation or its reviewers)."""

    example_id: Mapped[int] = mapped_column(db.ForeignKey("example.id", ondelete="CASCADE"), primary_key=True)
    programme_id: Mapped[int] = mapped_column(db.ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True,
                                              index=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)

    programme = relationship("Programme")
    example = relationship("Example")
