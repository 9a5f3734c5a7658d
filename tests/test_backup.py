"""Backup and restore as docs/deploy.md walks through them: deploy/backup.sh, the database lost and
instance/ deleted, deploy/restore.sh, and everything is back (on PostgreSQL and SQLite)."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from community import create_app
from community.auth.models import User
from community.extensions import db
from community.operations import health
from tests.conftest import config_with, scratch_database, service_unavailable

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        if shutil.which("sqlite3") is None:
            service_unavailable("the sqlite3 command is not installed")
        yield f"sqlite:///{tmp_path / 'live.sqlite'}"
        return
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        service_unavailable("pg_dump/pg_restore are not installed")
    with scratch_database(request.getfixturevalue("postgres_url"), "backup") as url:
        yield url


def lose_the_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink()
        return
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def test_backup_and_restore_bring_back_the_database_and_instance(database_url, tmp_path):
    instance = tmp_path / "instance"
    (instance / "legal").mkdir(parents=True)
    (instance / "legal" / "impressum.de.md").write_text("# Impressum\n\nKompetenzzentrum, Musterstraße 1\n")
    (instance / "attachments").mkdir()
    (instance / "attachments" / "leitfaden.pdf").write_bytes(b"%PDF-1.7 " + bytes(range(256)))
    (instance / "matching").mkdir()
    (instance / "matching" / "snapshot.bin").write_bytes(b"rebuilt from the database")
    app = create_app(config_with(SQLALCHEMY_DATABASE_URI=database_url))
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=["bootstrap", "--centre-name", "Kompetenzzentrum",
                                                    "--admin-email", "admin@kz.example"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
    env = dict(os.environ, DATABASE_URL=database_url, INSTANCE_DIR=str(instance))

    made = subprocess.run(["bash", str(ROOT / "deploy" / "backup.sh"), str(tmp_path / "backups")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    assert {path.name for path in backup.iterdir()} >= {"instance.tar.gz", "VERSION"}

    lose_the_database(database_url)
    shutil.rmtree(instance)
    restored = subprocess.run(["bash", str(ROOT / "deploy" / "restore.sh"), str(backup)], env=env,
                              capture_output=True, text=True, timeout=300)
    assert restored.returncode == 0, restored.stderr

    assert (instance / "legal" / "impressum.de.md").read_text().endswith("Musterstraße 1\n")
    assert (instance / "attachments" / "leitfaden.pdf").read_bytes() == b"%PDF-1.7 " + bytes(range(256))
    assert not (instance / "matching").exists()
    with app.app_context():
        admin = db.session.scalar(db.select(User).filter_by(email="admin@kz.example"))
        assert admin.role == "admin" and admin.organisation.name == "Kompetenzzentrum"
        assert health._migrations()  # still at the head: no `flask db upgrade` needed for the same release
        db.session.remove()
        db.engine.dispose()
