"""The Alembic migrations build exactly the schema the models describe, on both databases."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from community import create_app
from community.extensions import db
from community.models_base import include_object_for
from tests.conftest import config_with, scratch_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    with scratch_database(request.getfixturevalue("postgres_url"), "migrations") as url:
        yield url


def test_upgrade_builds_the_schema_of_the_models(empty_database_url):
    app = create_app(config_with(SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            # As migrations/env.py: what the models create on one database only is not expected on the other.
            context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                             "include_object": include_object_for(conn.dialect.name)})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == [], f"models and migrations differ; run `flask db migrate`: {differences}"


def test_downgrade_to_base_and_upgrade_again(empty_database_url):
    app = create_app(config_with(SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
        tables = sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
    assert "organisation" in tables


def test_notifications_keep_their_text_across_the_message_id_migration(empty_database_url):
    """Rows from before keep their text; on the way down, newer rows get their English text."""
    from community.notifications.models import Notification

    app = create_app(config_with(SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        upgrade(revision="10f003876226")
        # The user table as it was at that revision: the model of today has columns added since.
        user_id = db.session.execute(sa.text(
            'INSERT INTO "user" (email, name, password_hash, role, is_org_admin, job_title, phone, failed_logins, '
            "auth_version, created_at, updated_at) VALUES ('anna@example.org', 'Anna', '', 'member', false, '', '', "
            "0, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id")).scalar_one()
        db.session.execute(sa.text("INSERT INTO notification (user_id, kind, text, url, created_at) "
                                   "VALUES (:user_id, 'mention', 'Anna hat Sie erwähnt', '', CURRENT_TIMESTAMP)"),
                           {"user_id": user_id})
        db.session.commit()
        upgrade()
        [old] = db.session.scalars(db.select(Notification)).all()
        assert (old.message, old.display_text) == (None, "Anna hat Sie erwähnt")
        db.session.add(Notification(user_id=user_id, kind="moderation", message="Moderation: you were %(action)s.",
                                    params={"action": {"msgid": "muted"}}))
        db.session.commit()
        db.session.remove()
        downgrade(revision="10f003876226")
        texts = db.session.scalars(sa.text("SELECT text FROM notification ORDER BY id")).all()
        db.session.remove()
        db.engine.dispose()
    assert texts == ["Anna hat Sie erwähnt", "Moderation: you were muted."]


def test_dangling_references_of_sqlite_are_resolved_by_their_on_delete_rules(tmp_path):
    """Rows that SQLite without enforced foreign keys left pointing at deleted rows: SET NULL
    references are cleared, CASCADE rows deleted, as PostgreSQL would have done at the delete."""
    import sqlite3

    path = tmp_path / "old.sqlite"
    app = create_app(config_with(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}"))
    with app.app_context():
        upgrade(revision="72e6b474486d")
        db.engine.dispose()
    old = sqlite3.connect(path)  # a plain connection: foreign keys off, as the app ran before
    old.execute("INSERT INTO user (id, email, name, password_hash, organisation_id, role, is_org_admin, job_title, "
                "phone, failed_logins, auth_version, created_at, updated_at) VALUES (1, 'a@example.org', 'Anna', '', "
                "99, 'member', 0, '', '', 0, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
    old.execute("INSERT INTO notification (user_id, kind, text, url, created_at) "
                "VALUES (77, 'mention', 'for a deleted user', '', CURRENT_TIMESTAMP)")
    old.execute("INSERT INTO notification (user_id, kind, text, url, created_at) "
                "VALUES (1, 'mention', 'for Anna', '', CURRENT_TIMESTAMP)")
    old.commit()
    old.close()

    with app.app_context():
        upgrade()
        organisation_ids = db.session.scalars(sa.text("SELECT organisation_id FROM user")).all()
        texts = db.session.scalars(sa.text("SELECT text FROM notification")).all()
        dangling = db.session.execute(sa.text("PRAGMA foreign_key_check")).all()
        enforced = db.session.execute(sa.text("PRAGMA foreign_keys")).scalar()
        db.session.remove()
        db.engine.dispose()
    assert organisation_ids == [None]
    assert texts == ["for Anna"]
    assert dangling == [] and enforced == 1
