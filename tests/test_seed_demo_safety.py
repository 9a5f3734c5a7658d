"""`flask seed-demo` refuses a database that holds real data (#21).

Its own module: tests/test_seed_demo.py keeps one seeded demo database open for the whole module, and a
test emptying the same PostgreSQL database meanwhile would wait for that open transaction for ever."""
import sqlalchemy as sa

from community.extensions import db
from community.organisations.models import Organisation
from tests.factories import make_org, make_user


def test_the_demo_is_never_seeded_into_a_database_with_real_data(app, tmp_path):
    make_user(make_org(name="Stadt Echtheim"), email="amt@echtheim.de")
    result = app.test_cli_runner().invoke(args=["seed-demo", "--once", "--accounts-file", str(tmp_path / "a.txt")])
    assert result.exit_code != 0 and "not demo data" in result.output
    assert not db.session.scalars(sa.select(Organisation).filter_by(is_demo=True)).all()
    assert not (tmp_path / "a.txt").exists()
