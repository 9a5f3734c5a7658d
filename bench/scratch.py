"""A scratch PostgreSQL database for one benchmark run, dropped afterwards."""
from contextlib import contextmanager

import sqlalchemy as sa

from community.config import database_url


@contextmanager
def scratch_postgres(server: str, name: str):
    """Yield the URL of a new, empty database `name` on `server` (one left over from a run that died is
    replaced); drop it at the end, even after an error."""
    server = database_url(server)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    drop = sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    with admin.connect() as conn:
        conn.execute(drop)
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(drop)
        admin.dispose()
