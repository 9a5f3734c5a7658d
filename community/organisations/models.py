"""Organisations, their topics and member invitations."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models_base import TimestampMixin, only_on
from community.taxonomy import PUBLIC_BODY_KINDS


REGISTER_CURRENT, REGISTER_DISSOLVED = "current", "dissolved"


class OrganisationTopic(db.Model):
    """Association of an organisation with a taxonomy topic slug; indexed for the directory filter."""

    organisation_id: Mapped[int] = mapped_column(
        db.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(db.String(32), primary_key=True, index=True)


class Organisation(TimestampMixin, db.Model):
    __table_args__ = (
        db.Index("ix_organisation_kind_name", "kind", "name"),
        db.Index("ix_organisation_land_name", "land", "name"),
        # The directory's other filters keep its name order without sorting the whole match,
        # and the verification queue pages newest first.
        db.Index("ix_organisation_population_class_name", "population_class", "name"),
        db.Index("ix_organisation_verified_name", "verified", "name"),
        db.Index("ix_organisation_verified_created_at", "verified", "created_at"),
        # The directory's name search (ILIKE '%…%') on PostgreSQL; SQLite has no trigram index.
        only_on("postgresql", db.Index("ix_organisation_name_trgm", "name", postgresql_using="gin",
                                       postgresql_ops={"name": "gin_trgm_ops"})),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(200), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(db.String(20), nullable=False)
    org_type: Mapped[str] = mapped_column(db.String(32), default="", nullable=False)
    # Official key: the ARS of the register (12 digits for a Gemeinde, 9 for a Gemeindeverband, 5 for a
    # Kreis), the Land key (2 digits) for a state body. One organisation per key: the unique index says so.
    official_key: Mapped[str | None] = mapped_column(db.String(12), unique=True)
    # The AGS: 8 digits for a Gemeinde, 5 for a Kreis (a Gemeindeverband has none).
    ags: Mapped[str | None] = mapped_column(db.String(8), index=True)
    population: Mapped[int | None] = mapped_column(db.Integer)
    # Where the row comes from the official register: its Gebietsstand, and whether that register still
    # lists it (REGISTER_CURRENT) or no longer does (REGISTER_DISSOLVED: merged away, kept for its members).
    register_state: Mapped[str | None] = mapped_column(db.String(10))
    register_date: Mapped[date | None] = mapped_column(db.Date)
    # Why the person who registered it says it is not the organisation of the same name in the same Land.
    distinct_reason: Mapped[str] = mapped_column(db.Text, default="", nullable=False, server_default="")
    land: Mapped[str | None] = mapped_column(db.String(2))
    postcode: Mapped[str] = mapped_column(db.String(5), default="", nullable=False, server_default="", index=True)
    population_class: Mapped[str | None] = mapped_column(db.String(12), index=True)
    description: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    description_visibility: Mapped[str] = mapped_column(db.String(10), default="public", nullable=False)
    website: Mapped[str] = mapped_column(db.String(300), default="", nullable=False)
    contact_email: Mapped[str] = mapped_column(db.String(254), default="", nullable=False)
    contact_visibility: Mapped[str] = mapped_column(db.String(10), default="members", nullable=False)
    verified: Mapped[bool] = mapped_column(default=False, nullable=False, index=True)
    verified_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    is_demo: Mapped[bool] = mapped_column(default=False, nullable=False)

    topic_links = relationship(
        "OrganisationTopic", cascade="all, delete-orphan", lazy="selectin", order_by="OrganisationTopic.topic"
    )
    members = relationship("User", back_populates="organisation")
    needs = relationship("Need", back_populates="organisation", cascade="all, delete-orphan")
    offers = relationship("Offer", back_populates="organisation", cascade="all, delete-orphan")

    @property
    def topics(self) -> list[str]:
        return [link.topic for link in self.topic_links]

    @topics.setter
    def topics(self, slugs) -> None:
        wanted = list(dict.fromkeys(slugs))
        self.topic_links = [OrganisationTopic(topic=slug) for slug in wanted]

    @property
    def is_public_body(self) -> bool:
        return self.kind in PUBLIC_BODY_KINDS

    @property
    def is_dissolved(self) -> bool:
        return self.register_state == REGISTER_DISSOLVED

    @property
    def shows_verified_badge(self) -> bool:
        # Only verified public bodies carry the badge, so a vendor cannot pose as a municipality.
        return self.verified and self.is_public_body

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"


class Invite(db.Model):
    """A link that lets a colleague join an organisation; only the token's hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        db.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(db.String(64), unique=True, nullable=False)
    email: Mapped[str] = mapped_column(db.String(254), default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(db.DateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    used_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    # Withdrawn by an organisation admin; kept, not deleted, so the link can say why it stopped working.
    revoked_at: Mapped[datetime | None] = mapped_column(db.DateTime)

    organisation = relationship("Organisation")


# The trigram index needs PostgreSQL's pg_trgm; the migration creates it, and so does create_all.
sa.event.listen(Organisation.__table__, "before_create",
                sa.DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))
