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
server and the one-process application, the rate is doubled (5, 10, 20, 40 ... msg/s) until a step
fails (p99 > 250 ms or anything lost), then the gap to the last healthy rate is bisected (--refine);
the highest healthy rate is the sustainable one, and the application's share of the bare rate is printed.

Receivers and senders (bench/realtime_clients.py) speak Engine.IO/Socket.IO frames directly over
wsproto on asyncio (python-socketio's client costs too much CPU per delivery), many connections per
process; the receivers in separate processes.
Everything runs on 127.0.0.1; every server started here is stopped at the end.

Run: .venv/bin/python bench/realtime_load.py [--quick] [--sizes 100,500,1000] [--rate 20] [--seconds 10]
"""
import argparse
import asyncio
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.realtime_clients import Receivers, send_step  # noqa: E402
from tests.live_server import BIN, free_port  # noqa: E402

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
SCRATCH_DATABASE = "bench_realtime"
REDIS_URL = "redis://127.0.0.1:6379/9"
ORGANISATIONS_CSV = ROOT / "docs" / "examples" / "organisations.csv"
PASSWORD = "Bench-realtime-pass-123"
P99_LIMIT_MS = 250
RATE_STEPS = (5, 10, 20, 40, 80, 160, 320, 640)


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
                "DEMO_MODE": "0", "PUBLIC_URL": "http://127.0.0.1", "MATCHING_INDEX_DIR": str(data_dir / "matching")})
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
                sustainable = search_rate(setup, ports, token, receivers, args, rows)
        finally:
            receivers.stop()
    return rows, sustainable


def search_rate(setup: str, ports, token, receivers: Receivers, args, rows: list) -> float | None:
    """The highest healthy rate: double from RATE_STEPS[0] until a step fails, then halve the gap between
    the last healthy and the first failing rate --refine times (3 times: within 1/16 of a doubling)."""
    def healthy_at(rate: float) -> bool:
        # A failed step is measured again (--retries): on a shared 2-core machine one burst of other
        # work can spoil a 5-second step, and the bare server and the application are treated alike.
        for _ in range(1 + args.retries):
            row = measure(f"{setup} (step)", ports, token, receivers, rate, args.step_seconds)
            rows.append(row)
            if healthy(row):
                return True
        return False

    good, bad = None, None
    for rate in RATE_STEPS[:args.max_steps]:
        if not healthy_at(rate):
            bad = rate
            break
        good = rate
    if good is None or bad is None:
        return good
    for _ in range(args.refine):
        middle = round((good + bad) / 2)
        if middle in (good, bad):
            break
        if healthy_at(middle):
            good = middle
        else:
            bad = middle
    return good


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,500,1000", help="receivers in the room, comma-separated")
    parser.add_argument("--quick", action="store_true", help="N=100 only")
    parser.add_argument("--rate", type=float, default=20, help="messages per second, all senders together")
    parser.add_argument("--seconds", type=float, default=10, help="sending time per case")
    parser.add_argument("--step-seconds", type=float, default=5, help="sending time per step of the rate search")
    parser.add_argument("--max-steps", type=int, default=len(RATE_STEPS), help="at most this many rate steps")
    parser.add_argument("--refine", type=int, default=3, help="bisection steps after the first failing rate")
    parser.add_argument("--retries", type=int, default=1, help="measure a failing rate step again this often")
    parser.add_argument("--search-size", type=int, help="N for the rate search (default: the smallest size)")
    parser.add_argument("--no-search", action="store_true", help="skip the rate search")
    parser.add_argument("--log-dir", type=Path, help="keep the servers' logs here (default: thrown away)")
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
        log_dir = args.log_dir or data_dir
        log_dir.mkdir(parents=True, exist_ok=True)
        servers: list[Server] = []
        try:
            if "bare" in setups:
                servers = [Server("bench.bare_broadcast:app", dict(os.environ), log_dir).start()]
                found, sustainable["bare"] = run_setup("bare", servers, None, args, search_size)
                rows += found
                for server in servers:
                    server.stop()
            if "app1" in setups:
                env = app_env(f"sqlite:///{data_dir / 'bench.db'}", data_dir, None)
                token = seed(env)
                servers = [Server("wsgi:app", env, log_dir).start()]
                found, sustainable["app1"] = run_setup("app 1 proc SQLite", servers, token, args, search_size)
                rows += found
                for server in servers:
                    server.stop()
            if "app2" in setups:
                flush_redis()
                env = app_env(scratch_postgres(), data_dir, REDIS_URL)
                token = seed(env)
                servers = [Server("wsgi:app", env, log_dir).start() for _ in range(2)]
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
