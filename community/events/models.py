"""Events and the registrations for them. Times are stored in UTC; `timezone` names the event's zone."""
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models_base import TimestampMixin, utcnow

CONFIRMED, WAITLISTED = "confirmed", "waitlisted"
SCHEDULED, CANCELLED = "scheduled", "cancelled"
FORMATS = ("online", "onsite", "hybrid")


class Event(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(db.String(200), nullable=False)
    description: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    format: Mapped[str] = mapped_column(db.String(10), default="onsite", nullable=False)
    starts_at: Mapped[datetime] = mapped_column(db.DateTime, nullable=False, index=True)
    ends_at: Mapped[datetime] = mapped_column(db.DateTime, nullable=False)
    timezone: Mapped[str] = mapped_column(db.String(64), default="Europe/Berlin", nullable=False)
    location: Mapped[str] = mapped_column(db.String(300), default="", nullable=False)
    online_url: Mapped[str] = mapped_column(db.String(500), default="", nullable=False)
    capacity: Mapped[int] = mapped_column(nullable=False)
    # Kept in step with the confirmed registrations; the guarded UPDATE on it is what prevents overbooking.
    confirmed_count: Mapped[int] = mapped_column(default=0, nullable=False)
    registration_deadline: Mapped[datetime | None] = mapped_column(db.DateTime)
    topics: Mapped[list] = mapped_column(db.JSON, default=list, nullable=False)
    audience: Mapped[list] = mapped_column(db.JSON, default=list, nullable=False)
    status: Mapped[str] = mapped_column(db.String(10), default=SCHEDULED, nullable=False)
    organiser_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)

    is_demo: Mapped[bool] = mapped_column(default=False, nullable=False)

    organiser = relationship("User")
    organisation = relationship("Organisation")

    @property
    def is_vendor_event(self) -> bool:
        """Organised by a company: labelled as a vendor event wherever it is shown."""
        return self.organisation is not None and self.organisation.kind == "company"

    @property
    def is_over(self) -> bool:
        """Ended: it has taken place, so nobody registers, withdraws, cancels it or adds it to a calendar."""
        return self.ends_at is not None and self.ends_at <= utcnow()

    @property
    def is_open(self) -> bool:
        """Still to come (or running) and not called off: the only state in which registering means anything."""
        return self.status == SCHEDULED and not self.is_over

    record_prefix = "event"


class Registration(db.Model):
    __table_args__ = (db.UniqueConstraint("event_id", "user_id", name="uq_registration_event_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(db.ForeignKey("event.id", ondelete="CASCADE"), index=True, nullable=False)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), index=True, nullable=False)
    status: Mapped[str] = mapped_column(db.String(12), nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    # Set when the reminder a day before went out; cleared when the event moves, so it goes out again.
    reminded_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    # Marked by the organiser after the event; only attendees get a certificate.
    attended: Mapped[bool] = mapped_column(default=False, nullable=False)

    event = relationship("Event")
    user = relationship("User")


class CalendarFeed(db.Model):
    """A person's secret calendar feed address (/events/feed/<token>.ics) listing their registrations."""

    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(db.String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)

    user = relationship("User")
