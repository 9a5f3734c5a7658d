"""Directory speed: the /organisations page with 100,000 organisations.

Builds a temporary SQLite database, and a scratch PostgreSQL database `bench_directory` when the
server at postgresql://postgres@127.0.0.1:5432/test is reachable (--postgres names another),
bulk-inserts deterministic data (organisations with topics, needs and offers), then times
the directory page through the Flask test client. Per case it prints the p50/p95 response time
and the SQL statements per request, counted with a before_cursor_execute event: the count is the
same for 20 and 100 rows per page, so there is no query per row (no N+1).

On PostgreSQL it then times the name searches without and with the pg_trgm GIN index
(ix_organisation_name_trgm, migration 4c1f2e9a7b30) and prints both and the ratio.

With --register the official register of 2025 (12,209 municipalities with AGS, population and postcode,
community/organisations/data/gv100ad/) is loaded first and the synthetic organisations come on top;
`--register --organisations 1000` is the real directory, `--organisations 13000` the same size without it.

Run: .venv/bin/python bench/directory_speed.py [--organisations 100000] [--register] [--repeat 30]
     [--sqlite-only] [--postgres-only]
"""
import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from community import create_app  # noqa: E402
from community.extensions import db  # noqa: E402
from community.organisations import register  # noqa: E402
from community.organisations.models import Organisation, OrganisationTopic  # noqa: E402
from community.organisations.register_import import import_register  # noqa: E402
from community.profiles.models import Need, Offer  # noqa: E402
from community.taxonomy import LAENDER, ORG_TYPES, POPULATION_CLASSES, TOPICS  # noqa: E402
from bench.scratch import scratch_postgres  # noqa: E402

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
SCRATCH_DATABASE = "bench_directory"
CASES = (
    ("no filter, page 1", ""),
    ("no filter, page 500", "page=500"),
    ("kind=company", "kind=company"),
    ("land=09 & topic=energie", "land=09&topic=energie"),
    ("q=haus (name search)", "q=haus"),
    ("q=4711 (rare name part)", "q=4711"),
    ("verified=1", "verified=1"),
    ("no filter, 100 per page", "per_page=100"),
    ("q=Bamberg (a register name)", "q=Bamberg"),
    ("q=09461000 (an AGS)", "q=09461000"),
    ("q=96047 (a postcode)", "q=96047"),
    ("kind=municipality & land=09", "kind=municipality&land=09"),
)
NAME_PARTS = ("Nord", "Süd", "Ost", "West", "Berg", "Tal", "Wald", "Feld", "Bach", "Au", "Haus", "Burg",
              "Dorf", "Heim", "Stein", "Brück", "Mühl", "Kirch", "Linden", "Eich")
BATCH = 10_000


def organisation_rows(count: int, rng: random.Random, first_id: int = 1):
    start = datetime(2020, 1, 1)
    for org_id in range(first_id, first_id + count):
        roll = rng.random()
        kind = "municipality" if roll < 0.8 else "company" if roll < 0.9 else "state" if roll < 0.95 else "federal"
        name = f"{rng.choice(NAME_PARTS)}{rng.choice(NAME_PARTS).lower()} {org_id}"
        created = start + timedelta(minutes=org_id)
        yield {
            "id": org_id, "name": name, "kind": kind, "org_type": rng.choice(ORG_TYPES[kind]).slug,
            "land": rng.choice(LAENDER).slug,
            "population_class": rng.choice(POPULATION_CLASSES).slug if kind == "municipality" else None,
            "description": "", "description_visibility": "public", "website": "", "contact_email": "",
            "contact_visibility": "members", "verified": rng.random() < 0.1, "is_demo": False,
            "created_at": created, "updated_at": created,
        }


def entry_rows(count: int, organisations: int, rng: random.Random, extra: dict):
    for _ in range(count):
        now = datetime(2024, 1, 1)
        yield {
            "organisation_id": rng.randint(1, organisations), "title": "Eintrag", "body": "",
            "topics": [rng.choice(TOPICS).slug], "ozg_ids": [], "status": "open" if rng.random() < 0.8 else "solved",
            "visibility": "public" if rng.random() < 0.8 else "members", "created_at": now, "updated_at": now,
            **extra,
        }


def insert_in_batches(model, rows) -> None:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            db.session.execute(sa.insert(model), batch)
            batch = []
    if batch:
        db.session.execute(sa.insert(model), batch)


def fill(count: int, with_register: bool = False) -> int:
    """Synthetic organisations (after the register's, with_register); returns how many there are."""
    rng = random.Random(20241125)
    db.drop_all()
    db.create_all()
    first = 1
    if with_register:
        first += import_register(register.bundled(), announce=False).created
    insert_in_batches(Organisation, organisation_rows(count, rng, first))
    total = first - 1 + count
    topic_rows = (
        {"organisation_id": org_id, "topic": slug}
        for org_id in range(first, total + 1)
        for slug in rng.sample([topic.slug for topic in TOPICS], rng.randint(1, 3))
    )
    insert_in_batches(OrganisationTopic, topic_rows)
    insert_in_batches(Need, entry_rows(total * 3 // 10, total, rng, {"urgency": "medium"}))
    insert_in_batches(Offer, entry_rows(total // 5, total, rng, {"offer_kind": "service"}))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    return total


NAME_SEARCHES = [case for case in CASES if case[1].startswith("q=")]
TRIGRAM_INDEX = "ix_organisation_name_trgm"


def time_cases(app, repeat: int, cases=CASES) -> list[tuple]:
    statements: list[str] = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client = app.test_client()
    results = []
    for label, query in cases:
        url = "/organisations" + (f"?{query}" if query else "")
        for _ in range(3):  # warm caches and the connection pool
            assert client.get(url).status_code == 200, url
        timings, counts = [], set()
        for _ in range(repeat):
            statements.clear()
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
            counts.add(len(statements))
        rows = response.get_data(as_text=True).count('<th scope="row"')
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        results.append((label, rows, statistics.median(timings), p95, sorted(counts)))
    return results


def run(name: str, url: str, count: int, repeat: int, with_register: bool = False) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {},
                      "SECRET_KEY": "bench", "RATE_LIMITS_ENABLED": False,
                      "PUBLIC_URL": "http://bench.invalid"})
    with app.app_context():
        started = time.perf_counter()
        total = fill(count, with_register)
        what = f"{total:,} organisations ({total - count:,} of the register)" if with_register else \
            f"{total:,} organisations"
        print(f"\n{name}: {what} loaded in {time.perf_counter() - started:.1f} s")
        print(f"{'case':<28} {'rows':>5} {'p50 ms':>8} {'p95 ms':>8}  SQL statements/request")
        for label, rows, p50, p95, counts in time_cases(app, repeat):
            print(f"{label:<28} {rows:>5} {p50:>8.1f} {p95:>8.1f}  {', '.join(map(str, counts))}")
        if db.engine.dialect.name == "postgresql":
            compare_trigram_index(app, repeat)
        db.session.remove()
        db.engine.dispose()


def compare_trigram_index(app, repeat: int) -> None:
    """The name searches without the trigram index (a scan of every name) and with it."""
    db.session.remove()  # the requests' session holds a lock that DROP INDEX would wait for
    with db.engine.begin() as conn:
        definition = conn.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"),
                                  {"name": TRIGRAM_INDEX}).scalar_one()
        conn.execute(sa.text(f"DROP INDEX {TRIGRAM_INDEX}"))
        conn.execute(sa.text("ANALYZE organisation"))
    before = time_cases(app, repeat, NAME_SEARCHES)
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(sa.text(definition))
        conn.execute(sa.text("ANALYZE organisation"))
    after = time_cases(app, repeat, NAME_SEARCHES)
    print(f"\npg_trgm GIN index on organisation.name: {definition}")
    print(f"{'case':<28} {'rows':>5} {'p50 without':>12} {'p50 with':>9} {'ratio':>6}")
    for (label, rows, p50_before, _, _), (_, _, p50_after, _, _) in zip(before, after, strict=True):
        print(f"{label:<28} {rows:>5} {p50_before:>10.1f}ms {p50_after:>7.1f}ms {p50_before / p50_after:>5.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--register", action="store_true", help="load the official register of 2025 first")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--postgres", default=POSTGRES_SERVER, help="server to create the scratch database on")
    args = parser.parse_args()
    if not args.postgres_only:
        with tempfile.TemporaryDirectory() as tmp:
            run("SQLite", f"sqlite:///{Path(tmp) / 'directory.sqlite'}", args.organisations, args.repeat,
                args.register)
    if args.sqlite_only:
        return
    try:
        with scratch_postgres(args.postgres, SCRATCH_DATABASE) as url:
            run(f"PostgreSQL (scratch database {SCRATCH_DATABASE})", url, args.organisations, args.repeat,
                args.register)
    except sa.exc.OperationalError as exc:
        print(f"\nPostgreSQL not reachable at {args.postgres}: {exc.__class__.__name__}; skipped")


if __name__ == "__main__":
    main()
