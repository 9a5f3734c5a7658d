"""No overbooking over HTTP: many clients register at the same moment against a live server (gunicorn,
one gevent worker) on SQLite and on PostgreSQL; cancellations at once promote exactly as many."""
import pytest
import requests
import sqlalchemy as sa

from tests.events_world import at_once, register_call, seed_event_world
from tests.live_server import LiveServer
from tests.scaleout import forget_postgres, private_postgres

PEOPLE, CAPACITY = 40, 10


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory):
    directory = tmp_path_factory.mktemp(f"live-events-{request.param}")
    if request.param == "sqlite":
        database = f"sqlite:///{directory / 'events.sqlite'}"
    else:
        postgres_url = request.getfixturevalue("postgres_url")
        database = private_postgres(postgres_url, "events_live")
    live = LiveServer(database, directory)
    live.flask("db", "upgrade")
    live.world = seed_event_world(database, PEOPLE, CAPACITY, directory)
    live.database = database
    live.start()
    yield live
    live.stop()
    if request.param == "postgresql":
        forget_postgres(request.getfixturevalue("postgres_url"), database)


def counts(database: str, event_id: int) -> tuple[int, int, int]:
    engine = sa.create_engine(database)
    with engine.connect() as conn:
        confirmed = conn.execute(sa.text("SELECT count(*) FROM registration WHERE event_id = :e AND status = "
                                         "'confirmed'"), {"e": event_id}).scalar()
        waiting = conn.execute(sa.text("SELECT count(*) FROM registration WHERE event_id = :e AND status = "
                                       "'waitlisted'"), {"e": event_id}).scalar()
        counter = conn.execute(sa.text("SELECT confirmed_count FROM event WHERE id = :e"), {"e": event_id}).scalar()
    engine.dispose()
    return confirmed, waiting, counter


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_many_registrations_at_once_never_overbook(server):
    world = server.world
    results = at_once([register_call(server.url, world.event_id, token) for token in world.tokens])
    answers = [response for response, _seconds in results]
    assert all(isinstance(a, requests.Response) and a.status_code == 201 for a in answers), \
        [getattr(a, "status_code", a) for a in answers]
    bodies = [a.json() for a in answers]
    assert sum(b["status"] == "confirmed" for b in bodies) == CAPACITY
    assert sorted(b["position"] for b in bodies if b["status"] == "waitlisted") == list(range(1, PEOPLE - CAPACITY + 1))
    assert counts(server.database, world.event_id) == (CAPACITY, PEOPLE - CAPACITY, CAPACITY)


def test_the_same_person_registering_at_once_gets_one_place(server):
    world = server.world
    token = world.tokens[0]  # already registered by the test above: every attempt is refused
    statuses = [r.status_code for r, _ in at_once([register_call(server.url, world.event_id, token)] * 8)]
    assert statuses == [409] * 8
    assert counts(server.database, world.event_id)[:2] == (CAPACITY, PEOPLE - CAPACITY)


def test_cancellations_at_once_promote_the_waitlist_in_order(server):
    world = server.world
    url = f"{server.url}/api/v1/events/{world.event_id}"
    people = requests.get(f"{url}/registrations", headers=auth(world.organiser_token), timeout=30).json()["items"]
    by_user = {p["user_id"]: p for p in people}
    # Tokens are in the order the people were made; user ids grow the same way.
    user_ids = sorted(by_user)
    token_of = dict(zip(user_ids, world.tokens))
    confirmed_tokens = [token_of[p["user_id"]] for p in people if p["status"] == "confirmed"][:5]
    first_waiting = [p["user_id"] for p in people if p["status"] == "waitlisted"][:5]
    results = at_once([lambda t=t: requests.delete(f"{url}/registrations/mine", headers=auth(t), timeout=60)
                       for t in confirmed_tokens])
    assert [r.status_code for r, _ in results] == [204] * 5
    assert counts(server.database, world.event_id) == (CAPACITY, PEOPLE - CAPACITY - 5, CAPACITY)
    after = requests.get(f"{url}/registrations", headers=auth(world.organiser_token), timeout=30).json()["items"]
    now_confirmed = {p["user_id"] for p in after if p["status"] == "confirmed"}
    assert set(first_waiting) <= now_confirmed
    assert [p["position"] for p in after if p["status"] == "waitlisted"] == list(range(1, PEOPLE - CAPACITY - 5 + 1))
