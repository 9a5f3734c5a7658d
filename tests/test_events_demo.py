"""Demo events: trainings of the competence centre, labelled vendor events, a waitlist, a past event with
attendance; nobody is notified; the matching index knows them; reset takes them away."""
from community.events.demo import CENTRE_EVENTS, VENDOR_EVENTS
from community.events.models import Event, Registration
from community.events.recommendations import recommended_events
from community.extensions import db
from community.models_base import utcnow
from community.notifications.models import Notification
from tests.test_seed_demo import accounts, demo, organisations  # noqa: F401  (the seeded demo, once per module)


def test_demo_events_are_seeded_as_demo_rows(demo):  # noqa: F811
    events = db.session.scalars(db.select(Event)).all()
    assert len(events) == len(CENTRE_EVENTS) + len(VENDOR_EVENTS)
    assert all(event.is_demo for event in events)
    assert sum(event.is_vendor_event for event in events) == len(VENDOR_EVENTS)
    statuses = db.session.scalars(db.select(Registration.status)).all()
    assert "waitlisted" in statuses
    past = [event for event in events if event.starts_at < utcnow()]
    assert past and db.session.scalar(db.select(db.func.count(Registration.id)).filter(
        Registration.event_id == past[0].id, Registration.attended.is_(True))) == 2
    for event in events:
        assert event.confirmed_count == db.session.scalar(db.select(db.func.count(Registration.id)).filter_by(
            event_id=event.id, status="confirmed"))
    assert db.session.scalar(db.select(db.func.count(Notification.id)).filter(
        Notification.kind.like("event_%"))) == 0


def test_demo_municipalities_get_recommendations(demo):  # noqa: F811
    municipality = [org for org in organisations(kind="municipality") if org.members][0]
    assert recommended_events(municipality, k=5)
