"""Insights speed: GET /api/v1/insights with 100,000 needs and 10,000 assessments on PostgreSQL.

Creates a scratch PostgreSQL database `bench_insights_<pid>` (on the server at
postgresql://postgres@127.0.0.1:5432/test unless --postgres names another), bulk-inserts deterministic
organisations, needs (1–3 topics each, 70 % open, spread over 24 months), latest submitted assessments
with scores and some consultations, then times the endpoint through the Flask test client with the
10-second cache switched off (every request computes), and once with it on. Prints p50/p95 and the
EXPLAIN ANALYZE plan of the heaviest query (open needs by topic × Land).

Run: .venv/bin/python bench/insights_speed.py [--needs 100000] [--assessments 10000] [--repeat 30]
"""
import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.directory_speed import insert_in_batches  # noqa: E402
from bench.scratch import scratch_postgres  # noqa: E402
from community import create_app  # noqa: E402
from community.auth.models import ApiToken, User  # noqa: E402
from community.consultations.models import Consultation  # noqa: E402
from community.consultations.workflow import STATUSES  # noqa: E402
from community.digitalcheck.models import Assessment  # noqa: E402
from community.extensions import db  # noqa: E402
from community.insights import services as insights_services  # noqa: E402
from community.insights.services import _OPEN_NEEDS_SQL  # noqa: E402
from community.organisations.models import Organisation  # noqa: E402
from community.profiles.models import Need  # noqa: E402
from community.taxonomy import LAENDER, POPULATION_CLASSES, TOPICS  # noqa: E402

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
DIMENSIONS = ("strategie", "organisation", "onlinedienste", "infrastruktur", "sicherheit", "daten")


def insert(model, rows) -> None:
    insert_in_batches(model, rows)
    db.session.commit()


def fill(needs: int, assessments: int, rng: random.Random) -> None:
    organisations = max(assessments, needs // 10)
    now = datetime.utcnow()
    insert(Organisation, ({"id": i, "name": f"Gemeinde {i}", "kind": "municipality", "org_type": "gemeinde",
                           "land": rng.choice(LAENDER).slug, "population_class": rng.choice(POPULATION_CLASSES).slug,
                           "description": "", "description_visibility": "public", "website": "", "contact_email": "",
                           # verified: the Digital-Check medians count verified organisations only
                           "contact_visibility": "members", "verified": True, "is_demo": False,
                           "created_at": now, "updated_at": now} for i in range(1, organisations + 1)))
    topics = [t.slug for t in TOPICS]
    insert(Need, ({"id": i, "organisation_id": rng.randint(1, organisations), "title": f"Bedarf {i}", "body": "",
                   "topics": rng.sample(topics, rng.randint(1, 3)), "ozg_ids": [], "visibility": "public",
                   "urgency": "medium", "status": "open" if rng.random() < 0.7 else "solved",
                   "created_at": now - timedelta(days=rng.randint(0, 730)), "updated_at": now}
                  for i in range(1, needs + 1)))
    insert(Assessment, ({"id": i, "organisation_id": i, "status": "submitted", "questionnaire_version": "bench",
                         "answers": {}, "priorities": {}, "is_latest": True, "share_with_centre": False,
                         "show_to_peers": False, "is_demo": False, "submitted_at": now, "created_at": now,
                         "updated_at": now, "scores": {d: round(rng.uniform(0, 100), 1) for d in DIMENSIONS}}
                        for i in range(1, assessments + 1)))
    insert(Consultation, ({"organisation_id": rng.randint(1, organisations), "subject": "Beratung", "description": "",
                           "topics": ["ozg"], "urgency": "normal", "preferred_format": "video",
                           "status": rng.choice(STATUSES), "decline_reason": "", "advice": "", "recommendations": [],
                           "rating_comment": "", "is_demo": False, "created_at": now - timedelta(days=rng.randint(0, 90)),
                           "updated_at": now} for _ in range(500)))
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()


def timed(client, headers, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get("/api/v1/insights", headers=headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)
    return times


def report(label: str, times: list[float]) -> None:
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
    print(f"{label:<34} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   (n={len(times)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=100_000)
    parser.add_argument("--assessments", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--postgres", default=POSTGRES_SERVER)
    args = parser.parse_args()

    with scratch_postgres(args.postgres, f"bench_insights_{os.getpid()}") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "INSIGHTS_CACHE_SECONDS": 0,
                          "RATE_LIMITS_ENABLED": False, "RATELIMIT_ENABLED": False})
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            fill(args.needs, args.assessments, random.Random(14))
            print(f"filled {args.needs:,} needs, {args.assessments:,} assessments in "
                  f"{time.perf_counter() - started:.1f} s (PostgreSQL)")
            consultant = User(email="bench@example.org", name="Bench", password_hash="-", role="consultant")
            db.session.add(consultant)
            db.session.commit()
            _, token = ApiToken.issue(consultant, name="bench")
            db.session.commit()
            headers = {"Authorization": f"Bearer {token}"}
            client = app.test_client()
            timed(client, headers, 2)  # warm the connection pool and the questionnaire
            report("insights, computed every request", timed(client, headers, args.repeat))
            for part in ("open_needs_by_topic_land", "digital_check", "consultations", "needs_per_month"):
                function = getattr(insights_services, part)
                times = []
                for _ in range(5):
                    start = time.perf_counter()
                    function()
                    times.append((time.perf_counter() - start) * 1000)
                    db.session.rollback()
                report(f"  part: {part}", times)
            app.config["INSIGHTS_CACHE_SECONDS"] = 10
            report("insights, 10 s cache", timed(client, headers, args.repeat))
            plan = db.session.execute(sa.text("EXPLAIN ANALYZE " + _OPEN_NEEDS_SQL)).scalars().all()
            print("\nEXPLAIN ANALYZE (open needs by topic × Land):\n" + "\n".join(plan))
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
