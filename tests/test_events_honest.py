"""Event pages that do not mislead: a past or cancelled event offers no registration, withdrawal,
cancellation or calendar file and says why; the service refuses them with a 409, never a 500; a person
on the waitlist gets no calendar file (page, .ics, feed) until the place is confirmed."""
import re
from datetime import timedelta

import pytest

from community.errors import Conflict
from community.events import services
from community.events.models import CONFIRMED, WAITLISTED, Registration
from community.extensions import db
from tests.factories import make_org, make_user, sign_in
from tests.test_events_pages import make_event, organiser, parse  # noqa: F401 (fixture)

PAST = "This event has already taken place."
CANCELLED = "This event has been cancelled."


def _past(event):
    """Move an event (with its registrations) into the past, as if time had gone by."""
    event.starts_at -= timedelta(days=30)
    event.ends_at -= timedelta(days=30)
    db.session.commit()
    return event


def _actions(page: str) -> dict:
    return {"register": "/register\"" in page, "withdraw": "/withdraw\"" in page, "cancel": "/cancel\"" in page,
            "ics": ".ics\"" in page}


@pytest.fixture
def registered(app, organiser):  # noqa: F811
    event = make_event(organiser, capacity=5)
    person = make_user(make_org())
    services.register(person, event.id)
    return event, person


def test_a_scheduled_event_offers_everything(client, organiser, registered):  # noqa: F811
    event, person = registered
    sign_in(client, person)
    assert _actions(client.get(f"/events/{event.id}").get_data(as_text=True))["withdraw"]
    assert _actions(client.get(f"/events/{event.id}").get_data(as_text=True))["ics"]
    sign_in(client, organiser)
    assert _actions(client.get(f"/events/{event.id}").get_data(as_text=True))["cancel"]


@pytest.mark.parametrize("state", ["past", "cancelled"])
def test_a_past_or_cancelled_event_offers_nothing_and_says_why(client, organiser, registered, state):  # noqa: F811
    event, person = registered
    if state == "past":
        _past(event)
    else:
        services.cancel_event(organiser, event)
    reason = PAST if state == "past" else CANCELLED
    for viewer in (person, make_user(make_org()), organiser, None):
        if viewer is None:
            client.get("/logout")
        else:
            sign_in(client, viewer)
        page = client.get(f"/events/{event.id}").get_data(as_text=True)
        assert reason in page
        assert _actions(page) == {"register": False, "withdraw": False, "cancel": False, "ics": False}, viewer
        response = client.get(f"/events/{event.id}.ics")
        assert response.status_code == 404 and b"BEGIN:VCALENDAR" not in response.data


def test_the_service_refuses_a_past_event_with_a_clear_conflict(client, organiser, registered):  # noqa: F811
    event, person = registered
    newcomer = make_user(make_org())
    _past(event)
    with pytest.raises(Conflict) as refused:
        services.register(newcomer, event.id)
    assert str(refused.value.message) == PAST
    with pytest.raises(Conflict) as refused:
        services.cancel_registration(person, event.id)
    assert str(refused.value.message) == PAST
    with pytest.raises(Conflict) as refused:
        services.cancel_event(organiser, event)
    assert str(refused.value.message) == PAST
    # The past event keeps its list (attendance and certificates depend on it).
    assert db.session.scalar(db.select(Registration.status).filter_by(user_id=person.id)) == CONFIRMED
    assert services.get_event(event.id).status == "scheduled"


def test_forms_on_a_past_event_flash_the_reason_never_a_500(client, organiser, registered):  # noqa: F811
    event, person = registered
    _past(event)
    sign_in(client, person)
    response = client.post(f"/events/{event.id}/withdraw", follow_redirects=True)
    assert response.status_code == 200 and PAST in response.get_data(as_text=True)
    sign_in(client, make_user(make_org()))
    response = client.post(f"/events/{event.id}/register", follow_redirects=True)
    assert response.status_code == 200 and PAST in response.get_data(as_text=True)
    sign_in(client, organiser)
    response = client.post(f"/events/{event.id}/cancel", follow_redirects=True)
    assert response.status_code == 200 and PAST in response.get_data(as_text=True)
    assert services.get_event(event.id).status == "scheduled"


def test_the_api_refuses_a_past_event_with_409(client, organiser, registered):  # noqa: F811
    from tests.test_events_api import auth

    event, person = registered
    _past(event)
    response = client.delete(f"/api/v1/events/{event.id}/registrations/mine", headers=auth(person))
    assert response.status_code == 409 and response.get_json()["error"]["message"] == PAST
    response = client.post(f"/api/v1/events/{event.id}/registrations", headers=auth(make_user(make_org())))
    assert response.status_code == 409
    response = client.post(f"/api/v1/events/{event.id}/cancellation", headers=auth(organiser))
    assert response.status_code == 409


def test_the_waitlist_gets_no_calendar_file_until_confirmed(client, organiser):  # noqa: F811
    event = make_event(organiser, capacity=1)
    first, waiting = make_user(make_org()), make_user(make_org())
    services.register(first, event.id)
    assert services.register(waiting, event.id).status == WAITLISTED
    sign_in(client, waiting)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert not _actions(page)["ics"] and "The calendar file follows once your place is confirmed." in page
    response = client.get(f"/events/{event.id}.ics")
    assert response.status_code == 404 and b"BEGIN:VCALENDAR" not in response.data
    settings = client.get("/events/calendar").get_data(as_text=True)
    feed_path = re.search(r'value="http://localhost(/events/feed/[^"]+\.ics)"', settings).group(1)
    assert parse(client.get(feed_path).data) == []
    services.cancel_registration(first, event.id)  # the waiting person moves up
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert _actions(page)["ics"]
    assert client.get(f"/events/{event.id}.ics").status_code == 200
    assert [str(e["summary"]) for e in parse(client.get(feed_path).data)] == [event.title]


def test_the_reasons_read_in_german(german_client, organiser):  # noqa: F811
    past, called_off, full = _past(make_event(organiser)), make_event(organiser), make_event(organiser, capacity=1)
    services.cancel_event(organiser, called_off)
    services.register(make_user(make_org()), full.id)
    waiting = make_user(make_org())
    services.register(waiting, full.id)
    sign_in(german_client, waiting, locale="de")
    assert "Diese Veranstaltung hat bereits stattgefunden." in german_client.get(f"/events/{past.id}").get_data(
        as_text=True)
    assert "Diese Veranstaltung wurde abgesagt." in german_client.get(f"/events/{called_off.id}").get_data(
        as_text=True)
    assert "Die Kalenderdatei gibt es, sobald Ihr Platz bestätigt ist." in german_client.get(
        f"/events/{full.id}").get_data(as_text=True)
    response = german_client.get(f"/events/{full.id}.ics")
    assert response.status_code == 404 and "Sie stehen auf der Warteliste" in response.get_data(as_text=True)
