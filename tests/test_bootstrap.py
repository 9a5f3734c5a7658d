"""`flask bootstrap`: the centre and the first admin on an empty database, once."""
from community.auth.models import User
from community.extensions import db
from community.organisations.models import Organisation
from tests.factories import make_org

ARGS = ["bootstrap", "--centre-name", "Kompetenzzentrum Digitalisierung", "--admin-email", "admin@kz.example"]


def counts():
    return (db.session.scalar(db.select(db.func.count()).select_from(Organisation)),
            db.session.scalar(db.select(db.func.count()).select_from(User)))


def test_bootstrap_creates_the_centre_and_its_admin_and_prints_a_one_time_link(runner):
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(db.select(User).filter_by(email="admin@kz.example"))
    assert admin.role == "admin" and admin.is_org_admin
    assert admin.organisation.name == "Kompetenzzentrum Digitalisierung"
    assert admin.organisation.kind == "state" and admin.organisation.verified
    assert "http://localhost/reset-password/" in result.output


def test_the_link_sets_the_admins_password(runner, client):
    link = runner.invoke(args=ARGS).output.strip().rsplit(" ", 1)[-1]
    new = "ein langes Passwort 2026"
    client.post(link.removeprefix("http://localhost"), data={"password": new, "password_confirmation": new})
    admin = db.session.scalar(db.select(User).filter_by(email="admin@kz.example"))
    db.session.refresh(admin)
    assert admin.check_password(new)


def test_a_rerun_with_the_same_values_changes_nothing(runner):
    runner.invoke(args=ARGS)
    before = counts()
    again = runner.invoke(args=ARGS)
    assert again.exit_code == 0, again.output
    assert "Already set up" in again.output
    assert counts() == before == (1, 1)


def test_bootstrap_refuses_a_database_that_has_an_admin(runner):
    runner.invoke(args=ARGS)
    other = runner.invoke(args=["bootstrap", "--centre-name", "Anderes Zentrum", "--admin-email", "x@kz.example"])
    assert other.exit_code == 3
    assert "already has a platform admin" in other.output
    assert counts() == (1, 1)


def test_bootstrap_refuses_a_database_that_has_organisations(runner):
    make_org(name="Gemeinde Vorhanden")
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 3 and "already has organisations" in result.output
    assert counts() == (1, 0)


def test_the_password_can_come_from_stdin(runner):
    result = runner.invoke(args=ARGS + ["--password-stdin"], input="ein langes Passwort 2026\n")
    assert result.exit_code == 0, result.output
    assert "reset-password" not in result.output
    admin = db.session.scalar(db.select(User).filter_by(email="admin@kz.example"))
    assert admin.check_password("ein langes Passwort 2026")


def test_a_bad_address_is_refused_and_leaves_nothing_behind(runner):
    result = runner.invoke(args=["bootstrap", "--centre-name", "KZ", "--admin-email", "no-address"])
    assert result.exit_code == 1 and "email" in result.output
    assert counts() == (0, 0)
