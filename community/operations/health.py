"""Readiness: may this process take traffic? Each part answers ok or names what is wrong.

- database: a query answers;
- redis (only with REDIS_URL): PING answers within a second;
- migrations: the database is at the head revision of this code's migrations;
- matching: this process's index is loaded (loading it now if it is not: the first search should not);
- consumer: a job consumer wrote its heartbeat less than CONSUMER_HEARTBEAT_MAX_AGE seconds ago.
"""
from collections.abc import Callable
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app

from community.config import BASE_DIR
from community.extensions import db
from community.operations import heartbeat


class NotReady(Exception):
    """A part is not ready; the message says why (no secrets, no personal data)."""


def _database() -> str:
    db.session.execute(db.text("SELECT 1"))
    return "ok"


def _redis() -> str | None:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None  # not configured: not part of readiness
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        raise NotReady(f"no answer from Redis: {error.__class__.__name__}") from error
    finally:
        client.close()
    return "ok"


@lru_cache(maxsize=1)
def head_revisions() -> frozenset[str]:
    """The heads of this code's migrations (read once: the code does not change while it runs)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(BASE_DIR / "migrations"))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def _migrations() -> str:
    # Alembic's table read directly: its MigrationContext logs two INFO lines on every probe.
    with db.engine.connect() as connection:
        current = frozenset(connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
                            if sa.inspect(connection).has_table("alembic_version") else ())
    if current != head_revisions():
        raise NotReady(f"database at {', '.join(sorted(current)) or 'no revision'}, code at "
                       f"{', '.join(sorted(head_revisions()))}: run `flask db upgrade`")
    return ", ".join(sorted(current))


def _matching() -> str:
    from community.suggestions.engine import engine

    state = engine().state()
    if not state.loaded:
        engine().index()
        state = engine().state()
    return f"{state.records} records"


def _consumer() -> str:
    limit = current_app.config["CONSUMER_HEARTBEAT_MAX_AGE"]
    age = heartbeat.age_seconds(heartbeat.CONSUMER)
    if age is None:
        raise NotReady("no job consumer has ever reported: start `flask jobs consumer`")
    if age > limit:
        raise NotReady(f"last consumer heartbeat {age:.0f} s ago (limit {limit:.0f} s)")
    return f"heartbeat {age:.0f} s ago"


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": _database,
    "redis": _redis,
    "migrations": _migrations,
    "matching": _matching,
    "consumer": _consumer,
}


def readiness() -> tuple[bool, dict[str, dict]]:
    """(ready, {part: {"ok": bool, "detail": str}}) for every configured part; parts after a failing
    database are still tried, each on a clean session."""
    results = {}
    for name, check in CHECKS.items():
        try:
            detail = check()
        except NotReady as problem:
            results[name] = {"ok": False, "detail": str(problem)}
        except Exception as error:  # any failure of a part is that part's answer, never a 500
            db.session.rollback()
            results[name] = {"ok": False, "detail": error.__class__.__name__}
        else:
            if detail is not None:
                results[name] = {"ok": True, "detail": detail}
    return all(part["ok"] for part in results.values()), results
