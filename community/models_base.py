"""Column helpers shared by the feature models, and the one way services look a row up by id."""
from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy.orm import Mapped, mapped_column

from community.errors import NotFound
from community.extensions import db
from community.validation import MAX_ID


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
    fits = isinstance(ident, int) and not isinstance(ident, bool) and 0 < ident <= MAX_ID
    row = db.session.get(model, ident) if fits else None
    if row is None or (hidden is not None and hidden(row)):
        raise NotFound(message)
    return row


def only_on(dialect: str, item):
    """An index (or other schema item) the models create on one database only, such as PostgreSQL's
    trigram index: `create_all` skips it elsewhere, and so does `include_object_for` when Alembic
    compares the models with another database."""
    item.info["only_on"] = dialect
    return item.ddl_if(dialect=dialect)


def include_object_for(dialect: str) -> Callable:
    """Alembic's include_object for a database of this dialect (migrations/env.py, tests/test_migrations.py)."""
    def include(item, name, type_, reflected, compare_to) -> bool:
        return getattr(item, "info", {}).get("only_on", dialect) == dialect

    return include
