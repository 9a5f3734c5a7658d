"""Rooms over HTTP: topic rooms, the room list with unread counts, room pages, creating and inviting,
live matches, and GET /api/v1/rooms."""
import pytest

from community.extensions import db
from community.rooms import services
from community.rooms.models import Message, Room, RoomMember
from community.taxonomy import TOPICS
from tests.factories import make_offer, make_org, make_room, make_token, make_user, sign_in


def topic_rooms() -> list[Room]:
    return list(db.session.scalars(db.select(Room).filter(Room.kind == "topic")))


def post(room, author, body: str) -> Message:
    message = Message(room_id=room.id, author_id=author.id, body=body)
    db.session.add(message)
    db.session.commit()
    return message


@pytest.fixture
def pair(app):
    alice, bob = make_user(make_org()), make_user(make_org())
    return alice, bob, make_room("partner", [alice, bob], title="Gemeinde – Firma")


def test_ensure_topic_rooms_creates_one_per_topic_once(app):
    assert services.ensure_topic_rooms() == len(TOPICS)
    assert services.ensure_topic_rooms() == 0
    assert sorted(room.topic_slug for room in topic_rooms()) == sorted(topic.slug for topic in TOPICS)


def test_cli_ensures_topic_rooms(app, runner):
    result = runner.invoke(args=["rooms", "ensure-topics"])
    assert result.exit_code == 0, result.output
    assert len(topic_rooms()) == len(TOPICS)


def test_room_list_shows_topic_rooms_at_first_visit(app, client):
    sign_in(client, make_user(make_org()))
    page = client.get("/rooms").get_data(as_text=True)
    assert "Citizen services / OZG" in page
    assert len(topic_rooms()) == len(TOPICS)


def test_room_list_counts_unread_messages_of_others(app, client, pair):
    alice, bob, room = pair
    post(room, bob, "Eins")
    post(room, bob, "Zwei")
    post(room, alice, "Meine eigene")
    sign_in(client, alice)
    assert 'data-unread="2"' in client.get("/rooms").get_data(as_text=True)


def test_opening_a_room_marks_its_messages_read(app, client, pair):
    alice, bob, room = pair
    post(room, bob, "Eins")
    sign_in(client, alice)
    client.get(f"/rooms/{room.id}")
    assert services.unread_counts(alice, [room.id]) == {}


def test_room_page_renders_markdown_safely(app, client, pair):
    alice, bob, room = pair
    post(room, bob, "**fett** <img src=x onerror=alert(1)>")
    sign_in(client, alice)
    page = client.get(f"/rooms/{room.id}").get_data(as_text=True)
    assert "<strong>fett</strong>" in page
    assert "<img" not in page


def test_partner_room_of_others_is_not_found(app, client, pair):
    sign_in(client, make_user(make_org()))
    assert client.get(f"/rooms/{pair[2].id}").status_code == 404


def test_posting_without_javascript_stores_and_redirects(app, client, pair):
    alice, _bob, room = pair
    sign_in(client, alice)
    response = client.post(f"/rooms/{room.id}/messages", data={"body": "Ohne JavaScript"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(Message.body)) == "Ohne JavaScript"


def test_posting_an_oversized_message_is_refused_without_storing(app, client, pair):
    alice, _bob, room = pair
    sign_in(client, alice)
    response = client.post(f"/rooms/{room.id}/messages", data={"body": "x" * 4001})
    assert response.status_code in (400, 422)
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 0


def test_posting_in_a_topic_room_makes_one_a_member(app, client):
    user = make_user(make_org())
    room = make_room("topic", topic_slug="ozg")
    sign_in(client, user)
    client.post(f"/rooms/{room.id}/messages", data={"body": "Hallo alle"})
    assert db.session.get(RoomMember, (room.id, user.id)) is not None


def test_member_opens_a_working_group_and_is_its_member(app, client):
    user = make_user(make_org())
    sign_in(client, user)
    response = client.post("/rooms/new/group", data={"title": "AG E-Akte", "topics": ["eakte"]})
    room = db.session.scalar(db.select(Room).filter(Room.kind == "group"))
    assert response.status_code == 302
    assert room.title == "AG E-Akte" and room.organisation_id == user.organisation_id
    assert room.has_member(user.id)


def test_only_moderators_open_topic_rooms(app, client):
    sign_in(client, make_user(make_org()))
    assert client.post("/rooms/new/topic", data={"title": "Neu"}).status_code == 403
    sign_in(client, make_user(role="moderator"))
    assert client.post("/rooms/new/topic", data={"title": "Neu"}).status_code == 302


def test_room_without_title_is_refused(app, client):
    sign_in(client, make_user(make_org()))
    assert client.post("/rooms/new/group", data={"title": ""}).status_code in (400, 422)
    assert db.session.scalar(db.select(db.func.count(Room.id))) == 0


def test_member_invites_people_by_email_and_they_are_notified(app, client, pair):
    alice, _bob, room = pair
    guest = make_user(make_org(), email="gast@example.org")
    sign_in(client, alice)
    response = client.post(f"/rooms/{room.id}/invite", data={"emails": "GAST@example.org"})
    assert response.status_code == 302
    assert room.has_member(guest.id)
    from community.notifications.services import unread_count
    assert unread_count(guest) == 1


def test_inviting_an_organisation_adds_all_its_members(app, client, pair):
    alice, _bob, room = pair
    org = make_org()
    first, second = make_user(org), make_user(org)
    sign_in(client, alice)
    client.post(f"/rooms/{room.id}/invite", data={"organisation_id": str(org.id)})
    assert room.has_member(first.id) and room.has_member(second.id)


def test_inviting_an_unknown_address_says_nothing_about_it(app, client, pair):
    """The same answer as for an address with an account (tests/test_security_login.py)."""
    alice, _bob, room = pair
    sign_in(client, alice)
    response = client.post(f"/rooms/{room.id}/invite", data={"emails": "niemand@example.org"}, follow_redirects=True)
    assert response.status_code == 200
    assert "niemand@example.org" not in response.get_data(as_text=True)


def test_non_members_cannot_invite(app, client, pair):
    sign_in(client, make_user(make_org()))
    assert client.post(f"/rooms/{pair[2].id}/invite", data={"emails": "x@example.org"}).status_code == 404


def test_room_matches_list_other_organisations_matching_the_room(app, client):
    user = make_user(make_org())
    room = make_room("topic", title="E-Akte", description="Erfahrungen mit der elektronischen Akte")
    make_offer(make_org(name="Akten GmbH", kind="company"), title="E-Akte Einführung",
               body="Wir führen die elektronische Akte in Kommunen ein.")
    sign_in(client, user)
    matches = client.get(f"/rooms/{room.id}/matches.json").get_json()["matches"]
    assert matches[0]["organisation"]["name"] == "Akten GmbH"
    assert matches[0]["action"] == "contact"


def test_history_endpoint_pages_back(app, client, pair):
    alice, bob, room = pair
    ids = [post(room, bob, f"Nr. {n}").id for n in range(3)]
    sign_in(client, alice)
    data = client.get(f"/rooms/{room.id}/messages.json?before={ids[2]}").get_json()
    assert [m["id"] for m in data["messages"]] == ids[:2] and data["has_more"] is False


def test_api_lists_topic_rooms_and_own_rooms_with_unread(app, client, pair):
    alice, bob, room = pair
    make_room("partner", [bob, make_user(make_org())])
    post(room, bob, "Ungelesen")
    response = client.get("/api/v1/rooms?per_page=100", headers={"Authorization": f"Bearer {make_token(alice)}"})
    data = response.get_json()
    assert response.status_code == 200
    assert data["total"] == len(TOPICS) + 1
    [own] = [item for item in data["items"] if item["kind"] == "partner"]
    assert own == {"id": room.id, "kind": "partner", "title": "Gemeinde – Firma", "topics": [], "unread": 1}


def test_api_rooms_needs_a_token(app, client):
    assert client.get("/api/v1/rooms").status_code == 401


def test_api_rooms_response_matches_the_openapi_document(app, client, pair):
    from tests.test_api_openapi import assert_matches_document

    document = client.get("/api/v1/openapi.json").get_json()
    response = client.get("/api/v1/rooms", headers={"Authorization": f"Bearer {make_token(pair[0])}"})
    assert_matches_document(document, "/rooms", "get", response)
