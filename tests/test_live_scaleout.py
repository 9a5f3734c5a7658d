"""Two server processes on one PostgreSQL database and one Redis, behind nginx (docs/deploy.md).

Messages cross processes through the Redis message queue; when a process dies, its clients
reconnect through nginx to the survivor and `sync` fills the gap: no acknowledged message is lost,
none is stored twice (docs/realtime.md, "Ordering and delivery guarantees").
"""
import re
import threading
import uuid

import pyotp
import pytest
import requests
import socketio

from tests.live_server import LiveServer
from tests.scaleout import (
    FIRST_TOPIC_ROOM as ROOM,
    PASSWORD,
    WAIT,
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
PRESENCE_TTL = 3  # seconds until the people of a dead process leave the presence lists


@pytest.fixture(scope="module")
def processes(postgres_url, tmp_path_factory):
    redis_url = private_redis()
    database = private_postgres(postgres_url, "scaleout")
    env = {"REDIS_URL": redis_url, "PRESENCE_TTL": str(PRESENCE_TTL)}
    first = LiveServer(database, tmp_path_factory.mktemp("process-1"), env)
    second = LiveServer(database, tmp_path_factory.mktemp("process-2"), env)
    tokens = seed(first, ALICE, BOB)
    first.start()
    second.start()
    yield {"first": first, "second": second, "tokens": tokens, "ids": first.user_ids}
    first.stop()
    second.stop()
    forget_postgres(postgres_url, database)


@pytest.fixture(scope="module")
def cluster(processes, tmp_path_factory):
    nginx_binary()
    proxy = Nginx(tmp_path_factory.mktemp("nginx"), [processes["first"].url, processes["second"].url]).start()
    yield {**processes, "nginx": proxy}
    proxy.stop()


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


def test_presence_lists_the_people_of_every_process_and_forgets_a_dead_one(cluster, alice_and_bob):
    alice, bob = alice_and_bob
    both = {cluster["ids"][ALICE], cluster["ids"][BOB]}
    assert alice.wait_for_presence(ROOM, both), f"process 1 lists {alice.present.get(ROOM)}"
    assert bob.wait_for_presence(ROOM, both), f"process 2 lists {bob.present.get(ROOM)}"

    cluster["second"].kill()  # no disconnect handler runs: only the expiry takes Bob out
    assert alice.wait_for_presence(ROOM, {cluster["ids"][ALICE]}, timeout=PRESENCE_TTL * 2 + WAIT), \
        f"Bob's entry outlived his process: {alice.present.get(ROOM)}"
    cluster["second"].start()


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


def _signed_in_over_http(url: str, email: str) -> tuple[requests.Session, callable]:
    """A browser-like session logged in on `url`, and a reader of a page's CSRF token."""
    session = requests.Session()

    def csrf(path: str) -> str:
        return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', session.get(url + path).text).group(1)

    response = session.post(f"{url}/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf("/login")},
                            allow_redirects=False)
    assert response.status_code == 302, response.text
    if response.headers["Location"].endswith("/login/second-factor"):
        # A moderator sets up the second factor at sign-in: the key shown under the QR code, a code from it.
        page = session.get(f"{url}/login/second-factor").text
        secret = re.search(r"<code>([A-Z2-7]{16,})</code>", page).group(1)
        token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)
        done = session.post(f"{url}/login/second-factor", allow_redirects=False, data={
            "code": pyotp.TOTP(secret).now(), "action": "enrol", "csrf_token": token})
        assert done.status_code == 200, done.text
    return session, csrf


def test_a_suspension_imposed_on_one_process_closes_the_users_socket_on_the_other(processes):
    first, second = processes["first"], processes["second"]
    if second.process.poll() is not None:  # the crash test above killed it
        second.start()
    moderator, carol = "moderator@scale.example", "carol@scale.example"
    first.flask("users", "create", "--email", moderator, "--password", PASSWORD, "--org-id", "1", "--role", "moderator")
    created = first.flask("users", "create", "--email", carol, "--password", PASSWORD, "--org-id", "1").stdout
    carol_id = int(re.search(r"(?:Created user|Konto) (\d+)", created).group(1))
    token = first.flask("users", "token", carol).stdout.strip().splitlines()[-1]
    told, closed = threading.Event(), threading.Event()
    client = RoomClient(second.url, token)
    client.sio.on("sanction", lambda event: told.set() if event["code"] == "banned" else None)
    client.sio.on("disconnect", lambda *_reason: closed.set())
    client.connect()

    session, csrf = _signed_in_over_http(first.url, moderator)
    path = f"/moderation/users/{carol_id}/sanction"
    response = session.post(first.url + path, allow_redirects=False, data={
        "kind": "suspend", "reason": "Beleidigungen", "days": "2", "csrf_token": csrf(path)})
    assert response.status_code == 302, response.text

    assert told.wait(WAIT), "process 2 never delivered the sanction event"
    assert closed.wait(WAIT), "process 2 never closed the suspended user's socket"
    refusals = []
    again = socketio.Client(reconnection=False)
    again.on("connect_error", refusals.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        again.connect(second.url, auth={"token": token}, transports=["websocket"], wait_timeout=WAIT)
    assert refusals and refusals[0]["data"]["code"] == "banned"
