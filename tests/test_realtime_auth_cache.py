"""The socket's session check reads a per-process cache (community/rooms/auth_cache.py): exact all the
same, because every change to a user or token empties it, here, in the other processes of the machine
(the stamp file) and in those behind the message queue (Redis); and the send path's extras (mentions,
live matches) run after the ack, only for messages that can have any (docs/realtime.md)."""
import time

import pytest
from sqlalchemy import event

from community.auth.models import User
from community.extensions import db, socketio
from community.rooms import auth_cache, live
from tests.factories import make_org, make_room, make_token, make_user, socket_client


@pytest.fixture
def user(app):
    return make_user(make_org(), name="Alice Adler")


def statements(app):
    """The SQL statements run while the block runs (a list filled by an engine listener)."""
    found = []

    def count(_conn, _cursor, statement, *_args):
        found.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    return found, lambda: event.remove(db.engine, "before_cursor_execute", count)


def test_the_session_check_reads_no_user_or_token_once_cached(app, user):
    room = make_room("partner", [user])
    client = socket_client(app, token=make_token(user))
    assert client.emit("join", {"room_id": room.id}, callback=True)["ok"]
    db.session.expunge_all()  # as in a server, each event starts without the user in its session
    found, stop = statements(app)
    try:
        assert client.emit("history", {"room_id": room.id}, callback=True)["ok"]
    finally:
        stop()
    assert not [sql for sql in found if 'FROM "user"' in sql or "FROM user" in sql or "FROM api_token" in sql]


def test_a_change_in_another_process_of_the_machine_ends_the_socket(app, user):
    """Written straight to the database (no ORM event here), announced by the stamp file, as a `flask`
    command or the job consumer does."""
    client = socket_client(app, user)
    room = make_room("partner", [user])
    assert client.emit("join", {"room_id": room.id}, callback=True)["ok"]
    with db.engine.begin() as connection:
        connection.exec_driver_sql('UPDATE "user" SET auth_version = auth_version + 1 WHERE id = %d' % user.id)
    auth_cache._replace_stamp(app)
    db.session.expire_all()
    assert client.emit("join", {"room_id": room.id}, callback=True)["error"]["code"] == "unauthenticated"


def test_a_change_announced_through_the_queue_empties_the_cache(app, user):
    from community.sockets import RedisManager

    client = socket_client(app, user)
    room = make_room("partner", [user])
    assert client.emit("join", {"room_id": room.id}, callback=True)["ok"]
    assert user.id in auth_cache.cache_of(app).users
    manager = RedisManager("redis://127.0.0.1:6379/15", channel="flask-socketio")  # never connects here
    manager.app = app
    manager._handle_close_room({"method": "close_room", "room": None, "namespace": "/", "host_id": "other",
                                "auth_changed": {"users": [user.id], "tokens": [], "everything": False}})
    assert user.id not in auth_cache.cache_of(app).users


def test_a_stale_read_is_not_cached(app, user):
    cache = auth_cache.cache_of(app)
    generation = cache.generation
    cache.forget([user.id])  # a change arrived while the event read the user
    cache.keep(generation, user={"id": user.id})
    assert user.id not in cache.users


def test_matches_come_after_the_ack_and_only_for_questions_with_substance(app, user, monkeypatch):
    from tests.factories import make_offer

    app.config["SOCKET_AFTER_ACK_BACKGROUND"] = True
    make_offer(make_org(name="Akten GmbH", kind="company"), title="E-Akte Einführung",
               body="Wir führen die elektronische Akte in Kommunen ein.")
    room = make_room("partner", [user])
    searched = []
    question_matches = live.question_matches
    monkeypatch.setattr(live, "question_matches", lambda *args: searched.append(args) or question_matches(*args))
    client = socket_client(app, user)
    assert client.emit("join", {"room_id": room.id}, callback=True)["ok"]
    assert client.emit("send", {"room_id": room.id, "body": "Wie geht es?", "client_id": "a"}, callback=True)["ok"]
    assert client.emit("send", {"room_id": room.id, "body": "Wer kennt sich mit der E-Akte aus?",
                                "client_id": "b"}, callback=True)["ok"]
    matches, deadline = [], time.monotonic() + 10
    while not matches and time.monotonic() < deadline:
        matches = [event["args"][0] for event in client.get_received() if event["name"] == "match"]
        socketio.sleep(0.05)  # the greenlet runs when this one yields, as in the server
    assert matches and matches[0]["matches"][0]["organisation"]["name"] == "Akten GmbH"
    assert len(searched) == 1  # "Wie geht es?" has no substance: no search at all
