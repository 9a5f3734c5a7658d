"""The events API: organising, validation (400), listing, the online link, registration and the waitlist,
changes and cancellations told to the registered, and times across a daylight-saving change."""
from datetime import datetime, timedelta

import pytest

from community.events import services
from community.events.models import Event
from community.extensions import db
from community.notifications.models import Notification
from tests.factories import make_org, make_token, make_user
from tests.test_api_openapi import assert_matches_document

PREFIX = "/api/v1"


# One anchor for the whole module: parameters are built at collection and bodies at run time, and a run that
# crosses midnight must not shift one against the other.
TODAY = datetime.now().date()


def future(days: int = 10, hour: int = 9) -> str:
    day = TODAY + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00:00+01:00"


def body(**fields) -> dict:
    data = {"title": "Schulung E-Akte für Sachbearbeitende", "description": "Grundlagen der **E-Akte**.",
            "format": "hybrid", "starts_at": future(hour=9), "ends_at": future(hour=12),
            "location": "Rathaus Aachtal, Saal 2", "online_url": "https://video.example.org/eakte",
            "capacity": 2, "topics": ["eakte"], "audience": ["municipality", "5k-20k"]}
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def auth(user) -> dict:
    return {"Authorization": f"Bearer {make_token(user)}"}


@pytest.fixture
def organiser(app):
    return make_user(make_org(name="Gemeinde Aachtal"))


def create(client, organiser, **fields):
    response = client.post(f"{PREFIX}/events", json=body(**fields), headers=auth(organiser))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_an_organiser_creates_an_event_stored_in_utc(client, organiser):
    data = create(client, organiser, starts_at="2030-01-15T09:00:00+01:00", ends_at="2030-01-15T12:00+01:00")
    event = db.session.get(Event, data["id"])
    assert event.starts_at == datetime(2030, 1, 15, 8, 0)
    assert data["starts_at"] == "2030-01-15T09:00:00+01:00" and data["timezone"] == "Europe/Berlin"
    assert data["online_url"] == "https://video.example.org/eakte"  # the organiser sees it
    assert data["vendor_event"] is False and data["my_registration"] is None


def test_local_times_without_offset_follow_berlin_across_the_dst_change(client, organiser):
    # Summer time starts on 31 March 2030 at 02:00: 09:00 is 08:00 UTC before and 07:00 UTC after.
    before = create(client, organiser, starts_at="2030-03-30T09:00", ends_at="2030-03-30T10:00")
    after = create(client, organiser, starts_at="2030-03-31T09:00", ends_at="2030-03-31T10:00")
    assert db.session.get(Event, before["id"]).starts_at == datetime(2030, 3, 30, 8)
    assert db.session.get(Event, after["id"]).starts_at == datetime(2030, 3, 31, 7)
    assert before["starts_at"].endswith("+01:00") and after["starts_at"].endswith("+02:00")
    # An event over the night of the change lasts one hour less than the clock suggests.
    night = create(client, organiser, starts_at="2030-03-31T00:00", ends_at="2030-03-31T04:00")
    stored = db.session.get(Event, night["id"])
    assert stored.ends_at - stored.starts_at == timedelta(hours=3)
    # Another zone may be named; an offset always wins.
    tokyo = create(client, organiser, timezone="Asia/Tokyo", starts_at="2030-03-31T09:00", ends_at="2030-03-31T10:00")
    assert db.session.get(Event, tokyo["id"]).starts_at == datetime(2030, 3, 31, 0)


def test_company_events_are_vendor_events(client):
    vendor = make_user(make_org(name="DMS GmbH", kind="company", org_type="hersteller"))
    assert create(client, vendor)["vendor_event"] is True


@pytest.mark.parametrize("fields, bad", [
    ({"ends_at": future(hour=8)}, "ends_at"),
    ({"ends_at": future(hour=9)}, "ends_at"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": -3}, "capacity"),
    ({"capacity": "viele"}, "capacity"),
    ({"capacity": True}, "capacity"),
    ({"capacity": 10**30}, "capacity"),
    ({"format": "telepathy"}, "format"),
    ({"starts_at": "morgen"}, "starts_at"),
    ({"starts_at": None}, "starts_at"),
    ({"starts_at": 1700000000}, "starts_at"),
    ({"title": ""}, "title"),
    ({"title": {"nested": ["json"]}}, "title"),
    ({"title": "\ud800"}, None),
    ({"topics": ["astrologie"]}, "topics"),
    ({"audience": ["everyone"]}, "audience"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"timezone": "../../etc/passwd"}, "timezone"),
    ({"online_url": "javascript:alert(1)"}, "online_url"),
    ({"format": "online", "online_url": ""}, "online_url"),
    ({"registration_deadline": future(days=11)}, "registration_deadline"),
    ({"colour": "blau"}, "colour"),
])
def test_bad_bodies_are_refused_with_400(client, organiser, fields, bad):
    response = client.post(f"{PREFIX}/events", json=body(**fields), headers=auth(organiser))
    assert response.status_code == 400, response.get_json()
    if bad:
        assert bad in response.get_json()["error"]["fields"]
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0


def test_not_json_and_not_an_object_are_400(client, organiser):
    headers = auth(organiser)
    assert client.post(f"{PREFIX}/events", data="title=x", headers=headers).status_code == 400
    assert client.post(f"{PREFIX}/events", json=[1, 2], headers=headers).status_code in (400, 422)


def test_without_a_token_401_and_huge_ids_404(client, organiser):
    assert client.get(f"{PREFIX}/events").status_code == 401
    assert client.get(f"{PREFIX}/events/{10**20}", headers=auth(organiser)).status_code == 404
    assert client.post(f"{PREFIX}/events/{10**20}/registrations", headers=auth(organiser)).status_code == 404


def test_the_list_filters_by_time_and_topic_and_is_paged(client, organiser, document):
    create(client, organiser, title="Sicherheit", topics=["sicherheit"], starts_at=future(20), ends_at=future(20, 12))
    create(client, organiser, title="E-Akte", topics=["eakte"])
    create(client, organiser, title="Vorbei", starts_at="2020-01-01T09:00+01:00", ends_at="2020-01-01T10:00+01:00")
    headers = auth(make_user(make_org()))
    listed = client.get(f"{PREFIX}/events", headers=headers)
    assert_matches_document(document, "/events", "get", listed)
    assert [e["title"] for e in listed.get_json()["items"]] == ["E-Akte", "Sicherheit"]
    assert [e["title"] for e in client.get(f"{PREFIX}/events?topic=sicherheit", headers=headers)
            .get_json()["items"]] == ["Sicherheit"]
    assert [e["title"] for e in client.get(f"{PREFIX}/events?from=2019-12-31T00:00Z", headers=headers)
            .get_json()["items"]] == ["Vorbei", "E-Akte", "Sicherheit"]
    paged = client.get(f"{PREFIX}/events?per_page=1&page=2", headers=headers).get_json()
    assert (paged["total"], [e["title"] for e in paged["items"]]) == (2, ["Sicherheit"])
    assert client.get(f"{PREFIX}/events?topic=astrologie", headers=headers).status_code == 400
    assert client.get(f"{PREFIX}/events?from=gestern", headers=headers).status_code == 400
    assert client.get(f"{PREFIX}/events?colour=blau", headers=headers).status_code == 400


@pytest.fixture
def document(client):
    return client.get(f"{PREFIX}/openapi.json").get_json()


def test_registration_waitlist_and_the_online_link(client, organiser, document):
    event = create(client, organiser, capacity=1)
    url = f"{PREFIX}/events/{event['id']}"
    first, second, third = (make_user(make_org()) for _ in range(3))
    outsider = client.get(url, headers=auth(first))
    assert_matches_document(document, "/events/{event_id}", "get", outsider)
    assert "online_url" not in outsider.get_json()
    answer = client.post(f"{url}/registrations", headers=auth(first))
    assert_matches_document(document, "/events/{event_id}/registrations", "post", answer)
    assert (answer.status_code, answer.get_json()) == (201, {"status": "confirmed", "position": None})
    assert client.post(f"{url}/registrations", headers=auth(first)).status_code == 409
    assert client.post(f"{url}/registrations", headers=auth(second)).get_json() == {"status": "waitlisted",
                                                                                    "position": 1}
    assert client.post(f"{url}/registrations", headers=auth(third)).get_json() == {"status": "waitlisted",
                                                                                   "position": 2}
    mine = client.get(url, headers=auth(first)).get_json()
    assert mine["online_url"] == "https://video.example.org/eakte"
    assert mine["my_registration"] == {"status": "confirmed", "position": None}
    waiting = client.get(url, headers=auth(third)).get_json()
    assert "online_url" not in waiting and waiting["my_registration"] == {"status": "waitlisted", "position": 2}
    # Only the organiser sees the participants.
    assert client.get(f"{url}/registrations", headers=auth(first)).status_code == 403
    people = client.get(f"{url}/registrations", headers=auth(organiser))
    assert_matches_document(document, "/events/{event_id}/registrations", "get", people)
    assert [(p["user_id"], p["status"], p["position"]) for p in people.get_json()["items"]] == [
        (first.id, "confirmed", None), (second.id, "waitlisted", 1), (third.id, "waitlisted", 2)]
    # Withdrawing promotes the first waitlisted, who is told.
    assert client.delete(f"{url}/registrations/mine", headers=auth(first)).status_code == 204
    assert client.delete(f"{url}/registrations/mine", headers=auth(first)).status_code == 409
    assert client.get(url, headers=auth(second)).get_json()["my_registration"] == {"status": "confirmed",
                                                                                   "position": None}
    assert client.get(url, headers=auth(third)).get_json()["my_registration"]["position"] == 1
    told = db.session.scalars(db.select(Notification.user_id).filter_by(kind=services.EVENT_PROMOTED)).all()
    assert told == [second.id]


def test_patch_by_the_organiser_tells_the_registered(client, organiser, document):
    event = create(client, organiser, capacity=1)
    url = f"{PREFIX}/events/{event['id']}"
    person, waiting = make_user(make_org()), make_user(make_org())
    client.post(f"{url}/registrations", headers=auth(person))
    client.post(f"{url}/registrations", headers=auth(waiting))
    assert client.patch(url, json={"title": "Fremd"}, headers=auth(person)).status_code == 403
    assert client.patch(url, json={"ends_at": "2000-01-01T00:00Z"}, headers=auth(organiser)).status_code == 400
    assert client.patch(url, json={"capacity": 0}, headers=auth(organiser)).status_code == 400
    changed = client.patch(url, json={"location": "Bürgerhaus", "capacity": 2}, headers=auth(organiser))
    assert_matches_document(document, "/events/{event_id}", "patch", changed)
    assert changed.get_json()["location"] == "Bürgerhaus" and changed.get_json()["confirmed"] == 2
    assert db.session.scalars(db.select(Notification.user_id).filter_by(kind=services.EVENT_PROMOTED)).all() == [
        waiting.id]
    assert db.session.scalars(db.select(Notification.user_id).filter_by(kind=services.EVENT_CHANGED)).all() == [
        person.id]
    assert client.patch(url, json={"capacity": 1}, headers=auth(organiser)).status_code == 400  # 2 confirmed


def test_cancellation_by_the_organiser_tells_everyone_registered(client, organiser, document):
    event = create(client, organiser, capacity=1)
    url = f"{PREFIX}/events/{event['id']}"
    person, waiting = make_user(make_org()), make_user(make_org())
    client.post(f"{url}/registrations", headers=auth(person))
    client.post(f"{url}/registrations", headers=auth(waiting))
    assert client.post(f"{url}/cancellation", headers=auth(person)).status_code == 403
    cancelled = client.post(f"{url}/cancellation", headers=auth(organiser))
    assert_matches_document(document, "/events/{event_id}/cancellation", "post", cancelled)
    assert cancelled.get_json()["status"] == "cancelled"
    told = db.session.scalars(db.select(Notification.user_id).filter_by(kind=services.EVENT_CANCELLED)
                              .order_by(Notification.user_id)).all()
    assert told == sorted([person.id, waiting.id])
    assert client.post(f"{url}/cancellation", headers=auth(organiser)).status_code == 409
    assert client.post(f"{url}/registrations", headers=auth(make_user(make_org()))).status_code == 409
    assert client.get(f"{PREFIX}/events", headers=auth(person)).get_json()["total"] == 0


def test_patch_status_cancelled_cancels_too(client, organiser):
    event = create(client, organiser)
    answer = client.patch(f"{PREFIX}/events/{event['id']}", json={"status": "cancelled"}, headers=auth(organiser))
    assert answer.get_json()["status"] == "cancelled"


def test_registration_closes_at_the_deadline_and_after_the_end(client, organiser):
    past = create(client, organiser, starts_at="2020-01-01T09:00+01:00", ends_at="2020-01-01T10:00+01:00",
                  registration_deadline="2019-12-31T00:00+01:00")
    person = make_user(make_org())
    assert client.post(f"{PREFIX}/events/{past['id']}/registrations", headers=auth(person)).status_code == 409
    closed = create(client, organiser, registration_deadline="2020-01-01T00:00+01:00")
    assert client.post(f"{PREFIX}/events/{closed['id']}/registrations", headers=auth(person)).status_code == 409


@pytest.mark.parametrize("fields, bad", [
    ({"ends_at": "9999-12-31T23:59:59+14:00"}, "ends_at"),
    ({"ends_at": "9999-12-31"}, "ends_at"),
    ({"starts_at": "0001-01-01T00:00:00-12:00"}, "starts_at"),
    ({"registration_deadline": "0001-01-01"}, "registration_deadline"),
])
def test_dates_at_the_calendars_edge_are_400(client, organiser, fields, bad):
    response = client.post(f"{PREFIX}/events", json=body(**fields), headers=auth(organiser))
    assert response.status_code == 400 and bad in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31T23:59", "0001-01-01T00:00-12:00"])
def test_a_list_from_the_calendars_edge_is_a_form_error_and_400_in_the_api(client, organiser, value):
    page = client.get("/events/", query_string={"from": value})  # without login: the list with a form error
    assert page.status_code == 200 and "Enter a date between 2000 and 2099." in page.get_data(as_text=True)
    response = client.get(f"{PREFIX}/events", query_string={"from": value}, headers=auth(organiser))
    assert response.status_code == 400 and "from" in response.get_json()["error"]["fields"]
