"""The Socket.IO protocol (docs/realtime.md) against the real server: gunicorn, one gevent worker, SQLite.

A python-socketio client authenticates with a personal API token over the websocket transport.
"""
import pytest
import socketio

from tests.live_server import LiveServer
from tests.scaleout import FIRST_TOPIC_ROOM as ROOM
from tests.scaleout import RoomClient, seed

ALICE, BOB = "alice@live.example", "bob@live.example"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("live-socketio")
    live = LiveServer(f"sqlite:///{directory / 'live.sqlite'}", directory)
    live.tokens = seed(live, ALICE, BOB)
    live.start()
    yield live
    live.stop()


@pytest.fixture
def clients(server):
    opened = []

    def open_client(email: str) -> RoomClient:
        client = RoomClient(server.url, server.tokens[email]).connect()
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        client.disconnect()


def test_a_token_connects_over_websocket_and_joins_a_topic_room(server, clients):
    client = clients(ALICE)

    ack = client.join(ROOM)

    assert client.sio.transport() == "websocket"
    assert ack["room"]["kind"] == "topic"


def test_a_sent_message_is_acked_with_its_id_and_reaches_the_other_client(clients):
    alice, bob = clients(ALICE), clients(BOB)
    alice.join(ROOM)
    bob.join(ROOM)

    ack = alice.send(ROOM, "Hallo aus dem Live-Test", client_id="live-1")

    assert ack["ok"] is True and isinstance(ack["id"], int)
    assert bob.wait_for([ack["id"]]), f"bob never received message {ack['id']}"
    assert bob.received[ack["id"]]["body"] == "Hallo aus dem Live-Test"


def test_a_connection_without_token_is_refused(server):
    client = socketio.Client(reconnection=False)
    refusals = []
    client.on("connect_error", refusals.append)

    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(server.url, transports=["websocket"], wait_timeout=10)

    assert refusals and refusals[0]["data"]["code"] == "unauthenticated"


def test_a_connection_with_an_unknown_token_is_refused(server):
    client = socketio.Client(reconnection=False)

    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(server.url, auth={"token": "kn_not-a-token"}, transports=["websocket"], wait_timeout=10)


def test_after_reconnecting_sync_returns_what_was_sent_meanwhile(server, clients):
    alice, bob = clients(ALICE), clients(BOB)
    last_seen = bob.join(ROOM)["last_id"]
    alice.join(ROOM)
    bob.disconnect()

    sent = [alice.send(ROOM, f"Während du weg warst {n}")["id"] for n in range(3)]
    bob = clients(BOB)
    bob.join(ROOM)
    synced = bob.sync(ROOM, last_seen)

    assert [message["id"] for message in synced] == sent
