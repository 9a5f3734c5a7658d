"""Real-time load: fan-out of room messages to N sockets, the application against a bare server.

N receivers sit in one topic room, a few senders send at a fixed total rate for a fixed time; every
message body carries its send time, every receiver timestamps what it gets. Per case it prints
deliveries/s, fan-out latency p50/p99 (send -> receipt), lost deliveries (acked messages x N minus
received) and stored messages (found again by `sync`; must equal the acked ones). Setups:

- `bare`: bench/bare_broadcast.py, Flask-SocketIO without a database: the ceiling;
- `app 1 proc`: the application on SQLite, one process;
- `app 2 procs`: two application processes on PostgreSQL (scratch database `bench_realtime`) and
  Redis (db 9, flushed), receivers and senders split across both.

Each is served as in production: gunicorn, one gevent worker (docs/deploy.md). Then, for the bare
server and the one-process application, the rate is stepped (5, 10, 20, 40 ... msg/s) to the highest
one with p99 <= 250 ms and nothing lost; the application's share of the bare rate is printed.

Receivers speak Engine.IO/Socket.IO frames directly over wsproto on asyncio (python-socketio's
client costs too much CPU per delivery), many connections per process, in separate processes.
Everything runs on 127.0.0.1; every server started here is stopped at the end.

Run: .venv/bin/python bench/realtime_load.py [--quick] [--sizes 100,500,1000] [--rate 20] [--seconds 10]
"""
import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
import sqlalchemy as sa
from wsproto import ConnectionType, WSConnection
from wsproto.events import (AcceptConnection, CloseConnection, Ping, RejectConnection, Request,
                            TextMessage)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live_server import BIN, free_port  # noqa: E402

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
SCRATCH_DATABASE = "bench_realtime"
REDIS_URL = "redis://127.0.0.1:6379/9"
ORGANISATIONS_CSV = ROOT / "docs" / "examples" / "organisations.csv"
PASSWORD = "Bench-realtime-pass-123"
ROOM_ID = 1  # the first topic room `flask rooms ensure-topics` creates
SENDERS = 4
RECEIVER_PROCESSES = 2
P99_LIMIT_MS = 250
RATE_STEPS = (5, 10, 20, 40, 80, 160, 320, 640)
CONNECT_BATCH = 50
TIMEOUT = 15.0
QUIET = 1.0          # seconds without frames that count as "the server has sent everything"
QUIET_LIMIT = 60.0   # never wait longer than this for quiet


class SocketIOConnection:
    """One Socket.IO client over a raw websocket: handshake, acked calls, pings, event callback."""

    def __init__(self, port: int, on_event=None):
        self.port, self.on_event = port, on_event
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.pending: dict[int, asyncio.Future] = {}
        self.next_ack = 0
        self.connected: asyncio.Future | None = None
        self.reader_task = None
        self.writer = None
        self.last_frame = time.monotonic()

    async def open(self, auth: dict | None) -> None:
        reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        loop = asyncio.get_running_loop()
        self.connected = loop.create_future()
        self.writer.write(self.ws.send(Request(host=f"127.0.0.1:{self.port}",
                                               target="/socket.io/?EIO=4&transport=websocket")))
        self.reader_task = asyncio.create_task(self._read(reader, auth))
        await asyncio.wait_for(self.connected, TIMEOUT)

    async def call(self, event: str, payload: dict, timeout: float = TIMEOUT) -> dict:
        self.next_ack += 1
        ack_id = self.next_ack
        future = asyncio.get_running_loop().create_future()
        self.pending[ack_id] = future
        self._send_text(f"42{ack_id}" + json.dumps([event, payload]))
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            self.pending.pop(ack_id, None)

    def close(self) -> None:
        if self.reader_task:
            self.reader_task.cancel()
        if self.writer:
            self.writer.close()

    def _send_text(self, text: str) -> None:
        self.writer.write(self.ws.send(TextMessage(data=text)))

    async def _read(self, reader, auth) -> None:
        parts = []
        try:
            while data := await reader.read(65536):
                self.ws.receive_data(data)
                for event in self.ws.events():
                    if isinstance(event, TextMessage):
                        parts.append(event.data)
                        if event.message_finished:
                            self._frame("".join(parts), auth)
                            parts = []
                    elif isinstance(event, Ping):
                        self.writer.write(self.ws.send(event.response()))
                    elif isinstance(event, (CloseConnection, RejectConnection)):
                        return
                    elif isinstance(event, AcceptConnection):
                        pass
        except (ConnectionError, OSError):
            pass
        finally:
            if not self.connected.done():
                self.connected.set_exception(ConnectionError("closed during the handshake"))

    def _frame(self, text: str, auth) -> None:
        self.last_frame = time.monotonic()
        kind = text[:2]
        if kind == "42":
            if self.on_event:
                self.on_event(text)
        elif text == "2":  # Engine.IO ping: answer or the server drops us
            self._send_text("3")
        elif kind == "43":
            digits = len(text) - len(text[2:].lstrip("0123456789"))
            future = self.pending.get(int(text[2:digits]))
            if future and not future.done():
                future.set_result(json.loads(text[digits:])[0])
        elif text[0] == "0":  # Engine.IO open: now the Socket.IO connect
            self._send_text("40" + (json.dumps(auth) if auth else ""))
        elif kind == "40":
            self.connected.done() or self.connected.set_result(True)
        elif kind == "44":
            self.connected.done() or self.connected.set_exception(ConnectionError(text))


def parse_body(body: str):
    """'bench <tag> <seq> <sent unix time>' -> (tag, seq, sent) or None."""
    parts = body.split(" ")
    if len(parts) != 4 or parts[0] != "bench":
        return None
    return parts[1], int(parts[2]), float(parts[3])


# ---- receivers: child processes, many sockets each, commanded through a pipe ----

def receiver_process(ports: list[int], token: str | None, count: int, pipe) -> None:
    asyncio.run(_receiver_main(ports, token, count, pipe))


async def _receiver_main(ports, token, count, pipe) -> None:
    received: dict[str, tuple[list, dict]] = {}

    def on_event(text: str) -> None:
        now = time.time()
        if not text.startswith('42["message",'):
            return  # presence and the like
        parsed = parse_body(json.loads(text[2:])[1]["body"])
        if parsed:
            latencies, per_seq = received.setdefault(parsed[0], ([], {}))
            latencies.append(now - parsed[2])
            per_seq[parsed[1]] = per_seq.get(parsed[1], 0) + 1

    connections, failures = [], 0
    auth = {"token": token} if token else None

    async def connect(index: int):
        connection = SocketIOConnection(ports[index % len(ports)], on_event)
        await connection.open(auth)
        ack = await connection.call("join", {"room_id": ROOM_ID}, timeout=60)
        if not ack.get("ok"):
            raise ConnectionError(str(ack))
        return connection

    for start in range(0, count, CONNECT_BATCH):
        for result in await asyncio.gather(*(connect(i) for i in range(start, min(count, start + CONNECT_BATCH))),
                                           return_exceptions=True):
            if isinstance(result, BaseException):
                failures += 1
            else:
                connections.append(result)
    loop = asyncio.get_running_loop()
    pipe.send(("ready", len(connections), failures))
    while True:
        command = await loop.run_in_executor(None, pipe.recv)
        if command[0] == "quiet":
            deadline = time.monotonic() + QUIET_LIMIT
            while time.monotonic() < deadline:
                newest = max((c.last_frame for c in connections), default=0)
                if time.monotonic() - newest >= QUIET:
                    break
                await asyncio.sleep(0.2)
            pipe.send(("quiet",))
        elif command[0] == "report":
            latencies, per_seq = received.pop(command[1], ([], {}))
            pipe.send(("report", latencies, per_seq))
        else:  # stop
            for connection in connections:
                connection.close()
            pipe.send(("stopped",))
            return


class Receivers:
    """RECEIVER_PROCESSES child processes holding `count` sockets in the room, spread over `ports`."""

    def __init__(self, ports: list[int], token: str | None, count: int):
        self.pipes, self.processes = [], []
        context = multiprocessing.get_context("spawn")
        for index in range(RECEIVER_PROCESSES):
            share = count // RECEIVER_PROCESSES + (index < count % RECEIVER_PROCESSES)
            parent, child = context.Pipe()
            # Rotate the ports so the two processes together split the sockets evenly.
            process = context.Process(target=receiver_process, args=(ports[index:] + ports[:index], token, share, child),
                                      daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)
        answers = self._ask_all(None, timeout=300)
        self.connected = sum(a[1] for a in answers)
        self.failures = sum(a[2] for a in answers)

    def _ask_all(self, command, timeout: float = QUIET_LIMIT + 30):
        if command:
            for pipe in self.pipes:
                pipe.send(command)
        answers = []
        for pipe in self.pipes:
            if not pipe.poll(timeout):
                raise TimeoutError(f"a receiver process did not answer {command}")
            answers.append(pipe.recv())
        return answers

    def wait_quiet(self) -> None:
        self._ask_all(("quiet",))

    def report(self, tag: str) -> tuple[list[float], dict[int, int]]:
        latencies, per_seq = [], {}
        for _, part_latencies, part_seq in self._ask_all(("report", tag)):
            latencies += part_latencies
            for seq, n in part_seq.items():
                per_seq[seq] = per_seq.get(seq, 0) + n
        return latencies, per_seq

    def stop(self) -> None:
        try:
            self._ask_all(("stop",), timeout=10)
        except (TimeoutError, OSError, EOFError):
            pass
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()


# ---- senders: in this process ----

async def send_step(ports: list[int], token: str | None, tag: str, rate: float, seconds: float) -> dict:
    """SENDERS sockets send `rate` messages/s together for `seconds`; returns the acked sequence
    numbers, their message ids and the ids the room had before."""
    auth = {"token": token} if token else None
    senders = [SocketIOConnection(ports[i % len(ports)]) for i in range(SENDERS)]
    for sender in senders:
        await sender.open(auth)
    last_id = (await senders[0].call("join", {"room_id": ROOM_ID})).get("last_id", 0)
    for sender in senders[1:]:
        await sender.call("join", {"room_id": ROOM_ID})
    total = int(rate * seconds)
    acked: dict[int, int] = {}

    async def send_one(seq: int) -> None:
        body = f"bench {tag} {seq} {time.time():.6f}"
        try:
            ack = await senders[seq % SENDERS].call(
                "send", {"room_id": ROOM_ID, "body": body, "client_id": str(uuid.uuid4())})
        except asyncio.TimeoutError:
            return
        if ack.get("ok"):
            acked[seq] = ack["id"]

    start = time.monotonic()
    tasks = []
    for seq in range(total):  # on a fixed schedule, never waiting for acks
        delay = start + seq / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send_one(seq)))
    await asyncio.gather(*tasks)
    stored = await count_stored(senders[0], tag, last_id) if token else None
    for sender in senders:
        sender.close()
    return {"sent": total, "acked": acked, "stored": stored}


async def count_stored(sender: SocketIOConnection, tag: str, after_id: int) -> int:
    """Messages of this step found again by `sync` (bounded: at most 1,000 pages)."""
    stored = 0
    for _ in range(1000):
        ack = await sender.call("sync", {"room_id": ROOM_ID, "after_id": after_id})
        stored += sum(1 for m in ack["messages"] if (parse_body(m["body"]) or ("",))[0] == tag)
        if not ack.get("has_more"):
            break
        after_id = ack["messages"][-1]["id"]
    return stored


def measure(setup: str, ports, token, receivers: Receivers, rate: float, seconds: float) -> dict:
    tag = uuid.uuid4().hex[:8]
    result = asyncio.run(send_step(ports, token, tag, rate, seconds))
    receivers.wait_quiet()
    latencies, per_seq = receivers.report(tag)
    acked = result["acked"]
    received_of_acked = sum(per_seq.get(seq, 0) for seq in acked)
    latencies.sort()

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    row = {
        "setup": setup, "N": receivers.connected, "rate": rate, "seconds": seconds,
        # From the first send to the last receipt (at most the sending time plus the slowest delivery).
        "deliveries_s": len(latencies) / (seconds + (latencies[-1] if latencies else 0)), "p50": percentile(0.50), "p99": percentile(0.99),
        "lost": len(acked) * receivers.connected - received_of_acked,
        "sent": result["sent"], "acked": len(acked), "stored": result["stored"],
    }
    print_row(row)
    return row


def healthy(row: dict) -> bool:
    return (row["p99"] <= P99_LIMIT_MS and row["lost"] == 0 and row["acked"] == row["sent"]
            and row["stored"] in (None, row["acked"]))


HEADER = f"{'setup':<22} | {'N':>5} | {'rate msg/s':>10} | {'deliveries/s':>12} | {'p50 ms':>8} | {'p99 ms':>8} | {'lost':>6} | stored/acked/sent"


def print_row(row: dict) -> None:
    stored = "-" if row["stored"] is None else row["stored"]
    print(f"{row['setup']:<22} | {row['N']:>5} | {row['rate']:>10g} | {row['deliveries_s']:>12,.0f} | "
          f"{row['p50']:>8.1f} | {row['p99']:>8.1f} | {row['lost']:>6} | {stored}/{row['acked']}/{row['sent']}",
          flush=True)


# ---- servers ----

class Server:
    """One gunicorn process, one gevent worker, serving `app_spec` on a free loopback port."""

    def __init__(self, app_spec: str, env: dict, log_dir: Path):
        self.port = free_port()
        self.app_spec, self.env = app_spec, env
        self.log_path = log_dir / f"server-{self.port}.log"
        self.process = None

    def start(self) -> "Server":
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--worker-class", "gevent", "--workers", "1", "--worker-connections", "4000",
             "--bind", f"127.0.0.1:{self.port}", self.app_spec],
            cwd=ROOT, env=self.env, stdout=self.log_path.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()}")
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"server did not start:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def app_env(database_url: str, data_dir: Path, redis_url: str | None) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "RATELIMIT_STORAGE_URI")}
    env.update({"DATABASE_URL": database_url, "SECRET_KEY": "bench-realtime-secret", "RATE_LIMITS_ENABLED": "0",
                "DEMO_MODE": "0", "MATCHING_INDEX_DIR": str(data_dir / "matching")})
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def seed(env: dict) -> str:
    """Schema, organisations, topic rooms and one account; returns its API token (all sockets share it:
    rate limits are off, and one user keeps the presence lists short)."""
    def flask(*args: str) -> str:
        return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                              capture_output=True, text=True, timeout=120).stdout
    flask("db", "upgrade")
    flask("import-organisations", str(ORGANISATIONS_CSV))
    flask("rooms", "ensure-topics")
    flask("users", "create", "--email", "bench@example.org", "--password", PASSWORD, "--org-id", "1")
    return flask("users", "token", "bench@example.org").strip().splitlines()[-1]


def scratch_postgres() -> str:
    admin = sa.create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{SCRATCH_DATABASE}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{SCRATCH_DATABASE}"'))
    admin.dispose()
    return sa.engine.make_url(POSTGRES_SERVER).set(database=SCRATCH_DATABASE).render_as_string(hide_password=False)


def drop_scratch_postgres() -> None:
    admin = sa.create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{SCRATCH_DATABASE}" WITH (FORCE)'))
    admin.dispose()


def flush_redis() -> None:
    import redis
    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()


# ---- the run ----

def run_setup(setup: str, servers: list[Server], token, args, search_size: int | None) -> tuple[list, float | None]:
    """Every size at --rate; at `search_size` also the rate steps. Returns the rows and the sustainable rate."""
    ports = [server.port for server in servers]
    rows, sustainable = [], None
    for size in args.sizes:
        receivers = Receivers(ports, token, size)
        try:
            if receivers.failures:
                print(f"{setup}: {receivers.failures} of {size} receivers could not connect", flush=True)
            receivers.wait_quiet()  # the presence storm of N joins is over
            # Warm-up, not reported: first requests load templates, Markdown, database connections.
            measure(f"{setup} (warm-up)", ports, token, receivers, args.rate, 2)
            rows.append(measure(setup, ports, token, receivers, args.rate, args.seconds))
            if size == search_size:
                for rate in RATE_STEPS[:args.max_steps]:
                    row = measure(f"{setup} (step)", ports, token, receivers, rate, args.step_seconds)
                    rows.append(row)
                    if not healthy(row):
                        break
                    sustainable = rate
        finally:
            receivers.stop()
    return rows, sustainable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,500,1000", help="receivers in the room, comma-separated")
    parser.add_argument("--quick", action="store_true", help="N=100 only")
    parser.add_argument("--rate", type=float, default=20, help="messages per second, all senders together")
    parser.add_argument("--seconds", type=float, default=10, help="sending time per case")
    parser.add_argument("--step-seconds", type=float, default=5, help="sending time per step of the rate search")
    parser.add_argument("--max-steps", type=int, default=len(RATE_STEPS), help="at most this many rate steps")
    parser.add_argument("--search-size", type=int, help="N for the rate search (default: the smallest size)")
    parser.add_argument("--no-search", action="store_true", help="skip the rate search")
    parser.add_argument("--setups", default="bare,app1,app2", help="which of bare, app1, app2 to run")
    args = parser.parse_args()
    args.sizes = [100] if args.quick else [int(size) for size in args.sizes.split(",")]
    search_size = None if args.no_search else (args.search_size or min(args.sizes))
    setups = args.setups.split(",")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # servers and receivers inherit it

    rows, sustainable = [], {}
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-realtime-") as tmp:
        data_dir = Path(tmp)
        servers: list[Server] = []
        try:
            if "bare" in setups:
                servers = [Server("bench.bare_broadcast:app", dict(os.environ), data_dir).start()]
                found, sustainable["bare"] = run_setup("bare", servers, None, args, search_size)
                rows += found
                for server in servers:
                    server.stop()
            if "app1" in setups:
                env = app_env(f"sqlite:///{data_dir / 'bench.db'}", data_dir, None)
                token = seed(env)
                servers = [Server("wsgi:app", env, data_dir).start()]
                found, sustainable["app1"] = run_setup("app 1 proc SQLite", servers, token, args, search_size)
                rows += found
                for server in servers:
                    server.stop()
            if "app2" in setups:
                flush_redis()
                env = app_env(scratch_postgres(), data_dir, REDIS_URL)
                token = seed(env)
                servers = [Server("wsgi:app", env, data_dir).start() for _ in range(2)]
                found, _ = run_setup("app 2 procs PG+Redis", servers, token, args, None)
                rows += found
        finally:
            for server in servers:
                server.stop()
            if "app2" in setups:
                drop_scratch_postgres()
                flush_redis()
    print()
    if search_size:
        for name, rate in sustainable.items():
            print(f"sustainable rate ({name}, N={search_size}, p99 <= {P99_LIMIT_MS} ms, nothing lost): "
                  f"{rate if rate is not None else 'below ' + str(RATE_STEPS[0])} msg/s")
        if sustainable.get("bare") and sustainable.get("app1") is not None:
            print(f"application / bare server: {sustainable['app1'] / sustainable['bare']:.0%}")


if __name__ == "__main__":
    main()
