"""Recommended events: from open needs (the matching engine, record kind "event"), the Digital-Check's
Handlungsfelder and the organisation's topics; shown in the API, on the need page, on the Digital-Check
result source and on the start page. Reminders a day before: once per registration."""
from datetime import timedelta

import pytest

from community.digitalcheck import recommendations as digitalcheck_sources
from community.digitalcheck import services as digitalcheck
from community.events import services
from community.events.models import Event, Registration
from community.events.recommendations import events_for_need, recommended_events
from community.extensions import db
from community.models_base import utcnow
from community.notifications.models import Notification
from community.start.panels import loaded_panels
from tests.factories import make_need, make_org, make_token, make_user, sign_in


def make_event(organiser, title, description, topics, days=7, **fields) -> Event:
    start = utcnow().replace(microsecond=0) + timedelta(days=days)
    fields.setdefault("capacity", 10)
    fields.setdefault("location", "Rathaus")
    event = Event(title=title, description=description, topics=topics, starts_at=start,
                  ends_at=start + timedelta(hours=2), organiser_id=organiser.id,
                  organisation_id=organiser.organisation_id, **fields)
    db.session.add(event)
    db.session.commit()
    from community.signals import entry_changed
    entry_changed.send(event)
    return event


@pytest.fixture
def world(app):
    centre = make_user(make_org(name="Kompetenzzentrum", kind="state", org_type="behoerde"), role="consultant")
    home = make_org(name="Gemeinde Aachtal", topics=["finanzen"])
    member = make_user(home)
    need = make_need(home, title="Elektronische Akte einführen",
                     body="Wir wollen die elektronische Akte und ein Dokumentenmanagement einführen.",
                     topics=["eakte"])
    eakte = make_event(centre, "Die elektronische Akte einführen",
                       "Schulung: elektronische Akte, Dokumentenmanagement, Scannen.", ["eakte"])
    radwege = make_event(centre, "Radverkehr planen", "Mobilität im ländlichen Raum: Radwege und Bürgerbus.",
                         ["mobilitaet"])
    vergabe = make_event(centre, "Vergaberecht kompakt", "Ausschreibungen und Beschaffung von IT.", ["finanzen"])
    past = make_event(centre, "Elektronische Akte (vorbei)", "elektronische Akte Dokumentenmanagement", ["eakte"],
                      days=-3)
    own = make_event(member, "Unsere eigene E-Akte-Schulung", "elektronische Akte Dokumentenmanagement", ["eakte"])
    return {"home": home, "member": member, "need": need, "eakte": eakte, "radwege": radwege,
            "vergabe": vergabe, "past": past, "own": own, "centre": centre}


def submit_check(member, weak: str):
    answers = {qid: 4 for qid in digitalcheck.questionnaire().for_org_type("gemeinde").questions}
    answers.update({qid: 0 for qid in answers if qid.startswith(weak + ".")})
    return digitalcheck.create(member, answers, {}, submit=True)


def test_needs_and_topics_rank_upcoming_events_of_others(world):
    ranked = recommended_events(world["home"], k=10)
    titles = [found.event.title for found in ranked]
    assert titles[0] == world["eakte"].title
    assert world["vergabe"].title in titles  # a topic of the organisation's profile
    assert world["radwege"].title not in titles
    assert world["past"].title not in titles and world["own"].title not in titles
    assert any("Elektronische Akte einführen" in str(reason) for reason in ranked[0].reasons)


def test_the_digital_check_handlungsfelder_count(world):
    submit_check(world["member"], "raum")
    ranked = recommended_events(world["home"], k=10)
    radwege = next(found for found in ranked if found.event.id == world["radwege"].id)
    assert any("Digital Compass" in str(reason) for reason in radwege.reasons)


def test_the_api_lists_recommended_events_best_first(client, world):
    headers = {"Authorization": f"Bearer {make_token(world['member'])}"}
    listed = client.get("/api/v1/events?recommended=1", headers=headers).get_json()
    assert listed["items"][0]["title"] == world["eakte"].title
    assert world["radwege"].title not in [item["title"] for item in listed["items"]]
    everything = client.get("/api/v1/events", headers=headers).get_json()
    assert everything["total"] == 4  # upcoming, of everyone, the own event too


def test_each_need_page_shows_its_events(client, world):
    assert [event.id for event in events_for_need(world["need"])][:1] == [world["eakte"].id]
    sign_in(client, world["member"])
    page = client.get(f"/needs/{world['need'].id}").get_data(as_text=True)
    assert "Trainings and events for this need" in page and world["eakte"].title in page


def test_the_digital_check_result_gets_events_for_a_handlungsfeld(app, world):
    with app.test_request_context():
        found = dict((source.kind, items) for source, items in
                     digitalcheck_sources.recommendations_for(world["home"], "mobilitaet", ("mobilitaet",)))
    assert [item["title"] for item in found["events"]] == [world["radwege"].title]
    assert found["events"][0]["url"] == f"/events/{world['radwege'].id}"


def test_the_start_page_panel_lists_registrations_then_recommendations(client, world):
    services.register(world["member"], world["vergabe"].id)
    with client.application.test_request_context():
        panels = dict((panel.name, data) for panel, data in loaded_panels(world["member"]))
    titles = [item["event"].title for item in panels["events"]]
    assert titles[0] == world["vergabe"].title and world["eakte"].title in titles
    sign_in(client, world["member"])
    assert "Upcoming trainings" in client.get("/").get_data(as_text=True)


# --- reminders -------------------------------------------------------------------------------------


def test_reminders_go_out_once_a_day_before_to_the_confirmed(app, world):
    soon = make_event(world["centre"], "Morgen: Datenschutz", "", ["sicherheit"], days=0, capacity=1)
    soon.starts_at, soon.ends_at = utcnow() + timedelta(hours=20), utcnow() + timedelta(hours=22)
    db.session.commit()
    confirmed, waiting, later = make_user(make_org()), make_user(make_org()), make_user(make_org())
    services.register(confirmed, soon.id)
    services.register(waiting, soon.id)
    services.register(later, world["eakte"].id)  # in a week: not yet
    assert services.send_due_reminders() == 1
    assert services.send_due_reminders() == 0
    told = db.session.scalars(db.select(Notification.user_id).filter_by(kind=services.EVENT_REMINDER)).all()
    assert told == [confirmed.id]
    # In six days the other event is due, exactly once.
    assert services.send_due_reminders(utcnow() + timedelta(days=6, hours=12)) == 1
    assert services.send_due_reminders(utcnow() + timedelta(days=6, hours=13)) == 0


def test_moving_an_event_reminds_again(app, world):
    person = make_user(make_org())
    event = world["eakte"]
    event.starts_at, event.ends_at = utcnow() + timedelta(hours=5), utcnow() + timedelta(hours=7)
    db.session.commit()
    services.register(person, event.id)
    assert services.send_due_reminders() == 1
    services.update_event(world["centre"], event, {"starts_at": (utcnow() + timedelta(hours=10)).isoformat() + "Z",
                                                  "ends_at": (utcnow() + timedelta(hours=12)).isoformat() + "Z"})
    assert db.session.scalar(db.select(Registration.reminded_at).filter_by(user_id=person.id)) is None
    assert services.send_due_reminders() == 1
    kinds = db.session.scalars(db.select(Notification.kind).filter_by(user_id=person.id)
                               .order_by(Notification.id)).all()
    assert kinds == [services.EVENT_REMINDER, services.EVENT_CHANGED, services.EVENT_REMINDER]


def test_cancelled_events_are_not_reminded(app, world):
    person = make_user(make_org())
    event = world["eakte"]
    event.starts_at = utcnow() + timedelta(hours=5)
    db.session.commit()
    services.register(person, event.id)
    services.cancel_event(world["centre"], event)
    assert services.send_due_reminders() == 0


def test_the_cli_and_the_hourly_task_send_reminders(app, runner, world):
    from community.events import tasks

    person = make_user(make_org())
    event = world["eakte"]
    event.starts_at = utcnow() + timedelta(hours=5)
    db.session.commit()
    services.register(person, event.id)
    result = runner.invoke(args=["events", "send-reminders"])
    assert result.exit_code == 0 and "reminded: 1" in result.output
    assert tasks.send_event_reminders.call_local() == 0


def test_consultants_can_link_an_event_in_their_advice(app, world):
    from community.consultations import links

    with app.test_request_context():
        described = links.describe({"kind": "event", "id": world["eakte"].id})
    assert described == {"kind": "event", "id": world["eakte"].id, "title": world["eakte"].title,
                         "url": f"/events/{world['eakte'].id}"}
