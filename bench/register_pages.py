"""The pages that scale with the register, on the seeded demo: how long seeding and the matching build take
and how fast the start page, the directory and its searches, the search page, the registration search and
the Digital-Check result page answer for a demo member.

Seeds `flask seed-demo` into a SQLite file in a temporary directory (with --postgres into a scratch
PostgreSQL database `bench_register`), the whole register unless --slice N (DEMO_REGISTER_SLICE), then
times the full matching rebuild and each page through the Flask test client (p50/p95 over --repeat).
Run the same script against an older checkout (PYTHONPATH=that checkout) for the figures before.

Run: .venv/bin/python bench/register_pages.py [--slice 0] [--repeat 20] [--postgres]
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from community import create_app  # noqa: E402
from community.auth.models import User  # noqa: E402
from community.demo import seed  # noqa: E402
from community.extensions import db  # noqa: E402
from community.organisations.models import Organisation  # noqa: E402

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
SCRATCH_DATABASE = "bench_register"
PAGES = (
    ("start page", "/"),
    ("directory, page 1", "/organisations"),
    ("directory, municipalities in Bayern", "/organisations?kind=municipality&land=09"),
    ("directory, q=Bamberg", "/organisations?q=Bamberg"),
    ("directory, q=09461000 (AGS)", "/organisations?q=09461000"),
    ("directory, q=96047 (postcode)", "/organisations?q=96047"),
    ("registration search, q=Bamberg", "/register/find?q=Bamberg"),
    ("search, q=Bauantrag", "/search?q=Bauantrag"),
    ("Digital-Check result", None),
)


def _timed(client, url: str, repeat: int) -> tuple[float, float]:
    for _ in range(2):
        assert client.get(url).status_code == 200, url
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]


def _member_with_check():
    """A demo member of a municipality with a submitted Digital-Check, and that check's id."""
    from community.digitalcheck.models import Assessment

    row = db.session.execute(
        sa.select(User, Assessment.id).join(Assessment, Assessment.organisation_id == User.organisation_id)
        .filter(User.email.like("%@demo.example.org"), Assessment.submitted_at.is_not(None))
        .order_by(Assessment.id.desc()).limit(1)).first()
    if row is not None:
        return row
    return db.session.scalars(sa.select(User).filter(User.email.like("gemeinde.admin@%"))).first(), None


def run(url: str, size: int, repeat: int, index_dir: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MATCHING_INDEX_DIR": str(index_dir), "SQLALCHEMY_ENGINE_OPTIONS": {}, "SECRET_KEY": "bench",
                      "RATE_LIMITS_ENABLED": False, "DEMO_REGISTER_SLICE": size, "MATCHING_BACKGROUND_REFIT": False,
                      "SERVER_NAME": "localhost", "PUBLIC_URL": "http://localhost", "TRUSTED_HOSTS_EXTRA": ""})
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        seed.seed(7)
        seeded = time.perf_counter() - started
        organisations = db.session.scalar(sa.select(sa.func.count(Organisation.id)))
        from community.suggestions import engine

        started = time.perf_counter()
        total, records = engine.database_records()
        engine.save_snapshot(records, engine.latest_change_id())
        built = time.perf_counter() - started
        print(f"{organisations:,} organisations; seed-demo {seeded:.1f} s; "
              f"matching build {built:.2f} s ({total:,} records)")
        user, assessment_id = _member_with_check()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            session["locale"] = "de"
        print(f"{'page':<36} {'p50 ms':>8} {'p95 ms':>8}")
        for label, path in PAGES:
            if path is None:
                if assessment_id is None:
                    continue
                path = f"/digital-check/{assessment_id}"
            p50, p95 = _timed(client, path, repeat)
            print(f"{label:<36} {p50:>8.1f} {p95:>8.1f}")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slice", type=int, default=0, help="organisations of the register; 0 = all")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database instead of SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            from bench.scratch import scratch_postgres

            with scratch_postgres(POSTGRES_SERVER, SCRATCH_DATABASE) as url:
                run(url, args.slice, args.repeat, Path(tmp))
            return
        run(f"sqlite:///{Path(tmp) / 'register.sqlite'}", args.slice, args.repeat, Path(tmp))


if __name__ == "__main__":
    main()
