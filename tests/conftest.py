"""Shared fixtures: an app with a fresh database per test, on SQLite and (when reachable) PostgreSQL.

Every test that uses `app` (or `client`, `runner`, `db_session`) runs once per database backend.
PostgreSQL comes from TEST_DATABASE_URL (default: the local `test` database). Without it those
runs skip with a reason; with REQUIRE_SERVICES=1 they fail instead, so CI cannot pass silently.
"""
import os

import pytest
import sqlalchemy as sa

from community import create_app
from community.config import TestConfig, database_url
from community.extensions import db as _db

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
PG_URL = database_url(os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))


def test_config(**overrides) -> type[TestConfig]:
    """TestConfig with overrides, as a class so the extensions see them at init time."""
    return type("OverriddenTestConfig", (TestConfig,), overrides)


def service_unavailable(reason: str):
    """Skip, or fail when the run requires every service (CI)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1 turns this skip into a failure)")
    pytest.skip(reason)


def _worker_database_url(worker: str) -> str:
    """One PostgreSQL database per xdist worker, created on first use."""
    if worker == "master":
        return PG_URL
    url = sa.engine.make_url(PG_URL)
    name = f"{url.database}_{worker}"
    engine = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_url():
    try:
        engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:  # any connection failure means "not available here"
        service_unavailable(f"PostgreSQL not reachable at {PG_URL}: {exc.__class__.__name__}")
    return _worker_database_url(os.environ.get("PYTEST_XDIST_WORKER", "master"))


@pytest.fixture(scope="session")
def _postgres_schema(postgres_url):
    """Create the schema once per session; tests then only truncate."""
    app = create_app(test_config(SQLALCHEMY_DATABASE_URI=postgres_url))
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        _db.engine.dispose()
    return postgres_url


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request):
    url = "sqlite://" if request.param == "sqlite" else request.getfixturevalue("_postgres_schema")
    application = create_app(test_config(SQLALCHEMY_DATABASE_URI=url))
    with application.app_context():
        if request.param == "sqlite":
            _db.create_all()
        else:
            tables = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
            _db.session.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            _db.session.commit()
        yield application
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db_session(app):
    return _db.session
