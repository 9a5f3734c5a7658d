"""Shared fixtures: an app with a fresh database per test, on SQLite and (when reachable) PostgreSQL.

Every test that uses `app` (or `client`, `runner`, `db_session`) runs once per database backend.
PostgreSQL comes from TEST_DATABASE_URL (default: the local `test` database). Without it those
runs skip with a reason; with REQUIRE_SERVICES=1 they fail instead, so CI cannot pass silently.
"""
import itertools
import os
import re
import subprocess
import sys
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import g, request_started

from community import create_app
from community.config import Config, TestConfig, database_url
from community.extensions import db as _db

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
PG_URL = database_url(os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))


def config_with(**overrides) -> type[TestConfig]:
    """TestConfig with overrides, as a class so the extensions see them at init time."""
    return type("OverriddenTestConfig", (TestConfig,), overrides)


def service_unavailable(reason: str):
    """Skip, or fail when the run requires every service (CI)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1 turns this skip into a failure)")
    pytest.skip(reason)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def drop_database_later(admin_url: str, name: str) -> None:
    """DROP DATABASE waits for a checkpoint (tens of seconds on a busy machine): run it detached,
    after pytest has reported. Should it not run, the next session drops the database as stale."""
    statement = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    subprocess.Popen(
        [sys.executable, "-c", "import sqlalchemy as sa, sys; e = sa.create_engine(sys.argv[1], "
         "isolation_level='AUTOCOMMIT'); c = e.connect(); c.execute(sa.text(sys.argv[2]))", admin_url, statement],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )



_scratch_numbers = itertools.count()


@contextmanager
def scratch_database(postgres_url: str, purpose: str):
    """An empty PostgreSQL database of its own beside `postgres_url` (`<name>_<purpose><n>`), dropped in the
    background afterwards. A new name per use: the previous one's late DROP ... WITH (FORCE) would otherwise
    hit a database of the same name."""
    url = sa.engine.make_url(postgres_url)
    scratch = url.set(database=f"{url.database}_{purpose}{next(_scratch_numbers)}")
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{scratch.database}"'))
    admin.dispose()
    try:
        yield scratch.render_as_string(hide_password=False)
    finally:
        drop_database_later(url.render_as_string(hide_password=False), scratch.database)

@contextmanager
def _private_database(base_url: str):
    """A database of this test process's own (`<name>_<pid>`), so parallel runs never collide.

    Databases of test processes that are gone (`<name>_<pid>` and `<name>_<pid>_<suffix>`) are dropped.
    """
    url = sa.engine.make_url(base_url)
    name = f"{url.database}_{os.getpid()}"
    own = re.compile(rf"^{re.escape(url.database)}_(\d+)(_\w+)?$")
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for (existing,) in conn.execute(sa.text("SELECT datname FROM pg_database")):
            found = own.match(existing)
            in_use = conn.execute(
                sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = :n"), {"n": existing}
            ).scalar()
            # A pid we cannot see may live in another process namespace; open connections tell.
            if found and not in_use and not _pid_alive(int(found.group(1))):
                drop_database_later(base_url, existing)
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        drop_database_later(base_url, name)


@pytest.fixture(scope="session")
def postgres_url():
    try:
        engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:  # any connection failure means "not available here"
        service_unavailable(f"PostgreSQL not reachable at {PG_URL}: {exc.__class__.__name__}")
    with _private_database(PG_URL) as url:
        yield url


@pytest.fixture(scope="session")
def _postgres_schema(postgres_url):
    """Create the schema once per session; tests then only truncate."""
    app = create_app(config_with(SQLALCHEMY_DATABASE_URI=postgres_url))
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        _db.engine.dispose()
    return postgres_url


def truncate_all(connection) -> None:
    """Empty every table of the PostgreSQL test schema (created once per session) and reset the ids."""
    tables = ", ".join(f'"{table.name}"' for table in _db.metadata.sorted_tables)
    connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_database_url(request, tmp_path):
    """A database several processes or applications can open at once: a SQLite file, or the emptied
    PostgreSQL test database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.sqlite'}"
    url = request.getfixturevalue("_postgres_schema")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        truncate_all(connection)
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path):
    url = "sqlite://" if request.param == "sqlite" else request.getfixturevalue("_postgres_schema")
    application = create_app(config_with(SQLALCHEMY_DATABASE_URI=url, MATCHING_INDEX_DIR=str(tmp_path / "matching")))
    with application.app_context():
        if request.param == "sqlite":
            _db.create_all()
        else:
            truncate_all(_db.session)
            _db.session.commit()
        yield application
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def german_client(app):
    """A client of an app with the production default locale; TestConfig reads English message ids."""
    app.config["BABEL_DEFAULT_LOCALE"] = Config.BABEL_DEFAULT_LOCALE
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db_session(app):
    return _db.session


@pytest.fixture(autouse=True)
def _fresh_g_per_request():
    """Give every test-client request a fresh `g`, as every real request has.

    The `app` fixture keeps one app context pushed for the whole test, and Flask reuses it for each
    request; Flask-Login caches the signed-in user in `g`, so without this a second client would
    act as the user of the first and an IDOR test could pass for the wrong reason.
    """
    def forget(sender, **extra):
        g.__dict__.clear()

    request_started.connect(forget)
    yield
    request_started.disconnect(forget)


@pytest.fixture
def smtp_sink(app):
    """A real SMTP server on loopback, and the app configured to deliver to it."""
    from tests.smtp_sink import SMTPSink

    sink = SMTPSink().start()
    app.config.update(sink.config())
    yield sink
    sink.stop()
