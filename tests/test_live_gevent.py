"""One gevent worker serves everyone: a request waiting in PostgreSQL must not stall the others.

A separate connection locks the organisation table, so GET /organisations waits inside the
database; meanwhile /healthz and a Socket.IO event on the same process must answer at once. If the
database driver blocked the gevent loop, they would wait for the lock too.
"""
import threading
import time

import psycopg
import pytest
import requests

from tests.live_server import LiveServer
from tests.scaleout import FIRST_TOPIC_ROOM, RoomClient, forget_postgres, private_postgres, seed

PROMPT = 0.3  # seconds: "at once" on a loaded CI machine
EMAIL = "gevent@live.example"


@pytest.fixture(scope="module")
def server(postgres_url, tmp_path_factory):
    database = private_postgres(postgres_url, "gevent")
    live = LiveServer(database, tmp_path_factory.mktemp("live-gevent"))
    live.database = database
    live.tokens = seed(live, EMAIL)
    live.start()
    yield live
    live.stop()
    forget_postgres(postgres_url, database)


def libpq_url(database_url: str) -> str:
    return database_url.replace("postgresql+psycopg://", "postgresql://")


def wait_until_blocked_on_lock(monitor: psycopg.Connection, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = monitor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE '%organisation%'").fetchone()[0]
        if waiting:
            return
        time.sleep(0.02)
    raise AssertionError("GET /organisations never waited for the lock")


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_request_waiting_in_the_database_does_not_stall_other_requests_or_sockets(server):
    client = RoomClient(server.url, server.tokens[EMAIL]).connect()
    slow: dict = {}
    url = libpq_url(server.database)
    with psycopg.connect(url, autocommit=True) as monitor, psycopg.connect(url) as locker:
        locker.execute("LOCK TABLE organisation IN ACCESS EXCLUSIVE MODE")
        reader = threading.Thread(target=lambda: slow.update(
            response=requests.get(server.url + "/organisations", timeout=30)))
        reader.start()
        wait_until_blocked_on_lock(monitor)

        health, health_seconds = timed(lambda: requests.get(server.url + "/healthz", timeout=5))
        ack, socket_seconds = timed(lambda: client.call("leave", {"room_id": FIRST_TOPIC_ROOM}))
        still_waiting = reader.is_alive()
        locker.rollback()
    reader.join(timeout=10)
    client.disconnect()

    assert still_waiting, "the organisation list did not wait for the lock: the test proved nothing"
    assert health.status_code == 200 and health_seconds < PROMPT, f"/healthz took {health_seconds:.2f} s"
    assert ack == {"ok": True} and socket_seconds < PROMPT, f"the socket event took {socket_seconds:.2f} s"
    assert slow["response"].status_code == 200
