"""The demo library of good examples: at least 40 published, marked demo, across every topic and
population class, around real OZG services, indexed for matching, and nobody notified."""
from community.examples.models import Example
from community.extensions import db
from community.notifications.models import Notification
from community.profiles import catalogue
from community.taxonomy import POPULATION_CLASSES, TOPICS
from tests.test_seed_demo import demo  # noqa: F401  (the seeded demo, once per module)


def test_the_demo_library_is_published_demo_and_covers_every_topic_and_size(demo):  # noqa: F811
    published = db.session.scalars(db.select(Example).filter(Example.published_at.is_not(None))).all()
    assert len(published) >= 40
    assert all(example.is_demo and example.organisation.is_demo for example in published)
    assert {topic for example in published for topic in example.published["topics"]} == {t.slug for t in TOPICS}
    assert {example.organisation.population_class for example in published} == {p.slug for p in POPULATION_CLASSES}
    ozg = [i for example in published for i in example.published["ozg_ids"]]
    assert len(ozg) >= 25 and set(ozg) <= catalogue.SERVICE_IDS
    assert all(example.organisation.is_public_body for example in published)


def test_the_demo_gemeinde_has_one_in_review_and_one_returned(demo):  # noqa: F811
    statuses = sorted(example.status for example in db.session.scalars(
        db.select(Example).filter(Example.published_at.is_(None))))
    assert statuses == ["returned", "submitted"]
    assert db.session.scalar(db.select(db.func.count(Notification.id)).filter(
        Notification.kind.like("example_%"))) == 0


def test_the_demo_examples_are_matched_to_demo_needs(demo):  # noqa: F811
    from community.suggestions import engine as matching

    with demo.app.test_request_context():
        matches = matching.engine().search("Bauantrag digital einreichen", k=5, kinds=("example",))[1]
    assert matches and all(match.id.startswith("example:") for match in matches)
