"""The consultation's structured result (#26): measures with their status kept by the municipality, the assignment
to a named consultant, the follow-up reminder (once) and the effect on the next Digital-Check."""
from datetime import date, timedelta

import pytest

from community.consultations import results
from community.digitalcheck.models import Assessment
from community.extensions import db
from community.models_base import utcnow
from community.notifications.models import Notification
from tests.factories import make_offer, make_org, make_user
from tests.test_api_openapi import assert_matches_document
from tests.test_consultations import API, REQUEST, _file, _move, _to, people  # noqa: F401  (the fixture)


@pytest.fixture
def field_slug():
    from community.digitalcheck.services import questionnaire

    return questionnaire().dimensions[0].slug


def result_body(field_slug, **measure):
    return {"situation": "Akten liegen auf Papier.", "fields": [field_slug],
            "measures": [{"title": "E-Akte im Bauamt pilotieren", "field": field_slug, "priority": 1,
                          "horizon_months": 6, "responsible": "requester", **measure},
                         {"title": "Schulung Sachbearbeitung", "field": field_slug, "priority": 2,
                          "horizon_months": 12, "responsible": "both"}],
            "funding": "Landesprogramm prüfen.", "next_steps": "Projektteam benennen."}


def advised_case(client, people, field_slug, **extra):
    users, tokens, town = people
    case = _file(client, tokens)
    _to(client, tokens, case["id"], "scheduled")
    response = _move(client, tokens, case["id"], "consultant", "advised", advice="Klein anfangen.",
                     result=result_body(field_slug), **extra)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_advice_carries_a_structured_result_with_measures_and_a_follow_up(client, people, field_slug):
    users, tokens, town = people
    offer = make_offer(make_org(kind="company", org_type="hersteller"))
    case = _file(client, tokens)
    _to(client, tokens, case["id"], "scheduled")
    body = result_body(field_slug, links=[{"kind": "offer", "id": offer.id}])
    advised = _move(client, tokens, case["id"], "consultant", "advised", advice="Klein anfangen.", result=body,
                    follow_up_on=(date.today() + timedelta(days=90)).isoformat()).get_json()
    result = advised["result"]
    assert result["situation"] == "Akten liegen auf Papier." and result["fields"] == [field_slug]
    assert [m["title"] for m in result["measures"]] == ["E-Akte im Bauamt pilotieren", "Schulung Sachbearbeitung"]
    assert {m["status"] for m in result["measures"]} == {"proposed"}
    assert result["measures"][0]["links"][0]["id"] == offer.id and result["measures"][0]["links"][0]["url"]
    assert advised["follow_up_on"] == (date.today() + timedelta(days=90)).isoformat()
    assert advised["assignee"]["id"] == users["consultant"].id and advised["effect"] is None


def test_without_a_date_the_follow_up_is_in_six_months(client, people, field_slug):
    advised = advised_case(client, people, field_slug)
    assert date.fromisoformat(advised["follow_up_on"]) - date.today() >= timedelta(days=180)


@pytest.mark.parametrize("change, field", [
    ({"priority": 4}, "result"), ({"horizon_months": 0}, "result"), ({"horizon_months": 61}, "result"),
    ({"responsible": "mayor"}, "result"), ({"field": "astrologie"}, "result"), ({"title": ""}, "result"),
    ({"links": [{"kind": "need", "id": 999999}]}, "result"), ({"links": [{"kind": "spell", "id": 1}]}, "result"),
    ({"colour": "blue"}, "result"),
])
def test_a_bad_measure_is_400_naming_the_result(client, people, field_slug, change, field):
    users, tokens, town = people
    case = _file(client, tokens)
    _to(client, tokens, case["id"], "scheduled")
    response = _move(client, tokens, case["id"], "consultant", "advised", advice="x",
                     result=result_body(field_slug, **change))
    assert response.status_code == 400 and field in response.get_json()["error"]["fields"]
    assert client.get(f"{API}/{case['id']}", headers=tokens["requester"]).get_json()["status"] == "scheduled"


@pytest.mark.parametrize("follow_up_on", ["morgen", "2026-02-30", "1999-01-01", (date.today()).isoformat(), 20270101])
def test_a_bad_follow_up_date_is_400(client, people, field_slug, follow_up_on):
    users, tokens, town = people
    case = _file(client, tokens)
    _to(client, tokens, case["id"], "scheduled")
    response = _move(client, tokens, case["id"], "consultant", "advised", advice="x", follow_up_on=follow_up_on)
    assert response.status_code == 400 and "follow_up_on" in response.get_json()["error"]["fields"]


def test_too_many_measures_are_refused_before_any_is_checked(client, people, field_slug):
    users, tokens, town = people
    case = _file(client, tokens)
    _to(client, tokens, case["id"], "scheduled")
    body = result_body(field_slug)
    body["measures"] = body["measures"] * 11
    response = _move(client, tokens, case["id"], "consultant", "advised", advice="x", result=body)
    assert response.status_code == 400


def test_the_municipality_marks_its_measures(client, people, field_slug):
    users, tokens, town = people
    case = advised_case(client, people, field_slug)
    measure = case["result"]["measures"][0]
    url = f"{API}/{case['id']}/measures/{measure['id']}"
    response = client.patch(url, json={"status": "done"}, headers=tokens["colleague"])
    assert response.status_code == 200 and response.get_json()["status"] == "done"
    assert client.patch(url, json={"status": "in_progress"}, headers=tokens["consultant"]).status_code == 200
    assert client.patch(url, json={"status": "proposed"}, headers=tokens["requester"]).status_code == 400
    assert client.patch(url, json={"status": "finished"}, headers=tokens["requester"]).status_code == 400
    assert client.patch(url, json={}, headers=tokens["requester"]).status_code == 400
    for outsider in ("other", "company"):
        assert client.patch(url, json={"status": "done"}, headers=tokens[outsider]).status_code == 404
    assert client.patch(f"{API}/{case['id']}/measures/999999", json={"status": "done"},
                        headers=tokens["requester"]).status_code == 404
    stored = client.get(f"{API}/{case['id']}", headers=tokens["requester"]).get_json()["result"]["measures"][0]
    assert stored["status"] == "in_progress"


def test_a_measure_of_another_case_is_not_found_through_this_one(client, people, field_slug):
    users, tokens, town = people
    first = advised_case(client, people, field_slug)
    second = advised_case(client, people, field_slug)
    foreign = second["result"]["measures"][0]["id"]
    assert client.patch(f"{API}/{first['id']}/measures/{foreign}", json={"status": "done"},
                        headers=tokens["requester"]).status_code == 404


def test_consultants_assign_a_case_to_a_named_consultant(client, people):
    users, tokens, town = people
    centre = users["consultant"].organisation
    colleague = make_user(centre, role="consultant", name="Dana Berater")
    case = _file(client, tokens)
    url = f"{API}/{case['id']}/assignment"
    response = client.post(url, json={"consultant_id": colleague.id}, headers=tokens["consultant"])
    assert response.status_code == 200 and response.get_json()["assignee"] == {"id": colleague.id,
                                                                                 "name": "Dana Berater"}
    assert Notification.query.filter_by(user_id=colleague.id, kind="consult_assigned").count() == 1
    assert client.post(url, json={"consultant_id": users["requester"].id},
                       headers=tokens["consultant"]).status_code == 400
    assert client.post(url, json={"consultant_id": 999999}, headers=tokens["consultant"]).status_code == 400
    assert client.post(url, json={"consultant_id": "x"}, headers=tokens["consultant"]).status_code == 400
    assert client.post(url, json={"consultant_id": colleague.id}, headers=tokens["requester"]).status_code == 403
    assert client.post(url, json={"consultant_id": colleague.id}, headers=tokens["company"]).status_code == 404


def test_the_follow_up_reminds_both_sides_once(client, people, field_slug):
    users, tokens, town = people
    case = advised_case(client, people, field_slug, follow_up_on=(date.today() + timedelta(days=30)).isoformat())
    assert results.remind_follow_ups(date.today()) == 0
    later = date.today() + timedelta(days=31)
    assert results.remind_follow_ups(later) == 1
    assert results.remind_follow_ups(later) == 0
    reminded = {row.user_id for row in Notification.query.filter_by(kind="consult_follow_up")}
    assert reminded == {users["requester"].id, users["colleague"].id, users["consultant"].id}
    assert case["id"]


def _assessment(town, scores, submitted_at, latest):
    from community.digitalcheck.services import questionnaire

    current = questionnaire()
    every = {dimension.slug: None for dimension in current.dimensions} | scores
    row = Assessment(organisation_id=town.id, status="submitted", questionnaire_version=current.version,
                     is_latest=latest, scores=every, submitted_at=submitted_at, answers={}, priorities={})
    db.session.add(row)
    db.session.commit()
    return row


def test_the_effect_compares_the_attached_check_with_the_next_one(client, people, field_slug):
    users, tokens, town = people
    before = _assessment(town, {field_slug: 25.0}, utcnow() - timedelta(days=200), latest=True)
    case = _file(client, tokens, assessment_id=before.id)
    _to(client, tokens, case["id"], "scheduled")
    _move(client, tokens, case["id"], "consultant", "advised", advice="x", result=result_body(field_slug))
    assert client.get(f"{API}/{case['id']}", headers=tokens["requester"]).get_json()["effect"] is None
    before.is_latest = False
    _assessment(town, {field_slug: 60.0}, utcnow(), latest=True)
    effect = client.get(f"{API}/{case['id']}", headers=tokens["requester"]).get_json()["effect"]
    assert effect == {field_slug: {"before": 25.0, "after": 60.0}}  # dimensions without scores are left out


def test_the_new_answers_match_the_openapi_document(client, people, field_slug):
    users, tokens, town = people
    document = client.get("/api/v1/openapi.json").get_json()
    case = advised_case(client, people, field_slug)
    assert_matches_document(document, "/consultations/{case_id}", "get",
                            client.get(f"{API}/{case['id']}", headers=tokens["requester"]))
    measure = case["result"]["measures"][0]["id"]
    assert_matches_document(document, "/consultations/{case_id}/measures/{measure_id}", "patch",
                            client.patch(f"{API}/{case['id']}/measures/{measure}", json={"status": "planned"},
                                         headers=tokens["requester"]))
    assert_matches_document(document, "/consultations/{case_id}/assignment", "post",
                            client.post(f"{API}/{case['id']}/assignment",
                                        json={"consultant_id": users["consultant"].id}, headers=tokens["consultant"]))


def test_the_scheduled_mail_carries_an_invitation_that_calendars_read(client, people):
    from email import message_from_bytes

    from icalendar import Calendar

    from community.mail.delivery import build_message
    from community.mail.models import OutboxMail

    users, tokens, town = people
    users["requester"].locale = "de"  # the invitation speaks the reader's language
    db.session.commit()
    case = _file(client, tokens)
    _to(client, tokens, case["id"], "accepted")
    response = _move(client, tokens, case["id"], "consultant", "scheduled", scheduled_for="2026-12-16T10:00",
                     meeting_details="Telefon: 0351 123456")
    assert response.status_code == 200 and response.get_json()["meeting_details"] == "Telefon: 0351 123456"
    mail = OutboxMail.query.filter_by(user_id=users["requester"].id).order_by(OutboxMail.id.desc()).first()
    message = message_from_bytes(build_message(mail).as_bytes())
    assert message.get_content_type() == "multipart/mixed"
    parts = {part.get_content_type(): part for part in message.walk()}
    assert "text/plain" in parts and "text/html" in parts
    invitation = parts["text/calendar"]
    assert invitation.get_param("method") == "REQUEST" and invitation.get_filename() == "termin.ics"
    calendar = Calendar.from_ical(invitation.get_payload(decode=True))
    assert calendar["method"] == "REQUEST"
    entry = calendar.walk("VEVENT")[0]
    assert entry.decoded("dtstart").isoformat() == "2026-12-16T09:00:00+00:00"  # 10:00 in Berlin
    assert str(entry["location"]) == "Telefon: 0351 123456"
    assert str(entry["attendee"]) == f"mailto:{users['requester'].email}"
    assert "Erstberatung" in str(entry["summary"]) and int(entry["sequence"]) == 1
    # A new date moves the same appointment: same UID, a higher SEQUENCE.
    _move(client, tokens, case["id"], "consultant", "scheduled", scheduled_for="2026-12-17T10:00")
    again = OutboxMail.query.filter_by(user_id=users["requester"].id).order_by(OutboxMail.id.desc()).first()
    moved = Calendar.from_ical(again.calendar).walk("VEVENT")[0]
    assert moved["uid"] == entry["uid"] and int(moved["sequence"]) == 2
    assert str(moved["location"]) == "Telefon: 0351 123456"  # the details stay until changed


def test_other_status_mails_carry_no_invitation(client, people):
    from community.mail.models import OutboxMail

    users, tokens, town = people
    case = _file(client, tokens)
    _to(client, tokens, case["id"], "accepted")
    assert all(mail.calendar is None for mail in OutboxMail.query.filter_by(user_id=users["requester"].id))


def test_the_pages_schedule_with_a_phone_number_advise_with_a_result_and_mark_a_measure(client, people, field_slug):
    from tests.factories import sign_in

    users, tokens, town = people
    case = _file(client, tokens, preferred_format="phone")
    url = f"/consultations/{case['id']}"
    sign_in(client, users["consultant"])
    assert client.post(url + "/move", data={"to": "accepted"}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'type="tel"' in page and "Phone number" in page
    assert client.post(url + "/move", data={"to": "scheduled", "scheduled_for": "2026-12-16T10:00",
                                            "meeting_details": "0351 123456"}).status_code == 302
    assert "0351 123456" in client.get(url).get_data(as_text=True)
    bad = client.post(url + "/move", data={"to": "advised", "advice": "Klein anfangen.", "measure-1-title": "Pilot",
                                           "measure-1-priority": "9", "measure-1-horizon_months": "6",
                                           "measure-1-responsible": "requester"})
    assert bad.status_code == 400
    advised = client.post(url + "/move", data={
        "to": "advised", "advice": "Klein anfangen.", "situation": "<b>Papierakten</b>", "fields": [field_slug],
        "measure-1-title": "E-Akte pilotieren", "measure-1-field": field_slug, "measure-1-priority": "1",
        "measure-1-horizon_months": "6", "measure-1-responsible": "requester",
        "measure-2-title": "", "measure-2-priority": "1", "measure-2-horizon_months": "6",
        "measure-2-responsible": "requester", "funding": "Landesprogramm", "next_steps": "Team benennen",
        "follow_up_on": (date.today() + timedelta(days=60)).isoformat()})
    assert advised.status_code == 302
    stored = client.get(f"{API}/{case['id']}", headers=tokens["requester"]).get_json()
    assert [m["title"] for m in stored["result"]["measures"]] == ["E-Akte pilotieren"]  # blank rows left out
    measure = stored["result"]["measures"][0]["id"]
    sign_in(client, users["requester"])
    page = client.get(url).get_data(as_text=True)
    assert "&lt;b&gt;Papierakten" in page and "E-Akte pilotieren" in page and f"measure-status-{measure}" in page
    assert client.post(f"{url}/measures/{measure}", data={"status": "done"}).status_code == 302
    assert client.get(f"{API}/{case['id']}", headers=tokens["requester"]).get_json()[
        "result"]["measures"][0]["status"] == "done"
    assert client.post(f"{url}/measures/{measure}", data={"status": "nonsense"}).status_code == 400
    sign_in(client, users["other"])
    assert client.post(f"{url}/measures/{measure}", data={"status": "dropped"}).status_code == 404


def test_requests_are_suggested_to_the_consultant_whose_topics_and_land_fit(client, people):
    from community.consultations import dispatch as desk
    from tests.factories import sign_in

    users, tokens, town = people  # town is in Bayern (09)
    centre = users["consultant"].organisation
    fitting = make_user(centre, role="consultant", name="Fritz Passend")
    other = make_user(centre, role="consultant", name="Olga Anders")
    desk.set_focus(fitting, {"topics": ["eakte"], "laender": ["09"]})
    desk.set_focus(other, {"topics": ["ozg"], "laender": ["14"]})
    case = _file(client, tokens)  # topic eakte
    sign_in(client, users["consultant"])
    page = client.get("/consultations/").get_data(as_text=True)
    assert "Suggested: Fritz Passend" in page and "Suggested: Olga Anders" not in page
    assert client.post(f"/consultations/{case['id']}/assign", data={"consultant_id": fitting.id,
                                                                     "next": "desk"}).status_code == 302
    assert client.get(f"{API}/{case['id']}", headers=tokens["consultant"]).get_json()["assignee"]["id"] == fitting.id
    bad = client.post("/consultations/focus", data={"topics": ["astrologie"]})
    assert bad.status_code == 302 and desk.focus_of(users["consultant"]) is None


def test_the_requester_sees_by_when_the_centre_answers(client, people):
    from tests.factories import sign_in

    users, tokens, town = people
    case = _file(client, tokens)
    sign_in(client, users["requester"])
    page = client.get(f"/consultations/{case['id']}").get_data(as_text=True)
    assert 'id="case-answer-due"' in page and "within 5 working days" in page
    _to(client, tokens, case["id"], "accepted")
    assert 'id="case-answer-due"' not in client.get(f"/consultations/{case['id']}").get_data(as_text=True)


def test_the_answer_day_skips_the_weekend(app):
    from datetime import datetime

    from community.consultations.dispatch import answer_due_on
    from community.consultations.models import Consultation

    friday = Consultation(status="requested", created_at=datetime(2026, 12, 11, 9))
    assert answer_due_on(friday) == date(2026, 12, 18)  # five working days: Mon to Fri of the next week


def test_every_link_kind_has_a_name_in_both_languages(app):
    from flask_babel import force_locale

    from community.consultations.links import LINK_KINDS, kind_label

    for kind in LINK_KINDS:
        with force_locale("de"):
            german = kind_label(kind)
        with force_locale("en"):
            english = kind_label(kind)
        assert german and english and german != kind, kind
        assert german != english, (kind, german)  # German is translated, not the English id


def test_the_result_report_is_a_pdf_for_the_council(client, people, field_slug):
    import io

    from pypdf import PdfReader

    from tests.factories import sign_in

    users, tokens, town = people
    users["requester"].locale = "de"
    db.session.commit()
    case = advised_case(client, people, field_slug)
    sign_in(client, users["requester"], locale="de")
    response = client.get(f"/consultations/{case['id']}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in ("Ergebnisbericht", "Gemeinde Musterdorf", "Kompetenzzentrum", "Landesprogramm prüfen.",
                     "Projektteam benennen."):
        assert expected in text, expected
    assert "E-Akte im Bauamt pilotieren" in " ".join(text.split())  # a table cell may wrap between words
    words = set(text.split())
    for word in ("Priorität", "Zeithorizont", "Zuständig", "vorgeschlagen", "Handlungsfeld"):
        assert word in words, word  # whole words, never "Prioritä|t"
    sign_in(client, users["other"])
    assert client.get(f"/consultations/{case['id']}/report.pdf").status_code == 404
    fresh = _file(client, tokens)
    sign_in(client, users["requester"])
    assert client.get(f"/consultations/{fresh['id']}/report.pdf").status_code == 404  # no result yet


def test_the_next_digital_compass_shows_the_change_since_the_consultation(client, people, field_slug):
    from tests.factories import sign_in

    users, tokens, town = people
    before = _assessment(town, {field_slug: 25.0}, utcnow() - timedelta(days=200), latest=True)
    case = _file(client, tokens, assessment_id=before.id)
    _to(client, tokens, case["id"], "scheduled")
    _move(client, tokens, case["id"], "consultant", "advised", advice="x")
    before.is_latest = False
    after = _assessment(town, {field_slug: 60.0}, utcnow(), latest=True)
    sign_in(client, users["requester"])
    page = client.get(f"/digital-check/{after.id}").get_data(as_text=True)
    assert 'id="consultation-effect"' in page and "25 → 60 (+35)" in page
    assert 'id="consultation-effect"' not in client.get(f"/digital-check/{before.id}").get_data(as_text=True)


def test_consultants_pick_recommendations_through_a_search_never_by_id(client, people):
    from tests.factories import sign_in

    users, tokens, town = people
    offer = make_offer(make_org(kind="company", org_type="hersteller", name="Akten GmbH"),
                       title="Beratung zur Einführung der E-Akte", body="Wir begleiten Kommunen bei der E-Akte.")
    case = _file(client, tokens)
    _to(client, tokens, case["id"], "scheduled")
    sign_in(client, users["consultant"])
    page = client.get(f"/consultations/{case['id']}?link_q=E-Akte").get_data(as_text=True)
    assert 'id="recommendation-search"' in page and "kind:id" not in page
    assert f'value="offer:{offer.id}"' in page and "Beratung zur Einführung der E-Akte" in page
    carried = client.get(f"/consultations/{case['id']}?picked=offer:{offer.id}").get_data(as_text=True)
    assert f'name="recommendation" value="offer:{offer.id}" checked' in carried
    assert f'name="picked" value="offer:{offer.id}"' in carried
    advised = client.post(f"/consultations/{case['id']}/move", data={"to": "advised", "advice": "Klein anfangen.",
                                                                    "recommendation": [f"offer:{offer.id}"]})
    assert advised.status_code == 302
    stored = client.get(f"{API}/{case['id']}", headers=tokens["consultant"]).get_json()["recommendations"]
    assert [(link["kind"], link["id"]) for link in stored] == [("offer", offer.id)]


def test_jobs_and_commands_build_links_from_the_public_address(tmp_path):
    """The follow-up job runs without a request: its links come from PUBLIC_URL (no SERVER_NAME configured)."""
    from community import create_app
    from community.extensions import db as database
    from tests.conftest import config_with

    app = create_app(config_with(SQLALCHEMY_DATABASE_URI="sqlite://", SERVER_NAME=None,
                                 PUBLIC_URL="https://kommunalnetz.example.de/portal",
                                 MATCHING_INDEX_DIR=str(tmp_path / "matching")))
    with app.app_context():
        from flask import url_for

        database.create_all()
        assert url_for("consultations.show", case_id=7) == "https://kommunalnetz.example.de/portal/consultations/7"
        assert results.remind_follow_ups(date.today()) == 0


def test_a_phone_consultation_asks_for_a_number(client, people):
    users, tokens, town = people
    case = _file(client, tokens, preferred_format="phone", phone="+49 351 123456")
    assert case["meeting_details"] == "+49 351 123456"  # where the centre calls; confirmed with the date
    for bad in ("call me", "12", "0351 123456; DROP"):
        response = client.post(API, json={**REQUEST, "preferred_format": "phone", "phone": bad},
                               headers=tokens["requester"])
        assert response.status_code == 400 and "phone" in response.get_json()["error"]["fields"]
    assert _file(client, tokens, phone="0351 123456")["meeting_details"] == ""  # a video call needs no number
    from tests.factories import sign_in

    sign_in(client, users["requester"])
    assert 'type="tel"' in client.get("/consultations/new").get_data(as_text=True)


def test_the_follow_up_starts_a_short_review(client, people, field_slug):
    from tests.factories import sign_in

    users, tokens, town = people
    case = advised_case(client, people, field_slug, follow_up_on=(date.today() + timedelta(days=30)).isoformat())
    url = f"/consultations/{case['id']}"
    sign_in(client, users["requester"])
    assert 'id="follow-up-review"' not in client.get(url).get_data(as_text=True)  # not before the day
    assert client.post(url + "/review", data={"progress": "x"}).status_code == 404
    results.remind_follow_ups(date.today() + timedelta(days=31))
    assert 'id="follow-up-review"' in client.get(url).get_data(as_text=True)
    assert client.post(url + "/review", data={"progress": ""}).status_code == 400
    assert client.post(url + "/review", data={"progress": "Die E-Akte läuft im Bauamt.",
                                              "more_help": "1"}).status_code == 302
    messages = client.get(f"{API}/{case['id']}", headers=tokens["consultant"]).get_json()["messages"]
    assert "Die E-Akte läuft im Bauamt." in messages[-1]["text"] and "further support" in messages[-1]["text"]
    assert Notification.query.filter_by(user_id=users["consultant"].id, kind="consult_message").count() == 1
    assert 'id="follow-up-review"' not in client.get(url).get_data(as_text=True)  # given once
    sign_in(client, users["consultant"])
    assert 'id="follow-up-review"' not in client.get(url).get_data(as_text=True)  # the municipality's to give


def test_a_measure_on_the_page_links_what_the_search_found(client, people):
    from tests.factories import sign_in

    users, tokens, town = people
    offer = make_offer(make_org(kind="company", org_type="hersteller", name="Akten GmbH"),
                       title="Beratung zur Einführung der E-Akte", body="Wir begleiten Kommunen bei der E-Akte.")
    case = _file(client, tokens)
    _to(client, tokens, case["id"], "scheduled")
    sign_in(client, users["consultant"])
    page = client.get(f"/consultations/{case['id']}?link_q=E-Akte").get_data(as_text=True)
    assert 'name="measure-1-links"' in page
    client.post(f"/consultations/{case['id']}/move", data={
        "to": "advised", "advice": "Klein anfangen.", "measure-1-title": "E-Akte pilotieren", "measure-1-priority": "1",
        "measure-1-horizon_months": "6", "measure-1-responsible": "both", "measure-1-links": [f"offer:{offer.id}"]})
    measure = client.get(f"{API}/{case['id']}", headers=tokens["consultant"]).get_json()["result"]["measures"][0]
    assert [(link["kind"], link["id"]) for link in measure["links"]] == [("offer", offer.id)]
