"""Real-time load: fan-out of room messages to N sockets, the application against a bare server.

N receivers sit in one topic room, a few senders send at a fixed total rate for a fixed time; every
message body carries its send time, every receiver timestamps what it gets. Per case it prints
deliveries/s, fan-out latency p50/p99 (send -> receipt), lost deliveries (acked messages x N minus
received) and stored messages (found again by `sync`; must equal the acked ones). Setups:

- `bare`: bench/bare_broadcast.py, Flask-SocketIO without a database: the ceiling;
- `app1`: the application on SQLite, one process;
- `before`: the application as of --baseline (a commit or branch, from `git archive`), like app1;
- `app2`: two application processes on PostgreSQL (scratch database `bench_realtime`) and
  Redis (db 9, flushed), receivers and senders split across both.

Each is served as in production: gunicorn, one gevent worker (docs/deploy.md). All chosen setups run
at once and are measured in turn, so that the rest of a shared machine's work falls on all alike.
Then, for every setup (two processes too), the rate is doubled (from --first-rate: 5, 10, 20, 40 ... msg/s)
until a step fails (p99 > 250 ms or anything lost), then the gap to the last healthy rate is bisected
(--refine), one step of each setup in turn; the highest healthy rate is the sustainable one, and each
setup's share of the bare rate is printed. Further modes (--modes): `profile` (py-spy: where a sent
message's server time goes), `sockets` (5,000 sockets, the worker's RSS), `churn` (sockets that leave
mid-join and mid-message; tracebacks in the server log). docs/realtime.md, "Load", has the figures.

Receivers and senders (bench/realtime_clients.py) speak Engine.IO/Socket.IO frames directly over
wsproto on asyncio (python-socketio's client costs too much CPU per delivery), many connections per
process; the receivers in separate processes.
Everything runs on 127.0.0.1; every server started here is stopped at the end.

Run: .venv/bin/python bench/realtime_load.py [--quick] [--sizes 100,500,1000] [--rate 20] [--seconds 10]
     [--setups bare,app1,before,app2] [--baseline main] [--modes load,profile,sockets,churn]
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

from bench.realtime_clients import Receivers, churn, send_step  # noqa: E402
from bench.realtime_profile import Recording, per_message_table, worker_pid  # noqa: E402
from tests.live_server import BIN, free_port  # noqa: E402

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
SCRATCH_DATABASE = "bench_realtime"
REDIS_URL = "redis://127.0.0.1:6379/9"
ORGANISATIONS_CSV = ROOT / "docs" / "examples" / "organisations.csv"
PASSWORD = "Bench-realtime-pass-123"
P99_LIMIT_MS = 250
RATE_STEPS = (5, 10, 20, 40, 80, 160, 320, 640)
WORKER_CONNECTIONS = 6000  # room for the 5,000-socket case (--sockets)


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

    def __init__(self, app_spec: str, env: dict, log_dir: Path, cwd: Path = ROOT):
        self.port = free_port()
        self.app_spec, self.env, self.cwd = app_spec, env, cwd
        self.log_path = log_dir / f"server-{self.port}.log"
        self.process = None

    def start(self) -> "Server":
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--worker-class", "gevent", "--workers", "1", "--worker-connections", str(WORKER_CONNECTIONS),
             "--bind", f"127.0.0.1:{self.port}", self.app_spec],
            cwd=self.cwd, env=self.env, stdout=self.log_path.open("w"), stderr=subprocess.STDOUT,
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

    def rss_mib(self) -> float:
        """Resident memory of the worker (the process holding the sockets), MiB."""
        for line in Path(f"/proc/{worker_pid(self.process.pid)}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def log_problems(self) -> tuple[int, int]:
        """(tracebacks, lines logged as errors) in the server's log so far."""
        text = self.log_path.read_text(errors="replace")
        return text.count("Traceback"), sum(1 for line in text.splitlines() if " ERROR " in line or "[ERROR]" in line)

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


def seed(env: dict, cwd: Path = ROOT) -> str:
    """Schema, organisations, topic rooms and one account; returns its API token (all sockets share it:
    rate limits are off, and one user keeps the presence lists short)."""
    def flask(*args: str) -> str:
        return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=cwd, env=env, check=True,
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


# ---- the setups ----

class Setup:
    """One server setup under test: its servers, the token its sockets use, and the receivers of the
    current size."""

    def __init__(self, name: str, servers: list[Server], token: str | None, cleanup=None):
        self.name, self.servers, self.token, self.cleanup = name, servers, token, cleanup
        self.ports = [server.port for server in servers]
        self.receivers: Receivers | None = None

    def connect(self, size: int) -> None:
        self.receivers = Receivers(self.ports, self.token, size)
        if self.receivers.failures:
            print(f"{self.name}: {self.receivers.failures} of {size} receivers could not connect", flush=True)
        self.receivers.wait_quiet()  # the presence storm of N joins is over

    def disconnect(self) -> None:
        if self.receivers:
            self.receivers.stop()
            self.receivers = None

    def measure(self, rate: float, seconds: float, label: str = "") -> dict:
        return measure(self.name + label, self.ports, self.token, self.receivers, rate, seconds)

    def rss(self) -> str:
        return " + ".join(f"{server.rss_mib():.0f}" for server in self.servers)

    def stop(self) -> None:
        self.disconnect()
        for server in self.servers:
            server.stop()
        if self.cleanup:
            self.cleanup()


def start_setups(names: list[str], data_dir: Path, log_dir: Path, baseline: str | None) -> list[Setup]:
    setups = []
    try:
        for name in names:
            if name == "bare":
                setups.append(Setup("bare", [Server("bench.bare_broadcast:app", dict(os.environ), log_dir).start()],
                                    None))
            elif name == "app1":
                env = app_env(f"sqlite:///{data_dir / 'bench.db'}", data_dir / "app1", None)
                token = seed(env)
                setups.append(Setup("app 1 proc SQLite", [Server("wsgi:app", env, log_dir).start()], token))
            elif name == "before":
                tree = baseline_tree(baseline or "main", data_dir / "baseline")
                env = app_env(f"sqlite:///{data_dir / 'before.db'}", data_dir / "before", None)
                token = seed(env, cwd=tree)
                setups.append(Setup(f"app {baseline or 'main'} (before)",
                                    [Server("wsgi:app", env, log_dir, cwd=tree).start()], token))
            elif name == "app2":
                flush_redis()
                env = app_env(scratch_postgres(), data_dir / "app2", REDIS_URL)
                token = seed(env)
                servers = [Server("wsgi:app", env, log_dir).start() for _ in range(2)]
                setups.append(Setup("app 2 procs PG+Redis", servers, token,
                                    cleanup=lambda: (drop_scratch_postgres(), flush_redis())))
            else:
                raise SystemExit(f"unknown setup {name!r} (bare, app1, before, app2)")
    except BaseException:
        for setup in setups:
            setup.stop()
        raise
    return setups


def baseline_tree(ref: str, target: Path) -> Path:
    """The application as of `ref` (a commit or branch of this repository), to run beside this one."""
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


# ---- the run ----

def search(args):
    """The rate search of one setup as a generator: yields the next rate to try, is told whether it was
    healthy, returns the highest healthy rate. Doubles from RATE_STEPS[0] until a step fails, then
    halves the gap --refine times (3 times: within 1/16 of a doubling)."""
    good, bad = None, None
    for rate in [step * args.first_rate / RATE_STEPS[0] for step in RATE_STEPS][:args.max_steps]:
        if not (yield rate):
            bad = rate
            break
        good = rate
    if good is None or bad is None:
        return good
    for _ in range(args.refine):
        middle = round((good + bad) / 2, 2)
        if middle in (good, bad):
            break
        if (yield middle):
            good = middle
        else:
            bad = middle
    return good


def interleaved_search(setups: list[Setup], args) -> dict:
    """Every setup's rate search, one step of each in turn, so that whatever else the machine does
    at a moment falls on all of them alike."""
    def healthy_at(setup: Setup, rate: float) -> bool:
        # A failed step is measured again (--retries): one burst of other work can spoil 5 seconds.
        for _ in range(1 + args.retries):
            if healthy(setup.measure(rate, args.step_seconds, " (step)")):
                return True
        return False

    found, running = {}, {}
    for setup in setups:
        generator = search(args)
        running[setup.name] = (setup, generator, next(generator))
    while running:
        for name in list(running):
            setup, generator, rate = running[name]
            try:
                running[name] = (setup, generator, generator.send(healthy_at(setup, rate)))
            except StopIteration as stop:
                found[name] = stop.value
                del running[name]
    return found


def run_load(setups: list[Setup], args, search_size: int | None) -> dict:
    """Every size at --rate, the setups in turn; at `search_size` the interleaved rate search."""
    sustainable = {}
    print(HEADER, flush=True)
    for size in args.sizes:
        try:
            for setup in setups:
                setup.connect(size)
            for setup in setups:
                # Warm-up, not reported: first requests load templates, Markdown, database connections.
                setup.measure(args.rate, 2, " (warm-up)")
            measured = {setup.name: setup.measure(args.rate, args.seconds) for setup in setups}
            bare = measured.get("bare")
            for name, row in measured.items():
                if bare and name != "bare":
                    print(f"  {name} / bare at N={size}, {args.rate:g} msg/s: deliveries/s "
                          f"{row['deliveries_s'] / bare['deliveries_s']:.0%}, p50 {row['p50'] / bare['p50']:.2f}x, "
                          f"p99 {row['p99'] / bare['p99']:.2f}x", flush=True)
            if size == search_size:
                sustainable = interleaved_search(setups, args)  # two processes too, beside one (#23)
        finally:
            for setup in setups:
                setup.disconnect()
    print()
    if search_size:
        for name, rate in sustainable.items():
            print(f"sustainable rate ({name}, N={search_size}, p99 <= {P99_LIMIT_MS} ms, nothing lost): "
                  f"{rate if rate is not None else 'below ' + str(args.first_rate)} msg/s")
        bare = sustainable.get("bare")
        for name, rate in sustainable.items():
            if name != "bare" and bare and rate is not None:
                print(f"{name} / bare server: {rate / bare:.0%}")
    return sustainable


def run_profile(setups: list[Setup], args, out_dir: Path) -> None:
    """py-spy on each setup's worker while it fans out --profile-rates to --profile-size sockets."""
    results = []
    print(f"profile: N={args.profile_size}, {args.profile_seconds:g} s per rate, py-spy on the worker", flush=True)
    print(HEADER, flush=True)
    try:
        for setup in setups:
            setup.connect(args.profile_size)
            setup.measure(10, 2, " (warm-up)")
        for rate in args.profile_rates:
            for setup in setups:
                recording = Recording(worker_pid(setup.servers[0].process.pid),
                                      out_dir / f"profile-{len(results)}.txt")
                row = setup.measure(rate, args.profile_seconds)
                results.append((setup.name, rate, recording.buckets(), row["sent"]))
    finally:
        for setup in setups:
            setup.disconnect()
    print()
    print(per_message_table(results), flush=True)
    print()


def run_sockets(setups: list[Setup], args) -> None:
    """--sockets connected sockets per setup (one setup at a time: together they would not fit the
    load generator), the worker's resident memory before and after, and one delivery step."""
    print(f"{'setup':<22} | {'sockets':>7} | {'failed':>6} | {'RSS idle MiB':>12} | {'RSS connected MiB':>17} | "
          f"{'KiB/socket':>10}", flush=True)
    for setup in setups:
        idle = [server.rss_mib() for server in setup.servers]
        try:
            setup.connect(args.sockets)
            time.sleep(2)
            held = [server.rss_mib() for server in setup.servers]
            per_socket = (sum(held) - sum(idle)) * 1024 / max(setup.receivers.connected, 1)
            print(f"{setup.name:<22} | {setup.receivers.connected:>7} | {setup.receivers.failures:>6} | "
                  f"{' + '.join(f'{m:.0f}' for m in idle):>12} | {' + '.join(f'{m:.0f}' for m in held):>17} | "
                  f"{per_socket:>10.1f}", flush=True)
            print(HEADER, flush=True)
            setup.measure(args.sockets_rate, 5)
            print(f"{setup.name}: RSS after delivering: {setup.rss()} MiB", flush=True)
        finally:
            setup.disconnect()
    print()


def run_churn(setups: list[Setup], args) -> None:
    """--churn sockets per setup that disconnect during their join or while messages arrive; the
    server's log must stay free of tracebacks and errors."""
    for setup in setups:
        before = [server.log_problems() for server in setup.servers]
        asyncio.run(churn(setup.ports, setup.token, args.churn))
        time.sleep(2)
        after = [server.log_problems() for server in setup.servers]
        tracebacks = sum(a[0] - b[0] for a, b in zip(after, before))
        errors = sum(a[1] - b[1] for a, b in zip(after, before))
        print(f"churn ({setup.name}): {args.churn} sockets gone during a join or mid-message: "
              f"{tracebacks} tracebacks, {errors} error lines in the server log", flush=True)
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,500,1000", help="receivers in the room, comma-separated")
    parser.add_argument("--quick", action="store_true", help="N=100 only")
    parser.add_argument("--rate", type=float, default=20, help="messages per second, all senders together")
    parser.add_argument("--seconds", type=float, default=10, help="sending time per case")
    parser.add_argument("--step-seconds", type=float, default=5, help="sending time per step of the rate search")
    parser.add_argument("--first-rate", type=float, default=RATE_STEPS[0],
                        help="the search's first rate (msg/s), doubled from there (lower on a busy machine)")
    parser.add_argument("--max-steps", type=int, default=len(RATE_STEPS), help="at most this many rate steps")
    parser.add_argument("--refine", type=int, default=3, help="bisection steps after the first failing rate")
    parser.add_argument("--retries", type=int, default=1, help="measure a failing rate step again this often")
    parser.add_argument("--search-size", type=int, help="N for the rate search (default: the smallest size)")
    parser.add_argument("--no-search", action="store_true", help="skip the rate search")
    parser.add_argument("--log-dir", type=Path, help="keep the servers' logs here (default: thrown away)")
    parser.add_argument("--setups", default="bare,app1,app2",
                        help="which of bare, app1, before (the application as of --baseline), app2 to run")
    parser.add_argument("--baseline", help="commit or branch the `before` setup runs (default: main)")
    parser.add_argument("--modes", default="load", help="which of load, profile, sockets, churn to run, in this order")
    parser.add_argument("--profile-rates", default="10,30", help="msg/s at which to profile, comma-separated")
    parser.add_argument("--profile-size", type=int, default=1000, help="receivers while profiling")
    parser.add_argument("--profile-seconds", type=float, default=8, help="sending (and sampling) time per rate")
    parser.add_argument("--sockets", type=int, default=5000, help="connected sockets of the `sockets` mode")
    parser.add_argument("--sockets-rate", type=float, default=5, help="msg/s delivered to them once")
    parser.add_argument("--churn", type=int, default=200, help="sockets that come and go in the `churn` mode")
    args = parser.parse_args()
    args.sizes = [100] if args.quick else [int(size) for size in args.sizes.split(",")]
    args.profile_rates = [float(rate) for rate in args.profile_rates.split(",")]
    search_size = None if args.no_search else (args.search_size or min(args.sizes))
    modes = args.modes.split(",")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # servers and receivers inherit it

    with tempfile.TemporaryDirectory(prefix="bench-realtime-") as tmp:
        data_dir = Path(tmp)
        log_dir = args.log_dir or data_dir
        log_dir.mkdir(parents=True, exist_ok=True)
        setups = start_setups(args.setups.split(","), data_dir, log_dir, args.baseline)
        try:
            if "load" in modes:
                run_load(setups, args, search_size)
            if "profile" in modes:
                run_profile([setup for setup in setups if len(setup.servers) == 1], args, log_dir)
            if "sockets" in modes:
                run_sockets(setups, args)
            if "churn" in modes:
                run_churn(setups, args)
        finally:
            for setup in setups:
                setup.stop()


if __name__ == "__main__":
    main()
