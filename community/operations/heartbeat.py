"""Signs of life in the database: a consumer beats each minute (tasks.py), `flask jobs ping` leaves its
token; readiness and the ping read them, whichever machine they run on."""
import socket
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from community.extensions import db
from community.models_base import utcnow
from community.operations.models import Heartbeat

CONSUMER = "consumer"
PING = "ping"


def beat(name: str, detail: str = "", at: datetime | None = None) -> Heartbeat:
    """Record a sign of life under `name` now (or `at`), from this host; commits."""
    values = {"beat_at": at or utcnow(), "host": socket.gethostname()[:200], "detail": detail[:100]}
    for _attempt in range(2):  # two consumers may insert the first row at once: the loser updates
        row = db.session.get(Heartbeat, name)
        if row is None:
            row = Heartbeat(name=name)
            db.session.add(row)
        for key, value in values.items():
            setattr(row, key, value)
        try:
            db.session.commit()
            return row
        except IntegrityError:
            db.session.rollback()
    raise RuntimeError(f"could not record the heartbeat {name!r}")


def last(name: str) -> Heartbeat | None:
    db.session.expire_all()  # another process wrote it: read the row anew, not this session's copy
    return db.session.get(Heartbeat, name)


def age_seconds(name: str) -> float | None:
    """Seconds since the last beat under `name`; None when there never was one."""
    row = last(name)
    return None if row is None else (utcnow() - row.beat_at).total_seconds()
