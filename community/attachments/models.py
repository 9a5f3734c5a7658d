"""One attached file: its metadata here, its bytes in the storage (community/attachments/storage.py) under
`storage_key`. It belongs to a good example or to a consultation's result, never both.

An example's attachment is `pending` until a reviewer publishes the example with it (the same review as the
text); a consultation's is `published` at once (consultants write the result, only the case's sides see it).
"""
from datetime import date, datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models_base import utcnow

STATUSES = (PENDING, PUBLISHED) = ("pending", "published")


class Attachment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("example.id", ondelete="CASCADE"), index=True)
    consultation_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(db.String(200), nullable=False)
    storage_key: Mapped[str] = mapped_column(db.String(64), unique=True, nullable=False)
    size: Mapped[int] = mapped_column(nullable=False)
    content_type: Mapped[str] = mapped_column(db.String(100), nullable=False)
    licence: Mapped[str] = mapped_column(db.String(24), nullable=False)
    stand: Mapped[date] = mapped_column(db.Date, nullable=False)
    status: Mapped[str] = mapped_column(db.String(12), default=PENDING, nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    is_demo: Mapped[bool] = mapped_column(default=False, nullable=False)

    # Deleting an example or a case through the ORM deletes its attachments through the ORM too, so the
    # session hook (services.py) removes their files after the commit.
    example = relationship("Example", backref=db.backref("attachments", cascade="all, delete-orphan",
                                                         order_by="Attachment.id"))
    consultation = relationship("Consultation", backref=db.backref("attachments", cascade="all, delete-orphan",
                                                                   order_by="Attachment.id"))
    uploaded_by = relationship("User")

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED
