"""Event pages: the list with "Recommended for you", the event page (register, waitlist, vendor label),
the organiser's form, participant list, CSV and attendance; the .ics file and the personal feed (parsed
back with icalendar); the certificate of attendance as a PDF."""
import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from community.events import services
from community.events.models import CONFIRMED, Event, Registration
from community.extensions import db
from community.models_base import utcnow
from tests.factories import make_need, make_org, make_user, sign_in


def make_event(organiser, capacity=5, days=7, **fields) -> Event:
    start = (utcnow() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    fields.setdefault("title", "Schulung E-Akte")
    fields.setdefault("description", "Die **elektronische Akte** einführen: Scannen, Aktenplan, Dokumentenmanagement.")
    fields.setdefault("topics", ["eakte"])
    event = Event(capacity=capacity, starts_at=start, ends_at=start + timedelta(hours=3), format="hybrid",
                  location="Rathaus, Saal 2", online_url="https://video.example.org/raum-42",
                  organiser_id=organiser.id, organisation_id=organiser.organisation_id, **fields)
    db.session.add(event)
    db.session.commit()
    return event


@pytest.fixture
def organiser(app):
    return make_user(make_org(name="Kompetenzzentrum", kind="state", org_type="behoerde"), role="consultant")


def test_the_nav_links_the_events_and_the_list_shows_them(client, organiser):
    event = make_event(organiser)
    page = client.get("/events/").get_data(as_text=True)
    assert event.title in page and 'href="/events/"' in page


def test_register_then_waitlist_with_position_on_the_event_page(client, organiser):
    event = make_event(organiser, capacity=1)
    first, second = make_user(make_org()), make_user(make_org())
    sign_in(client, first)
    assert "raum-42" not in client.get(f"/events/{event.id}").get_data(as_text=True)
    client.post(f"/events/{event.id}/register")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Your place is confirmed." in page and "https://video.example.org/raum-42" in page
    sign_in(client, second)
    client.post(f"/events/{event.id}/register")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "You are number 1 on the waitlist." in page and "raum-42" not in page
    sign_in(client, first)
    client.post(f"/events/{event.id}/withdraw")
    assert db.session.scalar(db.select(Registration.status).filter_by(user_id=second.id)) == CONFIRMED


def test_vendor_events_are_labelled(client):
    vendor = make_user(make_org(name="DMS GmbH", kind="company", org_type="hersteller"))
    event = make_event(vendor)
    assert "Vendor event" in client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Vendor event" in client.get("/events/").get_data(as_text=True)


def test_anonymous_visitors_are_asked_to_log_in(client, organiser):
    event = make_event(organiser)
    assert "Log in to register." in client.get(f"/events/{event.id}").get_data(as_text=True)
    assert client.post(f"/events/{event.id}/register").status_code == 302
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_the_organiser_creates_and_edits_an_event_by_form(client, organiser):
    sign_in(client, organiser)
    assert client.get("/events/new").status_code == 200
    form = {"title": "Informationssicherheit für Kommunen", "description": "BSI-Grundschutz", "format": "onsite",
            "starts_at": "2030-03-31T09:00", "ends_at": "2030-03-31T08:00", "location": "Bürgerhaus",
            "capacity": "12", "topics": ["sicherheit"], "audience": ["municipality"]}
    refused = client.post("/events/new", data=form)
    assert refused.status_code == 400 and "The end must be after the start." in refused.get_data(as_text=True)
    created = client.post("/events/new", data={**form, "ends_at": "2030-03-31T12:00"})
    assert created.status_code == 302
    event = db.session.scalar(db.select(Event).filter_by(title=form["title"]))
    assert event.starts_at == datetime(2030, 3, 31, 7) and event.capacity == 12
    edit = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="2030-03-31T09:00"' in edit
    client.post(f"/events/{event.id}/edit", data={**form, "ends_at": "2030-03-31T12:00", "capacity": "20"})
    assert db.session.get(Event, event.id).capacity == 20
    stranger = make_user(make_org())
    sign_in(client, stranger)
    assert client.get(f"/events/{event.id}/edit").status_code == 403
    assert client.get(f"/events/{event.id}/participants").status_code == 403


def test_participants_csv_and_attendance_after_the_event(client, organiser):
    event = make_event(organiser, capacity=1)
    attendee, waiting = make_user(make_org(name="Gemeinde Süd"), name="Jürgen Übel"), make_user(make_org(),
                                                                                                  name="=cmd()")
    services.register(attendee, event.id)
    services.register(waiting, event.id)
    sign_in(client, organiser)
    page = client.get(f"/events/{event.id}/participants").get_data(as_text=True)
    assert "Jürgen Übel" in page and "Attendance can be marked once the event has begun." in page
    rows = list(csv.reader(io.StringIO(client.get(f"/events/{event.id}/participants.csv").get_data(as_text=True)
                                       .lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["name", "email", "organisation", "status"]
    assert rows[1][:4] == ["Jürgen Übel", attendee.email, "Gemeinde Süd", "confirmed"]
    assert rows[2][0] == "'=cmd()" and rows[2][3:5] == ["waitlisted", "1"]
    client.post(f"/events/{event.id}/attendance", data={"attended": [str(attendee.id)]})
    assert db.session.scalar(db.select(Registration.attended).filter_by(user_id=attendee.id)) is False  # not begun
    event.starts_at, event.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
    db.session.commit()
    client.post(f"/events/{event.id}/attendance", data={"attended": [str(attendee.id), str(waiting.id)]})
    attended = dict(db.session.execute(db.select(Registration.user_id, Registration.attended)).all())
    assert attended == {attendee.id: True, waiting.id: False}


def test_cancellation_page_action(client, organiser):
    event = make_event(organiser)
    person = make_user(make_org())
    services.register(person, event.id)
    sign_in(client, organiser)
    client.post(f"/events/{event.id}/cancel")
    assert db.session.get(Event, event.id).status == "cancelled"
    assert "This event has been cancelled." in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_recommended_for_you_from_open_needs(client, organiser):
    home = make_org(name="Gemeinde Aachtal", topics=["ozg"])
    member = make_user(home)
    make_need(home, title="Elektronische Akte einführen",
              body="Wir wollen die elektronische Akte und ein Dokumentenmanagement einführen.", topics=["eakte"])
    fitting = make_event(organiser, title="Schulung: Die elektronische Akte einführen")
    make_event(organiser, title="Radwege planen", description="Mobilität im ländlichen Raum: Radverkehr.",
               topics=["mobilitaet"])
    sign_in(client, member)
    page = client.get("/events/").get_data(as_text=True)
    section = page.split('id="recommended-events"')[1].split("</ul>")[0]
    assert fitting.title in section and "Radwege" not in section
    assert "Fits your need" in section


# --- calendar --------------------------------------------------------------------------------------


def parse(data: bytes) -> list:
    return [c for c in Calendar.from_ical(data).walk("VEVENT")]


def test_the_ics_has_the_online_link_only_for_confirmed_participants(client, organiser):
    event = make_event(organiser, capacity=1)
    person, waiting = make_user(make_org()), make_user(make_org())
    anonymous = client.get(f"/events/{event.id}.ics")
    assert anonymous.mimetype == "text/calendar"
    (entry,) = parse(anonymous.data)
    assert str(entry["summary"]) == "Schulung E-Akte"
    assert entry.decoded("dtstart").replace(tzinfo=None) == event.starts_at
    assert entry.decoded("dtend").replace(tzinfo=None) == event.ends_at
    assert "raum-42" not in anonymous.get_data(as_text=True)
    services.register(person, event.id)
    services.register(waiting, event.id)
    sign_in(client, waiting)
    assert "raum-42" not in client.get(f"/events/{event.id}.ics").get_data(as_text=True)
    sign_in(client, person)
    (entry,) = parse(client.get(f"/events/{event.id}.ics").data)
    assert "https://video.example.org/raum-42" in str(entry["description"])
    assert str(entry["location"]) == "Rathaus, Saal 2" and str(entry["uid"]).startswith(f"event-{event.id}@")


def test_line_breaks_in_event_texts_never_break_the_calendar_file(client, organiser):
    event = make_event(organiser, title="Schulung\nE-Akte\r\nTeil\u20282",
                       description="Erster Absatz.\r\n\r\nZweiter\x0bAbsatz.")
    event.location = "Rathaus\rSaal 2"
    event.organisation.name = "Kreis\nLippe"
    db.session.commit()
    response = client.get(f"/events/{event.id}.ics")
    assert response.status_code == 200
    (entry,) = parse(response.data)
    assert str(entry["summary"]) == "Schulung E-Akte Teil 2" and str(entry["location"]) == "Rathaus Saal 2"
    assert str(entry["description"]).startswith("Erster Absatz.\n\nZweiter Absatz.")
    assert b"\r" not in response.data.replace(b"\r\n", b"") and b"\n" not in response.data.replace(b"\r\n", b"")
    person = make_user(make_org())
    services.register(person, event.id)
    sign_in(client, person)
    page = client.get("/events/calendar").get_data(as_text=True)
    feed = client.get(re.search(r'value="http://localhost(/events/feed/[^"]+\.ics)"', page).group(1))
    assert feed.status_code == 200 and len(parse(feed.data)) == 1


def test_the_personal_feed_lists_registrations_and_its_token_can_be_reset(client, organiser):
    first, second, other = make_event(organiser, title="Erste"), make_event(organiser, title="Zweite"), \
        make_event(organiser, title="Fremd")
    person = make_user(make_org())
    services.register(person, first.id)
    services.register(person, second.id)
    sign_in(client, person)
    page = client.get("/events/calendar").get_data(as_text=True)
    url = re.search(r'value="(http://[^"]+/events/feed/[^"]+\.ics)"', page).group(1)
    path = url.split("localhost", 1)[1]
    client.get("/logout")
    with client.session_transaction() as session:
        session.clear()
    feed = client.get(path)
    assert feed.status_code == 200
    assert sorted(str(e["summary"]) for e in parse(feed.data)) == ["Erste", "Zweite"]
    assert "raum-42" in feed.get_data(as_text=True) and other.title not in feed.get_data(as_text=True)
    sign_in(client, person)
    client.post("/events/calendar")
    assert client.get(path).status_code == 404
    assert client.get("/events/feed/short.ics").status_code == 404


# --- certificates ----------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    """The text a reader's PDF viewer extracts (pypdf), so a certificate is checked as people read it."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_attendees_get_a_certificate_with_umlauts(client, organiser):
    event = make_event(organiser, title="Datenschutz für Bürgerämter")
    attendee = make_user(make_org(name="Gemeinde Übach"), name="Jürgen Größmann")
    absent = make_user(make_org())
    for person in (attendee, absent):
        services.register(person, event.id)
    sign_in(client, attendee)
    assert client.get(f"/events/{event.id}/certificate.pdf").status_code == 404  # not marked yet
    event.starts_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    services.mark_attendance(organiser, event, [attendee.id])
    answer = client.get(f"/events/{event.id}/certificate.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.data.startswith(b"%PDF-") and b"/FontFile2" in answer.data and b"DejaVu" in answer.data
    text = pdf_text(answer.data)
    assert "Jürgen Größmann" in text and "Datenschutz für Bürgerämter" in text and "Gemeinde Übach" in text
    assert "Certificate of attendance" in text
    sign_in(client, absent)
    assert client.get(f"/events/{event.id}/certificate.pdf").status_code == 404
    assert client.get(f"/events/{event.id}/certificate/{attendee.id}.pdf").status_code == 404
    sign_in(client, organiser)
    assert client.get(f"/events/{event.id}/certificate/{attendee.id}.pdf").status_code == 200


def test_the_certificate_is_german_by_default(german_client, organiser):
    event = make_event(organiser, title="Schulung")
    attendee = make_user(make_org(), name="Änne Öztürk")
    services.register(attendee, event.id)
    event.starts_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    services.mark_attendance(organiser, event, [attendee.id])
    sign_in(german_client, attendee, locale="de")
    text = pdf_text(german_client.get(f"/events/{event.id}/certificate.pdf").data)
    assert "Teilnahmebescheinigung" in text and "Änne Öztürk" in text


def test_the_data_export_lists_registrations_and_a_deleted_account_frees_its_place(client, organiser):
    from community.account import services as account
    from tests.factories import PASSWORD

    event = make_event(organiser, capacity=1)
    person, waiting = make_user(make_org()), make_user(make_org())
    services.register(person, event.id)
    services.register(waiting, event.id)
    token = services.feed_token(person)
    exported = account.export_user_data(person)["event_registrations"]
    assert [(r["event_id"], r["status"]) for r in exported] == [(event.id, "confirmed")]
    account.delete_account(person, PASSWORD)
    assert client.get(f"/events/feed/{token}.ics").status_code == 404
    assert db.session.scalar(db.select(Registration.status).filter_by(user_id=waiting.id)) == CONFIRMED
    assert db.session.scalar(db.select(db.func.count(Registration.id)).filter_by(user_id=person.id)) == 0


def test_a_member_removed_from_the_organisation_loses_organiser_rights(client, organiser):
    from community.members import services as members

    event = make_event(organiser)
    services.register(make_user(make_org(), name="Rita Registrant"), event.id)
    admin = make_user(db.session.get(type(organiser.organisation), organiser.organisation_id), is_org_admin=True)
    sign_in(client, organiser)
    assert "Rita Registrant" in client.get(f"/events/{event.id}/participants").get_data(as_text=True)
    members.remove_member(admin, organiser.organisation, organiser.id)
    db.session.refresh(organiser)
    sign_in(client, organiser)
    for path in ("participants", "participants.csv", "edit"):
        assert client.get(f"/events/{event.id}/{path}").status_code == 403, path
    sign_in(client, admin)  # the organisation keeps its event
    assert client.get(f"/events/{event.id}/participants").status_code == 200
