"""Room memberships follow organisation membership (docs/security.md, hole 1): whoever leaves an
organisation leaves its partner and group rooms at once, live sockets included, and the room sees it."""
import pytest
from flask import g

from community.account.services import delete_account
from community.extensions import db
from community.members.services import remove_member
from community.rooms.models import RoomMember
from tests.factories import PASSWORD, make_org, make_room, make_user, sign_in, socket_client


def events(client, name: str) -> list:
    return [event["args"][0] for event in client.queue if event["name"] == name]


@pytest.fixture
def rooms(app):
    org_a, org_b = make_org(), make_org()
    admin = make_user(org_a, name="Anna Admin", is_org_admin=True)
    dave = make_user(org_a, name="Dave Dachs")
    bob = make_user(org_b, name="Bob Brandt")
    partner = make_room("partner", [admin, dave, bob])
    group = make_room("group", [admin, dave], organisation_id=org_a.id)
    topic = make_room("topic", [dave], topic_slug=None)
    return {"org": org_a, "admin": admin, "dave": dave, "bob": bob, "partner": partner, "group": group,
            "topic": topic}


def joined(app, user, room):
    socket = socket_client(app, user)
    assert socket.emit("join", {"room_id": room.id}, callback=True)["ok"] is True
    socket.get_received()
    return socket


def memberships(user) -> set[int]:
    return set(db.session.scalars(db.select(RoomMember.room_id).filter_by(user_id=user.id)))


def test_removing_a_member_ends_their_private_rooms_and_their_open_sockets_leave(app, rooms):
    dave_socket, bob_socket = joined(app, rooms["dave"], rooms["partner"]), joined(app, rooms["bob"], rooms["partner"])

    remove_member(rooms["admin"], rooms["org"], rooms["dave"].id)
    g.pop("_login_user", None)

    assert memberships(rooms["dave"]) == {rooms["topic"].id}  # topic rooms are open to everybody
    [notice] = events(bob_socket, "member_removed")
    assert notice["room_id"] == rooms["partner"].id and notice["user"]["id"] == rooms["dave"].id
    assert rooms["dave"].id not in {person["id"] for person in events(bob_socket, "presence")[-1]["users"]}
    assert {e["room_id"] for e in events(dave_socket, "room_removed")} == {rooms["partner"].id, rooms["group"].id}

    dave_socket.queue.clear()
    assert bob_socket.emit("send", {"room_id": rooms["partner"].id, "body": "Nur für Partner"}, callback=True)["ok"]
    assert events(dave_socket, "message") == []  # no longer in the Socket.IO room
    for event, payload in (("sync", {"room_id": rooms["partner"].id, "after_id": 0}),
                           ("send", {"room_id": rooms["partner"].id, "body": "Noch da?"}),
                           ("join", {"room_id": rooms["group"].id})):
        ack = dave_socket.emit(event, payload, callback=True)
        assert ack["error"]["code"] in {"forbidden", "not_found"}, (event, ack)


def test_a_removed_member_can_neither_open_nor_invite_to_the_room(app, client, rooms):
    remove_member(rooms["admin"], rooms["org"], rooms["dave"].id)
    sign_in(client, rooms["dave"])
    assert client.get(f"/rooms/{rooms['partner'].id}").status_code == 404
    outsider = make_user(make_org())
    response = client.post(f"/rooms/{rooms['partner'].id}/invite", data={"emails": outsider.email})
    assert response.status_code == 404
    assert memberships(outsider) == set()


def test_removal_through_the_members_page_ends_the_rooms_too(app, client, rooms):
    sign_in(client, rooms["admin"])
    response = client.post(f"/organisations/{rooms['org'].id}/members/{rooms['dave'].id}/remove")
    assert response.status_code == 302
    assert memberships(rooms["dave"]) == {rooms["topic"].id}


def test_deleting_the_account_ends_every_room_membership(app, rooms):
    dave_socket = joined(app, rooms["dave"], rooms["partner"])
    delete_account(rooms["dave"], PASSWORD)
    assert memberships(rooms["dave"]) == set()
    assert not dave_socket.is_connected() or events(dave_socket, "room_removed")
