"""Needs (Bedarfe) and offers (Angebote) of an organisation's profile."""
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from community.extensions import db
from community.models_base import TimestampMixin


class ProfileEntry(TimestampMixin):
    """Columns a need and an offer share."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(db.String(200), nullable=False)
    body: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    topics: Mapped[list] = mapped_column(db.JSON, default=list, nullable=False)
    # Ids of services in the OZG catalogue (community/profiles/catalogue.py).
    ozg_ids: Mapped[list] = mapped_column(db.JSON, default=list, nullable=False)
    # public | members | organisation (community/profiles/visibility.py)
    visibility: Mapped[str] = mapped_column(db.String(12), default="public", nullable=False)

    @declared_attr
    def organisation_id(cls) -> Mapped[int]:
        return mapped_column(db.ForeignKey("organisation.id", ondelete="CASCADE"), index=True, nullable=False)

    @declared_attr
    def author_id(cls) -> Mapped[int | None]:
        return mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))

    @declared_attr
    def author(cls):
        return relationship("User")

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class Need(ProfileEntry, db.Model):
    urgency: Mapped[str] = mapped_column(db.String(10), default="medium", nullable=False)
    status: Mapped[str] = mapped_column(db.String(10), default="open", nullable=False, index=True)

    organisation = relationship("Organisation", back_populates="needs")

    record_prefix = "need"


class Offer(ProfileEntry, db.Model):
    offer_kind: Mapped[str] = mapped_column(db.String(20), default="service", nullable=False)
    status: Mapped[str] = mapped_column(db.String(10), default="open", nullable=False, index=True)

    organisation = relationship("Organisation", back_populates="offers")

    record_prefix = "offer"
