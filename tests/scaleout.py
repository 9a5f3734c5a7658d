"""Helpers for the live tests: seeding a live server through the CLI, a Socket.IO room client,
private PostgreSQL databases, a Redis database of our own, several LiveServers behind nginx.

Everything here talks to real processes over loopback, like a deployment would (docs/deploy.md).
"""
import re
import shutil
import subprocess
import threading
import uuid
from pathlib import Path

import socketio
import sqlalchemy as sa

from tests.conftest import drop_database_later, service_unavailable
from tests.live_server import LiveServer, free_port, wait_until_healthy

PASSWORD = "Live-test-pass-123"
ORGANISATIONS_CSV = Path(__file__).resolve().parent.parent / "docs" / "examples" / "organisations.csv"
# Topic rooms are the first rooms `flask rooms ensure-topics` creates on an empty database.
FIRST_TOPIC_ROOM = 1
WAIT = 10.0


def seed(server: LiveServer, *emails: str) -> dict[str, str]:
    """Schema, organisations, topic rooms and one account per email; returns email -> API token
    (and keeps email -> user id in `server.user_ids`)."""
    server.flask("db", "upgrade")
    server.flask("import-organisations", str(ORGANISATIONS_CSV))
    server.flask("rooms", "ensure-topics")
    tokens, server.user_ids = {}, {}
    for email in emails:
        created = server.flask("users", "create", "--email", email, "--password", PASSWORD, "--org-id", "1").stdout
        server.user_ids[email] = int(re.search(r"(?:Created user|Konto) (\d+)", created).group(1))
        tokens[email] = server.flask("users", "token", email).stdout.strip().splitlines()[-1]
    return tokens


class RoomClient:
    """A python-socketio client over the websocket transport that records `message` and `presence` events."""

    def __init__(self, url: str, token: str):
        self.url, self.token = url, token
        self.received: dict[int, dict] = {}
        self.present: dict[int, set[int]] = {}  # room id -> the user ids of its last `presence`
        self._changed = threading.Condition()
        self.sio = self._client()

    def _client(self) -> socketio.Client:
        sio = socketio.Client(reconnection=False)
        sio.on("message", self._on_message)
        sio.on("presence", self._on_presence)
        return sio

    def _on_message(self, message: dict) -> None:
        with self._changed:
            self.received[message["id"]] = message
            self._changed.notify_all()

    def _on_presence(self, event: dict) -> None:
        with self._changed:
            self.present[event["room_id"]] = {user["id"] for user in event["users"]}
            self._changed.notify_all()

    def wait_for_presence(self, room_id: int, user_ids: set[int], timeout: float = WAIT) -> bool:
        """True once the room's presence lists exactly these users."""
        with self._changed:
            return self._changed.wait_for(lambda: self.present.get(room_id) == user_ids, timeout=timeout)

    def connect(self, url: str | None = None) -> "RoomClient":
        self.url = url or self.url
        self.sio.connect(self.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=WAIT)
        return self

    def call(self, event: str, payload: dict) -> dict:
        return self.sio.call(event, payload, timeout=WAIT)

    def join(self, room_id: int) -> dict:
        ack = self.call("join", {"room_id": room_id})
        assert ack.get("ok"), ack
        return ack

    def send(self, room_id: int, body: str, client_id: str | None = None) -> dict:
        return self.call("send", {"room_id": room_id, "body": body, "client_id": client_id or str(uuid.uuid4())})

    def sync(self, room_id: int, after_id: int) -> list[dict]:
        """Every message after `after_id`, following `has_more`; also recorded as received."""
        found = []
        while True:
            ack = self.call("sync", {"room_id": room_id, "after_id": after_id})
            assert ack.get("ok"), ack
            found += ack["messages"]
            for message in ack["messages"]:
                self._on_message(message)
            if not ack["has_more"]:
                return found
            after_id = ack["messages"][-1]["id"]

    def wait_for(self, ids, timeout: float = WAIT) -> bool:
        """True once every id in `ids` has arrived live (or by sync)."""
        wanted = set(ids)
        with self._changed:
            return self._changed.wait_for(lambda: wanted <= set(self.received), timeout=timeout)

    def reconnect(self, url: str) -> "RoomClient":
        """A fresh connection (to `url`), keeping what was received; the old one may be dead."""
        self.disconnect()
        self.sio = self._client()
        return self.connect(url)

    def disconnect(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


def private_postgres(postgres_url: str, suffix: str) -> str:
    """A new, empty database next to the session's one (dropped after the run), for `flask db upgrade`."""
    url = sa.engine.make_url(postgres_url)
    name = f"{url.database}_{suffix}"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def forget_postgres(postgres_url: str, database_url: str) -> None:
    drop_database_later(postgres_url, sa.engine.make_url(database_url).database)


REDIS_DB = 7


def private_redis(db: int = REDIS_DB) -> str:
    """A Redis database for this run, flushed; skips (or fails under REQUIRE_SERVICES) without Redis."""
    import redis

    url = f"redis://127.0.0.1:6379/{db}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.RedisError as error:
        service_unavailable(f"Redis not reachable at {url}: {error.__class__.__name__}")
    return url


NGINX_CONF = """\
worker_processes 1;
error_log {directory}/error.log warn;
pid {directory}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log {directory}/access.log;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;

    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}

    upstream kommunalnetz {{
        # Sticky sessions: Socket.IO polling and its upgrade must reach the same process.
        ip_hash;
{servers}
    }}

    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://kommunalnetz;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;  # with the port: Socket.IO compares it with Origin
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 2s;
            proxy_read_timeout 120s;
            proxy_send_timeout 120s;
        }}
    }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        service_unavailable("nginx is not installed (apt-get install nginx)")
    return found


class Nginx:
    """nginx as an unprivileged foreground process on a free loopback port, in front of `upstreams`."""

    def __init__(self, directory: Path, upstreams: list[str]):
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        servers = "\n".join(f"        server {re.sub('^https?://', '', up)} max_fails=1 fail_timeout=5s;"
                            for up in upstreams)
        self.conf = directory / "nginx.conf"
        self.conf.write_text(NGINX_CONF.format(directory=directory, port=self.port, servers=servers))
        self.process: subprocess.Popen | None = None

    def start(self) -> "Nginx":
        log = (self.directory / "nginx.out").open("w")
        self.process = subprocess.Popen(
            [nginx_binary(), "-e", str(self.directory / "error.log"), "-c", str(self.conf),
             "-p", str(self.directory), "-g", "daemon off;"],
            stdout=log, stderr=subprocess.STDOUT,
        )
        if not wait_until_healthy(self.process, self.url, timeout=10):
            self.stop()
            raise RuntimeError(f"nginx did not answer:\n{(self.directory / 'nginx.out').read_text()}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
