"""Event registration: capacity, one registration per person, waitlist order and promotion."""
from datetime import datetime

import pytest

from community.errors import Conflict
from community.events import services
from community.events.models import CONFIRMED, WAITLISTED, Event, Registration
from community.extensions import db
from community.notifications.models import Notification
from tests.factories import make_org, make_user


def make_event(capacity: int) -> Event:
    event = Event(title="Schulung E-Akte", capacity=capacity, starts_at=datetime(2030, 3, 30, 8),
                  ends_at=datetime(2030, 3, 30, 12))
    db.session.add(event)
    db.session.commit()
    return event


def test_places_are_confirmed_then_waitlisted_in_order(app):
    event, org = make_event(2), make_org()
    people = [make_user(org) for _ in range(4)]
    registrations = [services.register(person, event.id) for person in people]
    assert [r.status for r in registrations] == [CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED]
    assert [services.waitlist_position(r) for r in registrations] == [None, None, 1, 2]
    assert db.session.get(Event, event.id).confirmed_count == 2


def test_a_person_registers_once(app):
    event, user = make_event(5), make_user(make_org())
    services.register(user, event.id)
    with pytest.raises(Conflict):
        services.register(user, event.id)


def test_a_cancellation_promotes_the_first_waitlisted_and_tells_them(app):
    event, org = make_event(1), make_org()
    first, second, third = (make_user(org) for _ in range(3))
    for person in (first, second, third):
        services.register(person, event.id)
    services.cancel_registration(first, event.id)
    statuses = dict(db.session.execute(db.select(Registration.user_id, Registration.status)).all())
    assert statuses == {second.id: CONFIRMED, third.id: WAITLISTED}
    assert db.session.get(Event, event.id).confirmed_count == 1
    told = db.session.scalars(db.select(Notification).filter_by(kind=services.EVENT_PROMOTED)).all()
    assert [n.user_id for n in told] == [second.id]


def test_a_cancellation_without_waitlist_frees_the_place(app):
    event, user = make_event(1), make_user(make_org())
    services.register(user, event.id)
    services.cancel_registration(user, event.id)
    assert db.session.get(Event, event.id).confirmed_count == 0
    assert services.register(make_user(make_org()), event.id).status == CONFIRMED


@pytest.fixture
def shared_app(shared_database_url, tmp_path):
    """An app whose database threads share: a SQLite file, or this process's emptied PostgreSQL database."""
    from community import create_app
    from tests.conftest import config_with

    application = create_app(config_with(SQLALCHEMY_DATABASE_URI=shared_database_url,
                                         MATCHING_INDEX_DIR=str(tmp_path / "m")))
    with application.app_context():
        if shared_database_url.startswith("sqlite"):
            db.create_all()
        yield application
        db.session.remove()
        db.engine.dispose()


def test_concurrent_registrations_never_overbook(shared_app):
    import threading

    event, org = make_event(5), make_org()
    user_ids = [make_user(org).id for _ in range(30)]
    event_id, start, outcomes = event.id, threading.Barrier(len(user_ids)), []

    def register(user_id):
        with shared_app.app_context():
            from community.auth.models import User

            user = db.session.get(User, user_id)
            db.session.rollback()
            start.wait()
            outcomes.append(services.register(user, event_id).status)

    threads = [threading.Thread(target=register, args=(user_id,)) for user_id in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    assert sorted(outcomes).count(CONFIRMED) == 5 and outcomes.count(WAITLISTED) == 25
    assert db.session.get(Event, event_id).confirmed_count == 5
    assert db.session.scalar(db.select(db.func.count()).select_from(Registration).filter_by(status=CONFIRMED)) == 5
