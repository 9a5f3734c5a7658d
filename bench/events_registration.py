"""Event registration under a rush: 200 people register at the same moment for 50 places.

The application is served as in production (gunicorn, one gevent worker, docs/deploy.md) on
PostgreSQL (scratch database `bench_events`); 200 threads, each with its own HTTP connection and API
token, are released together against POST /api/v1/events/<id>/registrations. Printed: how many were
confirmed and waitlisted (must be exactly 50 and 150, waitlist positions 1..150 without gaps),
latency p50/p99/max, the wall time of the rush, and as the baseline the same 200 registrations one
after another on a fresh event (the rush's p50 and p99 as multiples of the sequential p50).

Run: .venv/bin/python bench/events_registration.py [--people 200] [--places 50] [--sqlite]
"""
import argparse
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch_postgres  # noqa: E402
from tests.events_world import at_once, register_call, seed_event_world  # noqa: E402
from tests.live_server import LiveServer  # noqa: E402

POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCRATCH_DATABASE = "bench_events"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def stored(database: str, event_id: int) -> tuple[int, int, int]:
    engine = sa.create_engine(database)
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT status, count(*) FROM registration WHERE event_id = :e "
                                         "GROUP BY status"), {"e": event_id}).all())
        counter = conn.execute(sa.text("SELECT confirmed_count FROM event WHERE id = :e"), {"e": event_id}).scalar()
    engine.dispose()
    return rows.get("confirmed", 0), rows.get("waitlisted", 0), counter


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--places", type=int, default=50)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    args = parser.parse_args()
    with ExitStack() as cleanup:
        directory = Path(tempfile.mkdtemp(prefix="bench-events-"))
        database = (f"sqlite:///{directory / 'bench.sqlite'}" if args.sqlite
                    else cleanup.enter_context(scratch_postgres(POSTGRES_SERVER, SCRATCH_DATABASE)))
        return rush_and_report(args, database, directory)


def rush_and_report(args, database: str, directory: Path) -> int:
    server = LiveServer(database, directory)
    try:
        server.flask("db", "upgrade")
        rush = seed_event_world(database, args.people, args.places, directory)
        baseline = seed_event_world(database, args.people, args.places, directory)
        server.start()
        started = time.perf_counter()
        results = at_once([register_call(server.url, rush.event_id, token) for token in rush.tokens])
        wall = time.perf_counter() - started
        sequential = []
        for token in baseline.tokens:
            answer, seconds = at_once([register_call(server.url, baseline.event_id, token)])[0]
            sequential.append(seconds)
    finally:
        server.stop()
    failures = [r for r, _ in results if not hasattr(r, "status_code") or r.status_code != 201]
    bodies = [r.json() for r, _ in results if hasattr(r, "status_code") and r.status_code == 201]
    confirmed = sum(b["status"] == "confirmed" for b in bodies)
    positions = sorted(b["position"] for b in bodies if b["status"] == "waitlisted")
    latencies = [seconds * 1000 for _, seconds in results]
    base_p50 = statistics.median(sequential) * 1000
    db_confirmed, db_waiting, counter = stored(database, rush.event_id)
    backend = "SQLite" if args.sqlite else "PostgreSQL"
    print(f"events registration rush on {backend}: {args.people} people at once for {args.places} places")
    print(f"  answers: {len(bodies)} x 201, {len(failures)} other")
    print(f"  confirmed {confirmed} (stored {db_confirmed}, counter {counter}), waitlisted {len(positions)} "
          f"(stored {db_waiting}), positions 1..{positions[-1] if positions else 0} without gaps: "
          f"{positions == list(range(1, len(positions) + 1))}")
    print(f"  latency p50 {statistics.median(latencies):.0f} ms  p99 {percentile(latencies, 0.99):.0f} ms  "
          f"max {max(latencies):.0f} ms  wall {wall * 1000:.0f} ms ({args.people / wall:.0f} registrations/s)")
    print(f"  baseline, one after another: p50 {base_p50:.1f} ms  p99 {percentile(sequential, 0.99) * 1000:.1f} ms")
    print(f"  rush vs baseline: p50 x{statistics.median(latencies) / base_p50:.1f}  "
          f"p99 x{percentile(latencies, 0.99) / base_p50:.1f}")
    ok = (confirmed == db_confirmed == counter == args.places and not failures
          and positions == list(range(1, args.people - args.places + 1)))
    print("  exactly the capacity confirmed, nothing lost: " + ("yes" if ok else "NO"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
