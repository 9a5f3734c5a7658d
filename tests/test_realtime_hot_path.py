"""A sent message's permission checks read the process's cache, not the database (community/rooms/
auth_cache.py), and stay exact: a sanction, a slow mode or a removal flushed after the cache was
filled bites on the very next event; a sanction that ends lets the user write again without any
change. The fan-out writes one websocket frame per broadcast (community/sockets.py), byte for byte
what wsproto would have framed for each receiver (docs/realtime.md, "Load")."""
from datetime import timedelta

import pytest
from sqlalchemy import event
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Request, TextMessage

from community import sockets
from community.extensions import db
from community.models_base import utcnow
from community.moderation.models import RoomSlowMode, Sanction
from community.rooms import auth_cache
from community.rooms.models import RoomMember
from tests.factories import make_org, make_room, make_user, socket_client


@pytest.fixture
def people(app):
    org = make_org()
    return make_user(org, name="Alice Adler"), make_user(org, name="Bernd Berg")


def send(client, room, body: str) -> dict:
    room_id = room if isinstance(room, int) else room.id
    return client.emit("send", {"room_id": room_id, "body": body}, callback=True)


def test_a_send_reads_no_room_sanction_slow_mode_or_membership_once_cached(app, people):
    alice, bernd = people
    room = make_room("partner", [alice, bernd])
    client = socket_client(app, alice)
    assert client.emit("join", {"room_id": room.id}, callback=True)["ok"]
    assert send(client, room, "Erste Nachricht")["ok"]
    room = room.id
    db.session.expunge_all()  # as in a server, each event starts with an empty session
    found = []

    def count(_conn, _cursor, statement, *_args):
        found.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert send(client, room, "Zweite Nachricht")["ok"]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    reads = [sql for sql in found if sql.lstrip().upper().startswith("SELECT")]
    assert reads == [], reads
    assert any(sql.lstrip().upper().startswith("INSERT INTO MESSAGE") for sql in found)


def test_a_mute_after_the_cache_was_filled_bites_on_the_next_send(app, people):
    alice, _bernd = people
    room = make_room("partner", [alice])
    client = socket_client(app, alice)
    assert client.emit("join", {"room_id": room.id}, callback=True)["ok"]
    assert send(client, room, "Vorher")["ok"]
    db.session.add(Sanction(user_id=alice.id, kind="mute", reason="Test", ends_at=utcnow() + timedelta(days=1)))
    db.session.commit()
    assert send(client, room, "Nachher")["error"]["code"] == "forbidden"


def test_a_sanction_that_ends_lets_the_user_write_again_without_any_change(app, people, monkeypatch):
    alice, _bernd = people
    room = make_room("partner", [alice])
    ends = utcnow() + timedelta(minutes=5)
    db.session.add(Sanction(user_id=alice.id, kind="mute", reason="Test", ends_at=ends))
    db.session.commit()
    client = socket_client(app, alice)
    assert client.emit("join", {"room_id": room.id}, callback=True)["ok"]
    assert send(client, room, "Stumm")["error"]["code"] == "forbidden"
    later = ends + timedelta(seconds=1)
    monkeypatch.setattr(auth_cache, "utcnow", lambda: later)
    monkeypatch.setattr("community.moderation.state.utcnow", lambda: later)
    assert send(client, room, "Wieder da")["ok"]


def test_a_slow_mode_after_the_cache_was_filled_bites_on_the_next_send(app, people):
    alice, _bernd = people
    room = make_room("partner", [alice])
    client = socket_client(app, alice)
    assert client.emit("join", {"room_id": room.id}, callback=True)["ok"]
    assert send(client, room, "Eins")["ok"]
    db.session.add(RoomSlowMode(room_id=room.id, seconds=3600))
    db.session.commit()
    assert send(client, room, "Zwei")["error"]["code"] == "forbidden"


def test_a_membership_deleted_after_the_cache_was_filled_bites_on_the_next_send(app, people):
    alice, bernd = people
    room = make_room("group", [alice, bernd])
    client = socket_client(app, alice)
    assert client.emit("join", {"room_id": room.id}, callback=True)["ok"]
    assert send(client, room, "Noch Mitglied")["ok"]
    assert (room.id, alice.id) in auth_cache.cache_of(app).members
    db.session.delete(db.session.get(RoomMember, (room.id, alice.id)))
    db.session.commit()
    assert send(client, room, "Nicht mehr")["error"]["code"] in ("forbidden", "not_found")


def test_rooms_changes_travel_to_the_other_processes_through_the_queue(app, people):
    from community.sockets import RedisManager

    alice, _bernd = people
    room = make_room("group", [alice])
    client = socket_client(app, alice)
    assert client.emit("join", {"room_id": room.id}, callback=True)["ok"]
    assert send(client, room, "Hallo")["ok"]
    cache = auth_cache.cache_of(app)
    assert room.id in cache.rooms and (room.id, alice.id) in cache.members
    manager = RedisManager("redis://127.0.0.1:6379/15", channel="flask-socketio")  # never connects here
    manager.app = app
    manager._handle_close_room({"method": "close_room", "room": None, "namespace": "/", "host_id": "other",
                                "auth_changed": {"users": [], "tokens": [], "everything": False, "rooms": True}})
    assert room.id not in cache.rooms and not cache.members


def wsproto_frame(text: str) -> bytes:
    client, server = WSConnection(ConnectionType.CLIENT), WSConnection(ConnectionType.SERVER)
    server.receive_data(client.send(Request(host="example.org", target="/")))
    list(server.events())
    server.send(AcceptConnection())
    return server.send(TextMessage(data=text))


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536, 70000])
def test_the_shared_frame_is_the_frame_wsproto_builds(size):
    text = '42["message",{"body":"' + "ä" * (size // 2) + "x" * (size % 2) + '"}]'
    assert sockets._frame(text) == wsproto_frame(text)
    assert sockets._frame(text) is sockets._frame(text)  # built once for every receiver
