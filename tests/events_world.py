"""An event and many people with API tokens, written straight into a live server's database; shared
by tests/test_events_live.py and bench/events_registration.py."""
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

import requests


@dataclass
class EventWorld:
    event_id: int
    organiser_token: str
    tokens: list  # one per person, in creation order


def seed_event_world(database_url: str, people: int, capacity: int, data_dir) -> EventWorld:
    """The schema must exist (flask db upgrade); adds one organisation, an organiser, the event and
    `people` accounts, each with an API token."""
    from community import create_app
    from community.auth.models import ApiToken
    from community.events.models import Event
    from community.extensions import db
    from community.models_base import utcnow
    from tests.conftest import config_with
    from tests.factories import make_org, make_user

    app = create_app(config_with(SQLALCHEMY_DATABASE_URI=database_url, MATCHING_INDEX_DIR=str(data_dir / "m")))
    with app.app_context():
        home = make_org(name="Kompetenzzentrum (Last)", kind="state", org_type="behoerde")
        organiser = make_user(home, role="consultant")
        start = utcnow().replace(microsecond=0) + timedelta(days=14)
        event = Event(title="Ansturm: Schulung E-Akte", capacity=capacity, starts_at=start,
                      ends_at=start + timedelta(hours=3), location="Rathaus", organiser_id=organiser.id,
                      organisation_id=home.id)
        db.session.add(event)
        db.session.commit()
        organiser_token = ApiToken.issue(organiser, name="live")[1]
        tokens = []
        for _ in range(people):
            person = make_user(home)
            tokens.append(ApiToken.issue(person, name="live")[1])
        db.session.commit()
        world = EventWorld(event.id, organiser_token, tokens)
        db.session.remove()
        db.engine.dispose()
    return world


def at_once(calls) -> list:
    """Run the calls in threads released together; [(result, seconds)] in the calls' order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        started = time.perf_counter()
        try:
            answer = call()
        except requests.RequestException as error:
            answer = error
        results[index] = (answer, time.perf_counter() - started)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def register_call(url: str, event_id: int, token: str):
    session = requests.Session()
    return lambda: session.post(f"{url}/api/v1/events/{event_id}/registrations",
                                headers={"Authorization": f"Bearer {token}"}, timeout=60)
