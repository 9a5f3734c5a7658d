"""No request without a recipient: organisations without active members are named as such before anything is
sent (page, contact form, re-use form, room invitation, API), a request to them goes to the competence centre
only when asked, unanswered requests are reminded once and expire, and the sender always reads the honest
state (docs/security.md, "No request without a recipient")."""
from datetime import timedelta

import pytest

from community.extensions import db
from community.models_base import utcnow
from community.notifications.models import Notification
from community.suggestions import contacts
from community.suggestions.models import ContactRequest
from tests.factories import make_org, make_room, make_token, make_user, sign_in
from tests.test_examples_reuse import make_example

API = "/api/v1/contact-requests"
MESSAGE = "Wir würden gern über Ihre E-Akte sprechen."


@pytest.fixture
def people(app):
    home = make_org(name="Gemeinde Aachtal")
    empty = make_org(name="Gemeinde Leerbach")  # as 979 of the 986 demo organisations: nobody has an account
    staffed = make_org(name="Stadt Besetzt")
    asker = make_user(home, name="Anna Amt")
    answerer = make_user(staffed, name="Bernd Besetzt")
    consultant = make_user(make_org(name="Kompetenzzentrum", kind="state", org_type="behoerde"), role="consultant")
    return {"home": home, "empty": empty, "staffed": staffed, "asker": asker, "answerer": answerer,
            "consultant": consultant, "token": {"Authorization": f"Bearer {make_token(asker)}"}}


def _notifications(user, kind) -> list[Notification]:
    return Notification.query.filter_by(user_id=user.id, kind=kind).all()


def test_the_api_says_whether_an_organisation_has_active_members(client, people):
    empty = client.get(f"/api/v1/organisations/{people['empty'].id}", headers=people["token"]).get_json()
    staffed = client.get(f"/api/v1/organisations/{people['staffed'].id}", headers=people["token"]).get_json()
    assert empty["active_members"] is False and staffed["active_members"] is True


def test_a_deleted_account_is_no_active_member(client, people):
    people["answerer"].deleted_at = utcnow()
    db.session.commit()
    body = client.get(f"/api/v1/organisations/{people['staffed'].id}", headers=people["token"]).get_json()
    assert body["active_members"] is False


def test_the_api_refuses_a_request_nobody_would_receive_and_points_to_the_centre(client, people):
    response = client.post(API, json={"to_organisation_id": people["empty"].id, "message": MESSAGE},
                           headers=people["token"])
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "no_recipient" and "forward_to_centre" in error["message"]
    assert ContactRequest.query.count() == 0


def test_asked_for_the_api_passes_it_to_the_centre_and_says_so(client, people):
    response = client.post(API, json={"to_organisation_id": people["empty"].id, "message": MESSAGE,
                                      "forward_to_centre": True}, headers=people["token"])
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "forwarded" and body["state"] == "forwarded"
    assert len(_notifications(people["consultant"], contacts.CONTACT_FORWARDED)) == 1
    again = client.post(API, json={"to_organisation_id": people["empty"].id, "message": MESSAGE,
                                   "forward_to_centre": True}, headers=people["token"])
    assert again.status_code == 409


def test_a_request_to_members_is_waiting_and_forward_is_ignored(client, people):
    response = client.post(API, json={"to_organisation_id": people["staffed"].id, "message": MESSAGE,
                                      "forward_to_centre": True}, headers=people["token"])
    assert response.status_code == 201
    assert response.get_json()["status"] == "pending" and response.get_json()["state"] == "waiting"


def test_the_organisation_page_and_the_contact_form_say_it_before_anything_is_sent(client, people):
    sign_in(client, people["asker"])
    warning = "Gemeinde Leerbach has no active member yet: nobody there would receive a request."
    assert warning in client.get(f"/organisations/{people['empty'].id}").get_data(as_text=True)
    form = client.get(f"/contacts/new?to={people['empty'].id}").get_data(as_text=True)
    assert warning in form and 'name="forward_to_centre"' in form
    staffed = client.get(f"/contacts/new?to={people['staffed'].id}").get_data(as_text=True)
    assert "no active member" not in staffed and 'name="forward_to_centre"' not in staffed


def test_the_contact_form_never_says_sent_when_nobody_received_it(client, people):
    sign_in(client, people["asker"])
    refused = client.post("/contacts/new", data={"to_organisation_id": people["empty"].id, "message": MESSAGE})
    assert refused.status_code == 409 and ContactRequest.query.count() == 0
    sent = client.post("/contacts/new", data={"to_organisation_id": people["empty"].id, "message": MESSAGE,
                                              "forward_to_centre": "y"}, follow_redirects=True)
    text = sent.get_data(as_text=True)
    assert "the competence centre will pass it on" in text and "has been sent" not in text
    assert "Passed to the competence centre" in text


def test_the_consultants_see_the_requests_to_pass_on_on_their_desk(client, people):
    client.post(API, json={"to_organisation_id": people["empty"].id, "message": MESSAGE, "forward_to_centre": True},
                headers=people["token"])
    sign_in(client, people["consultant"])
    desk = client.get("/consultations/").get_data(as_text=True)
    assert 'id="forwarded-queue"' in desk and "Gemeinde Leerbach" in desk and MESSAGE in desk
    sign_in(client, people["asker"])
    assert MESSAGE not in client.get("/consultations/").get_data(as_text=True)


def test_the_sender_reads_not_received_when_the_last_member_left(client, people):
    created = client.post(API, json={"to_organisation_id": people["staffed"].id, "message": MESSAGE},
                          headers=people["token"]).get_json()
    people["answerer"].deleted_at = utcnow()
    db.session.commit()
    body = client.get(f"{API}/{created['id']}", headers=people["token"]).get_json()
    assert body["status"] == "pending" and body["state"] == "not_received"
    sign_in(client, people["asker"])
    assert "Nobody has received this request yet" in client.get("/contacts?direction=outgoing").get_data(as_text=True)


def test_a_re_use_request_to_an_example_without_members_says_so_first(client, people):
    example = make_example(people["empty"])
    sign_in(client, people["asker"])
    page = client.get(f"/examples/{example.id}").get_data(as_text=True)
    assert "no active member yet" in page and 'name="forward_to_centre"' in page
    refused = client.post(f"/api/v1/examples/{example.id}/interest", json={"message": MESSAGE},
                          headers=people["token"])
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "no_recipient"
    passed = client.post(f"/api/v1/examples/{example.id}/interest",
                         json={"message": MESSAGE, "forward_to_centre": True}, headers=people["token"])
    assert passed.status_code == 201 and passed.get_json()["state"] == "forwarded"


def test_a_room_invitation_to_an_organisation_without_members_is_refused_with_the_reason(client, people):
    room = make_room("group", members=[people["asker"]], created_by_id=people["asker"].id)
    sign_in(client, people["asker"])
    response = client.post(f"/rooms/{room.id}/invite", data={"organisation_id": people["empty"].id})
    assert response.status_code == 422
    assert "Gemeinde Leerbach has no active member yet" in response.get_data(as_text=True)


def _sent(client, people) -> ContactRequest:
    created = client.post(API, json={"to_organisation_id": people["staffed"].id, "message": MESSAGE},
                          headers=people["token"]).get_json()
    return db.session.get(ContactRequest, created["id"])


def test_an_unanswered_request_is_reminded_once_after_14_days(client, people):
    request = _sent(client, people)
    assert contacts.remind_and_expire(request.created_at + timedelta(days=13)) == (0, 0)
    assert contacts.remind_and_expire(request.created_at + timedelta(days=14)) == (1, 0)
    assert contacts.remind_and_expire(request.created_at + timedelta(days=15)) == (0, 0)  # idempotent
    assert len(_notifications(people["answerer"], contacts.CONTACT_REMINDER)) == 1
    assert _notifications(people["asker"], contacts.CONTACT_EXPIRED) == []


def test_an_unanswered_request_expires_after_30_days_with_a_notice_to_the_sender(client, people):
    request = _sent(client, people)
    assert contacts.remind_and_expire(request.created_at + timedelta(days=30)) == (0, 1)
    assert contacts.remind_and_expire(request.created_at + timedelta(days=31)) == (0, 0)
    db.session.refresh(request)
    assert request.status == "expired" and request.decided_at is not None
    assert len(_notifications(people["asker"], contacts.CONTACT_EXPIRED)) == 1
    body = client.get(f"{API}/{request.id}", headers=people["token"]).get_json()
    assert body["state"] == "expired"
    sign_in(client, people["answerer"])  # an expired request can no longer be accepted
    assert client.post(f"/contacts/{request.id}/accept").status_code in (302, 409)
    db.session.refresh(request)
    assert request.status == "expired"


def test_answered_requests_are_neither_reminded_nor_expired(client, people):
    request = _sent(client, people)
    sign_in(client, people["answerer"])
    client.post(f"/contacts/{request.id}/decline")
    assert contacts.remind_and_expire(request.created_at + timedelta(days=40)) == (0, 0)


def test_the_job_is_declared_with_the_queue():
    from community.suggestions import tasks

    assert callable(tasks.remind_and_expire_contact_requests)
