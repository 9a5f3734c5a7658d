"""Over the demo's suggestions (#27): every word shown as a suggestion's reason is a whole word written in
the suggested entry (never a stem or fragment such as "Plaene", "Bauvor", "Nimmt", "Fach")."""
import pytest

from community import create_app
from community.auth.models import User
from community.extensions import db
from community.search.words import surface_words
from community.suggestions import services
from tests.conftest import config_with

SEED = "7"
ORGANISATIONS = 40


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    application = create_app(config_with(SQLALCHEMY_DATABASE_URI="sqlite://"))
    with application.app_context():
        db.create_all()
        accounts = tmp_path_factory.mktemp("demo") / "demo-accounts.txt"
        result = application.test_cli_runner().invoke(
            args=["seed-demo", "--seed", SEED, "--accounts-file", str(accounts), "--once"])
        assert result.exit_code == 0, result.output
        yield application
        db.session.remove()
        db.engine.dispose()


def test_every_shown_reason_is_a_whole_word_of_the_suggested_entry(demo):
    users = db.session.scalars(db.select(User).filter(User.organisation_id.is_not(None),
                                                      User.email.endswith("@demo.example.org"))
                               .order_by(User.id)).all()
    seen_orgs, checked = set(), 0
    for user in users:
        if user.organisation_id in seen_orgs or len(seen_orgs) >= ORGANISATIONS:
            continue
        seen_orgs.add(user.organisation_id)
        result = services.suggestions_for(user, page=1, shown=services.OVERVIEW_SHOWN)
        for group in (*result.needs, *result.offers):
            for items in group.by_relation.values():
                for suggestion in items:
                    surface = set(surface_words(f"{suggestion.target.title}\n{suggestion.target.body}"))
                    for word in suggestion.words:
                        assert word in surface, (word, suggestion.target.title)
                        checked += 1
    assert checked > 50, checked
