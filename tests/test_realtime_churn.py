"""Sockets that go away in the middle of an event: nothing breaks, nothing is logged as an error, and
the socket does not come back into the room's presence (docs/realtime.md, issue 23 point 3)."""
import logging

import pytest

from community.rooms import services
from community.rooms.presence import presence
from tests.factories import make_org, make_room, make_user, socket_client


@pytest.fixture
def alice_and_room(app):
    alice = make_user(make_org(), name="Alice Adler")
    return alice, make_room("partner", [alice])


def test_a_socket_that_disconnects_during_join_leaves_no_error_and_no_presence(app, alice_and_room, monkeypatch,
                                                                              caplog):
    alice, room = alice_and_room
    socket_client(app, make_user(make_org()))  # someone else stays connected, as on a server
    client = socket_client(app, alice)
    join = services.join

    def join_then_go_away(user, joined_room):
        join(user, joined_room)
        client.disconnect()  # the tab closes while the join waits for the database

    monkeypatch.setattr(services, "join", join_then_go_away)
    with caplog.at_level(logging.INFO):
        client.emit("join", {"room_id": room.id}, callback=True)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert presence().users(room.id) == []
