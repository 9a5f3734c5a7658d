"""The demo's neighbours with the same need: the demo Gemeinde's need shows municipalities of its Kreis."""
from community.auth.models import User
from community.cooperation import services
from community.extensions import db
from community.profiles.models import Need
from tests.test_seed_demo import demo  # noqa: F401  (the seeded demo, once per module)


def test_the_demo_gemeinde_has_neighbours_with_the_same_need(demo):  # noqa: F811
    user = db.session.scalar(db.select(User).filter(User.email.startswith("gemeinde.admin@")))
    need = db.session.scalar(db.select(Need).filter(Need.organisation_id == user.organisation_id,
                                                    Need.title.like("Informationssicherheitsbeauftragten%")))
    with demo.app.test_request_context():
        partners = services.neighbours(user, need)
    assert partners
    kreis = services.kreis_of(user.organisation)
    assert all(services.kreis_of(p.organisation) == kreis for p in partners)
