"""Contact requests with double opt-in, and the partner conversation an acceptance opens."""
import re

import pytest
import sqlalchemy as sa

from community import create_app
from community.extensions import db
from community.rooms.models import Message, Room, RoomMember
from community.suggestions.models import ContactRequest
from tests.conftest import config_with
from tests.factories import (
    make_need,
    make_offer,
    make_org,
    make_token,
    make_user,
    sign_in,
)



@pytest.fixture
def people(app):
    home = make_org(name="Gemeinde Aachtal")
    vendor = make_org(name="Akten GmbH", kind="company", org_type="hersteller")
    return {
        "home": home,
        "vendor": vendor,
        "asker": make_user(home, name="Anna Amt", email="anna@aachtal.de", phone="+49 241 111", job_title="CDO"),
        "colleague": make_user(home, name="Carl Kollege"),
        "answerer": make_user(vendor, name="Bernd Vertrieb", email="bernd@akten.de", phone="+49 89 222",
                              job_title="Vertriebsleiter"),
        "outsider": make_user(make_org(name="Dritte Stadt"), name="Olga Außen"),
    }


def send(client, to_org, message="Wir würden gern über Ihre E-Akte sprechen.", **refs):
    return client.post("/contacts/new", data={"to_organisation_id": to_org.id, "message": message, **refs})


def only_request() -> ContactRequest:
    return db.session.scalars(sa.select(ContactRequest)).one()


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- sending ------------------------------------------------------------------------------------


def test_contact_form_names_the_organisation(client, people):
    sign_in(client, people["asker"])
    assert "Akten GmbH" in page(client, f"/contacts/new?to={people['vendor'].id}")


def test_sent_request_is_pending_in_both_lists(client, people):
    sign_in(client, people["asker"])
    assert send(client, people["vendor"]).status_code == 302
    assert "Akten GmbH" in page(client, "/contacts?direction=outgoing")
    sign_in(client, people["answerer"])
    received = page(client, "/contacts?direction=incoming")
    assert "Gemeinde Aachtal" in received and "Wir würden gern" in received and "pending" in received


def test_request_may_name_the_need_and_offer_it_is_about(client, people):
    need = make_need(people["home"])
    offer = make_offer(people["vendor"])
    sign_in(client, people["asker"])
    send(client, people["vendor"], need_id=need.id, offer_id=offer.id)
    assert (only_request().need_id, only_request().offer_id) == (need.id, offer.id)


def test_reference_to_a_third_organisations_entry_is_refused(client, people):
    foreign = make_need(people["outsider"].organisation)
    sign_in(client, people["asker"])
    response = send(client, people["vendor"], need_id=foreign.id)
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(ContactRequest.id))) == 0


@pytest.mark.parametrize("message", ["", "x" * 1001])
def test_message_is_required_and_at_most_1000_characters(client, people, message):
    sign_in(client, people["asker"])
    response = send(client, people["vendor"], message=message)
    assert response.status_code == 422
    assert 'id="message-error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ContactRequest.id))) == 0


def test_own_organisation_cannot_be_contacted(client, people):
    sign_in(client, people["asker"])
    assert send(client, people["home"]).status_code == 422


def test_unknown_organisation_is_refused(client, people):
    sign_in(client, people["asker"])
    response = client.post("/contacts/new", data={"to_organisation_id": "999999", "message": "Hallo"})
    assert response.status_code == 422


def test_second_pending_request_between_the_same_organisations_is_409(client, people):
    sign_in(client, people["asker"])
    send(client, people["vendor"])
    sign_in(client, people["colleague"])
    response = send(client, people["vendor"])
    assert response.status_code == 409
    assert "already pending" in response.get_data(as_text=True)


def test_request_in_the_other_direction_while_one_is_pending_is_409(client, people):
    sign_in(client, people["asker"])
    send(client, people["vendor"])
    sign_in(client, people["answerer"])
    assert send(client, people["home"]).status_code == 409


def test_after_a_decline_a_new_request_may_be_sent(client, people):
    sign_in(client, people["asker"])
    send(client, people["vendor"])
    sign_in(client, people["answerer"])
    client.post(f"/contacts/{only_request().id}/decline")
    sign_in(client, people["asker"])
    assert send(client, people["vendor"]).status_code == 302


# --- deciding -----------------------------------------------------------------------------------


@pytest.fixture
def pending(client, people):
    sign_in(client, people["asker"])
    send(client, people["vendor"])
    return only_request()


def test_contact_details_are_hidden_from_the_receiver_before_acceptance(client, people, pending):
    sign_in(client, people["answerer"])
    received = page(client, "/contacts?direction=incoming")
    for detail in ("anna@aachtal.de", "+49 241 111", "CDO"):
        assert detail not in received


def test_receiver_sees_the_requesters_details_after_accepting(client, people, pending):
    sign_in(client, people["answerer"])
    assert client.post(f"/contacts/{pending.id}/accept").status_code == 302
    received = page(client, "/contacts?direction=incoming")
    for detail in ("anna@aachtal.de", "+49 241 111", "CDO"):
        assert detail in received


def test_requester_sees_the_accepting_members_details_only_after_acceptance(client, people, pending):
    before = page(client, "/contacts?direction=outgoing")
    assert "bernd@akten.de" not in before and "Vertriebsleiter" not in before
    sign_in(client, people["answerer"])
    client.post(f"/contacts/{pending.id}/accept")
    sign_in(client, people["colleague"])  # any member of the requesting organisation
    after = page(client, "/contacts?direction=outgoing")
    for detail in ("bernd@akten.de", "+49 89 222", "Vertriebsleiter"):
        assert detail in after


def test_declined_request_never_reveals_details(client, people, pending):
    sign_in(client, people["answerer"])
    client.post(f"/contacts/{pending.id}/decline")
    sign_in(client, people["asker"])
    assert "bernd@akten.de" not in page(client, "/contacts?direction=outgoing")


def test_requesting_side_cannot_accept_its_own_request(client, people, pending):
    assert client.post(f"/contacts/{pending.id}/accept").status_code == 403
    assert only_request().status == "pending"


def test_third_organisation_cannot_see_or_answer_the_request(client, people, pending):
    sign_in(client, people["outsider"])
    assert client.post(f"/contacts/{pending.id}/accept").status_code == 404
    assert "Gemeinde Aachtal" not in page(client, "/contacts?direction=incoming")


def test_requester_may_withdraw_and_the_receiver_may_not(client, people, pending):
    sign_in(client, people["answerer"])
    assert client.post(f"/contacts/{pending.id}/withdraw").status_code == 403
    sign_in(client, people["colleague"])
    client.post(f"/contacts/{pending.id}/withdraw")
    assert only_request().status == "withdrawn"


def test_answered_request_cannot_be_answered_again(client, people, pending):
    sign_in(client, people["answerer"])
    client.post(f"/contacts/{pending.id}/decline")
    response = client.post(f"/contacts/{pending.id}/accept", follow_redirects=True)
    assert "already been answered" in response.get_data(as_text=True)
    db.session.expire_all()
    assert only_request().status == "declined"


# --- the partner conversation -------------------------------------------------------------------


@pytest.fixture
def room(client, people, pending):
    sign_in(client, people["answerer"])
    client.post(f"/contacts/{pending.id}/accept")
    db.session.expire_all()
    return db.session.get(Room, only_request().room_id)


def test_acceptance_opens_a_partner_room_for_both_organisations(people, room):
    members = set(db.session.scalars(sa.select(RoomMember.user_id).filter_by(room_id=room.id)))
    expected = {people[name].id for name in ("asker", "colleague", "answerer")}
    assert room.kind == "partner" and members == expected


def test_members_post_and_read_messages_escaped(client, people, room):
    response = client.post(f"/rooms/{room.id}/messages", data={"body": "<script>alert(1)</script> Termin?"})
    assert response.status_code == 302
    sign_in(client, people["asker"])
    shown = page(client, f"/rooms/{room.id}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Termin?" in shown
    assert "<script>alert(1)" not in shown


def test_room_is_404_for_everyone_else(client, people, room):
    sign_in(client, people["outsider"])
    assert client.get(f"/rooms/{room.id}").status_code == 404
    assert client.post(f"/rooms/{room.id}/messages", data={"body": "Hallo"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 0


def test_empty_message_is_refused(client, room):
    assert client.post(f"/rooms/{room.id}/messages", data={"body": "  "}).status_code == 422


def test_room_is_listed_under_conversations(client, room):
    assert room.title in page(client, "/rooms")


@pytest.fixture
def csrf_app():
    application = create_app(config_with(WTF_CSRF_ENABLED=True))
    with application.app_context():
        db.create_all()
        yield application
        db.session.remove()
        db.engine.dispose()


def test_posting_a_message_needs_the_forms_csrf_token(csrf_app):
    user = make_user(make_org())
    room = Room(kind="partner", title="Partnerraum", memberships=[RoomMember(user_id=user.id)])
    db.session.add(room)
    db.session.commit()
    client = csrf_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user.get_id(), True
    assert client.post(f"/rooms/{room.id}/messages", data={"body": "Hallo"}).status_code == 400
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get(f"/rooms/{room.id}").get_data(as_text=True)).group(1)
    assert client.post(f"/rooms/{room.id}/messages", data={"body": "Hallo", "csrf_token": token}).status_code == 302


# --- the rate limit -----------------------------------------------------------------------------


@pytest.fixture
def limited_app():
    """Two contact requests a day per organisation; limits are about keys, not the database."""
    application = create_app(config_with(RATE_LIMITS_ENABLED=True, RATELIMIT_CONTACT="2 per day"))
    with application.app_context():
        db.create_all()
        yield application
        db.session.remove()
        db.engine.dispose()


def reachable():
    """An organisation with a member to receive requests (one without is refused before the budget, #21)."""
    organisation = make_org()
    make_user(organisation)
    return organisation


def test_organisation_cannot_send_more_requests_than_its_daily_budget(limited_app):
    client = limited_app.test_client()
    home = make_org()
    sign_in(client, make_user(home))
    statuses = [send(client, reachable()).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]


def test_refused_requests_do_not_use_up_the_budget(limited_app):
    client = limited_app.test_client()
    home, vendor = make_org(), reachable()
    sign_in(client, make_user(home))
    send(client, vendor)
    assert send(client, vendor).status_code == 409  # duplicate: not counted
    assert send(client, reachable()).status_code == 302


def test_budget_is_shared_by_the_members_and_the_api(limited_app):
    home = make_org()
    first, second = limited_app.test_client(), limited_app.test_client()
    sign_in(first, make_user(home))
    send(first, reachable())
    token = make_token(make_user(home))
    response = second.post("/api/v1/contact-requests", headers={"Authorization": f"Bearer {token}"},
                           json={"to_organisation_id": reachable().id, "message": "Hallo"})
    assert response.status_code == 201
    sign_in(second, make_user(home))
    assert send(second, reachable()).status_code == 429


def test_a_deleted_need_leaves_the_request_and_a_later_need_does_not_take_its_place(client, people):
    """ON DELETE SET NULL on both databases: SQLite reuses the highest id, so a dangling need_id would
    come to name the next organisation's new need."""
    from community.profiles.services import delete_entry

    need = make_need(people["home"], title="Posteingang scannen")
    sign_in(client, people["asker"])
    assert send(client, people["vendor"], need_id=need.id).status_code == 302
    delete_entry(people["asker"], need)
    newcomer = make_need(people["vendor"], title="Vertrauliche Ausschreibung")
    db.session.expire_all()

    assert only_request().need_id is None
    assert "Vertrauliche Ausschreibung" not in page(client, "/contacts")
    assert newcomer.id  # created, whatever id the database gave it
