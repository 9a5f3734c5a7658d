"""Column helpers shared by the feature models, and the one way services look a row up by id."""
from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy.orm import Mapped, mapped_column

from community.errors import NotFound
from community.extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        db.DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


def get_or_not_found(model, ident, message, hidden: Callable[[object], bool] | None = None):
    """The row of `model` with primary key `ident`; NotFound(message) when there is none, when the id
    is not an integer (ids arrive from forms and JSON), or when `hidden(row)` says the asker may not
    see it: the same answer as for a missing row, so an id reveals nothing."""
    # An id beyond the id columns (/examples/99999999999999999999) is simply not there; SQLite and
    # PostgreSQL would refuse to compare it.
    row = db.session.get(model, ident) if isinstance(ident, int) and 0 < ident < 2**31 else None
    if row is None or (hidden is not None and hidden(row)):
        raise NotFound(message)
    return row
