"""Two server processes on one PostgreSQL database and one Redis, behind nginx (docs/deploy.md).

Messages cross processes through the Redis message queue; when a process dies, its clients
reconnect through nginx to the survivor and `sync` fills the gap: no acknowledged message is lost,
none is stored twice (docs/realtime.md, "Ordering and delivery guarantees").
"""
import threading
import uuid

import pytest
import socketio

from tests.live_server import LiveServer
from tests.scaleout import (
    FIRST_TOPIC_ROOM as ROOM,
    Nginx,
    RoomClient,
    forget_postgres,
    nginx_binary,
    private_postgres,
    private_redis,
    seed,
)

ALICE, BOB = "alice@scale.example", "bob@scale.example"
FLOWING = 30  # messages Alice sends while Bob's process dies


@pytest.fixture(scope="module")
def cluster(postgres_url, tmp_path_factory):
    nginx_binary()
    redis_url = private_redis()
    database = private_postgres(postgres_url, "scaleout")
    env = {"REDIS_URL": redis_url}
    first = LiveServer(database, tmp_path_factory.mktemp("process-1"), env)
    second = LiveServer(database, tmp_path_factory.mktemp("process-2"), env)
    tokens = seed(first, ALICE, BOB)
    first.start()
    second.start()
    proxy = Nginx(tmp_path_factory.mktemp("nginx"), [first.url, second.url]).start()
    yield {"first": first, "second": second, "nginx": proxy, "tokens": tokens}
    proxy.stop()
    first.stop()
    second.stop()
    forget_postgres(postgres_url, database)


@pytest.fixture
def alice_and_bob(cluster):
    """Alice on process 1, Bob on process 2, both in the topic room."""
    alice = RoomClient(cluster["first"].url, cluster["tokens"][ALICE]).connect()
    bob = RoomClient(cluster["second"].url, cluster["tokens"][BOB]).connect()
    alice.join(ROOM)
    bob.join(ROOM)
    yield alice, bob
    alice.disconnect()
    bob.disconnect()


def test_a_message_sent_on_one_process_arrives_on_the_other(alice_and_bob):
    alice, bob = alice_and_bob

    to_bob = alice.send(ROOM, "Von Prozess 1")
    to_alice = bob.send(ROOM, "Von Prozess 2")

    assert bob.wait_for([to_bob["id"]]), "process 2 never delivered Alice's message"
    assert alice.wait_for([to_alice["id"]]), "process 1 never delivered Bob's message"


def test_when_a_process_dies_its_client_reconnects_through_nginx_and_loses_nothing(cluster, alice_and_bob):
    alice, bob = alice_and_bob
    before_crash = bob.send(ROOM, "Kurz vor dem Absturz")
    assert bob.wait_for([before_crash["id"]])
    acked: dict[str, int] = {}  # client_id -> message id, for every acknowledged send
    first_acks = threading.Event()

    def alice_keeps_talking():
        for n in range(FLOWING):
            client_id = str(uuid.uuid4())
            acked[client_id] = alice.send(ROOM, f"Nachricht {n}", client_id)["id"]
            if n == 3:
                first_acks.set()

    talker = threading.Thread(target=alice_keeps_talking)
    talker.start()
    assert first_acks.wait(10), "Alice's sends were never acknowledged"
    cluster["second"].kill()
    pending = str(uuid.uuid4())
    with pytest.raises(socketio.exceptions.SocketIOError):
        bob.send(ROOM, "Während des Absturzes", pending)

    bob.reconnect(cluster["nginx"].url)
    bob.join(ROOM)
    bob.sync(ROOM, max(bob.received))
    acked[pending] = bob.send(ROOM, "Während des Absturzes", pending)["id"]
    talker.join(timeout=30)

    assert not talker.is_alive(), "Alice's sends stalled"
    assert len(acked) == FLOWING + 1
    bob.sync(ROOM, before_crash["id"])
    missing = set(acked.values()) - set(bob.received)
    assert not missing, f"acknowledged but never received by Bob: {sorted(missing)}"
    stored = bob.sync(ROOM, 0)
    stored_client_ids = [message["client_id"] for message in stored if message["client_id"] in acked]
    assert sorted(stored_client_ids) == sorted(acked), "a message was stored twice or not at all"
