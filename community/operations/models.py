"""The heartbeats of processes that run elsewhere (the job consumers), kept in the shared database so
that every web process on every machine sees them."""
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.models_base import utcnow


class Heartbeat(db.Model):
    """The last sign of life under one name ("consumer", "ping"): when, from which host, and a detail
    (the token of a `flask jobs ping`)."""

    name: Mapped[str] = mapped_column(db.String(60), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    host: Mapped[str] = mapped_column(db.String(200), default="", nullable=False)
    detail: Mapped[str] = mapped_column(db.String(100), default="", nullable=False)
