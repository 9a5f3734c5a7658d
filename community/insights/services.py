"""The competence centre's picture of the country, live from the data: open needs by topic × Land,
Digital-Check medians by dimension × population class and the weakest fields, consultations by status
and their median age, and new needs per month.

Aggregates over fewer than K_ANONYMITY organisations are suppressed (null), except the counts of open
needs and of consultations, which identify nobody; the medians read and count verified organisations only
(each once), so registering organisations cannot unlock a figure. Needs kept inside their organisation
still count in the open needs: a count names nobody. Each app keeps the result at most
INSIGHTS_CACHE_SECONDS (10 s at most), so a change shows within that time.
"""
import json
import time
from datetime import timedelta
from statistics import median

import sqlalchemy as sa
from flask import current_app

from community.consultations.models import Consultation
from community.digitalcheck.models import SUBMITTED, Assessment
from community.digitalcheck.scoring import K_ANONYMITY
from community.extensions import db
from community.models_base import utcnow
from community.organisations.models import Organisation
from community.taxonomy import LAENDER, POPULATION_CLASSES, TOPICS

MONTHS = 24
MAX_CACHE_SECONDS = 10
CACHE_KEY = "insights_cache"

# Open needs grouped by their topic list as stored and the Land: a few thousand groups however many
# needs there are; the lists are unnested in Python. Unnesting every need in SQL was twice as slow.
_OPEN_NEEDS_SQL = (
    "SELECT CAST(n.topics AS TEXT), o.land, count(*) FROM need n JOIN organisation o ON o.id = n.organisation_id "
    "WHERE n.status = 'open' AND o.land IS NOT NULL GROUP BY CAST(n.topics AS TEXT), o.land"
)
_MONTH_SQL = {
    "postgresql": "SELECT to_char(date_trunc('month', created_at), 'YYYY-MM') AS month, count(*) FROM need WHERE created_at >= :since "
                  "GROUP BY month ORDER BY month",
    "sqlite": "SELECT strftime('%Y-%m', created_at) AS month, count(*) FROM need WHERE created_at >= :since "
              "GROUP BY month ORDER BY month",
}


def _dialect() -> str:
    return db.engine.dialect.name


def open_needs_by_topic_land() -> list[dict]:
    topics, laender = {t.slug for t in TOPICS}, {land.slug for land in LAENDER}
    counts: dict[tuple[str, str], int] = {}
    for stored, land, count in db.session.execute(sa.text(_OPEN_NEEDS_SQL)):
        if land not in laender:
            continue
        for topic in set(json.loads(stored or "[]")):
            if topic in topics:
                counts[(topic, land)] = counts.get((topic, land), 0) + count
    return [{"topic": topic, "land": land, "count": count} for (topic, land), count in sorted(counts.items())]


# Which verified organisations have an open need on which topics, per Land: the numerator of the shares.
_NEEDING_ORGANISATIONS_SQL = (
    "SELECT n.organisation_id, CAST(n.topics AS TEXT), o.land FROM need n JOIN organisation o ON o.id = n.organisation_id "
    "WHERE n.status = 'open' AND o.verified AND o.land IS NOT NULL "
    "GROUP BY n.organisation_id, CAST(n.topics AS TEXT), o.land"
)


def open_need_shares() -> list[dict]:
    """Per topic × Land the share of the Land's verified organisations with an open need on that topic, in percent:
    where need is highest, not where most organisations are. A Land with fewer than K_ANONYMITY verified
    organisations shows no share (null): one organisation would be 100 %."""
    topics, laender = {t.slug for t in TOPICS}, {land.slug for land in LAENDER}
    per_land = dict(db.session.execute(sa.select(Organisation.land, sa.func.count()).where(
        Organisation.verified.is_(True), Organisation.land.is_not(None)).group_by(Organisation.land)).all())
    needing: dict[tuple[str, str], set[int]] = {}
    for organisation_id, stored, land in db.session.execute(sa.text(_NEEDING_ORGANISATIONS_SQL)):
        if land in laender:
            for topic in set(json.loads(stored or "[]")) & topics:
                needing.setdefault((topic, land), set()).add(organisation_id)
    rows = []
    for (topic, land), organisations in sorted(needing.items()):
        total = per_land.get(land, 0)
        share = round(100 * len(organisations) / total, 1) if total >= K_ANONYMITY else None
        rows.append({"topic": topic, "land": land, "organisations": len(organisations) if share is not None else None,
                     "of": total if share is not None else None, "share_percent": share})
    return rows


def digital_check() -> dict:
    """Per dimension × population class the median score of the organisations' latest Digital-Check;
    and the dimensions with the lowest median over all organisations."""
    from community.digitalcheck.services import questionnaire

    slugs = [dimension.slug for dimension in questionnaire().dimensions]
    cells, overall, assessments = _dimension_medians(slugs)
    by_class = []
    for slug in slugs:
        for population_class in (choice.slug for choice in POPULATION_CLASSES):
            value, organisations = cells.get((slug, population_class), (None, 0))
            suppressed = organisations < K_ANONYMITY
            by_class.append({"dimension": slug, "population_class": population_class,
                             "median": None if suppressed else value,
                             "organisations": None if suppressed else organisations, "suppressed": suppressed})
    weakest = [{"dimension": slug, "median": value, "organisations": organisations}
               for slug, (value, organisations) in overall.items() if organisations >= K_ANONYMITY]
    weakest.sort(key=lambda row: (row["median"], row["dimension"]))
    return {"assessments": assessments, "by_population_class": by_class, "weakest_fields": weakest[:5]}


Medians = dict  # key -> (median rounded to 0.1, number of organisations)


def _latest_assessments():
    return sa.and_(Assessment.is_latest.is_(True), Assessment.status == SUBMITTED)


def _dimension_medians(slugs) -> tuple[Medians, Medians, int]:
    rows = db.session.execute(
        sa.select(Assessment.scores, Organisation.population_class)
        .join(Organisation, Organisation.id == Assessment.organisation_id)
        .where(_latest_assessments(), Organisation.verified.is_(True))).all()
    cells: dict[tuple[str, str], list[float]] = {}
    overall: dict[str, list[float]] = {}
    for scores, population_class in rows:
        for slug in slugs:
            score = (scores or {}).get(slug)
            if score is None:
                continue
            overall.setdefault(slug, []).append(score)
            if population_class:
                cells.setdefault((slug, population_class), []).append(score)

    def summary(groups):
        return {key: (round(median(values), 1), len(values)) for key, values in groups.items()}

    return summary(cells), summary(overall), len(rows)


def consultations() -> dict:
    from community.consultations.workflow import OPEN_STATUSES, STATUSES

    now = utcnow()
    rows = db.session.execute(sa.select(Consultation.status, Consultation.organisation_id, Consultation.created_at,
                                        Consultation.closed_at, Organisation.verified)
                              .outerjoin(Organisation, Organisation.id == Consultation.organisation_id)).all()
    by_status = []
    for status in STATUSES:
        cases = [row for row in rows if row.status == status]
        # The medians read only verified organisations' cases: registered ones must not unlock them.
        ages = [((row.closed_at or now) - row.created_at) / timedelta(days=1) for row in cases if row.verified]
        organisations = {row.organisation_id for row in cases if row.verified}
        by_status.append({"status": status, "count": len(cases),
                          "median_age_days": round(median(ages), 1) if len(organisations) >= K_ANONYMITY else None})
    open_cases = [row for row in rows if row.status in OPEN_STATUSES]
    open_ages = [(now - row.created_at) / timedelta(days=1) for row in open_cases if row.verified]
    return {"total": len(rows), "open": len(open_cases), "by_status": by_status,
            "median_open_age_days": round(median(open_ages), 1)
            if len({row.organisation_id for row in open_cases if row.verified}) >= K_ANONYMITY else None}


def _month_start(months_back: int):
    today = utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    year, month = divmod(today.year * 12 + today.month - 1 - months_back, 12)
    return today.replace(year=year, month=month + 1)


def needs_per_month() -> list[dict]:
    """New needs per calendar month over the last MONTHS months, months without any included."""
    since = _month_start(MONTHS - 1)
    counts = dict(db.session.execute(sa.text(_MONTH_SQL[_dialect()]), {"since": since}).all())
    months = [_month_start(back).strftime("%Y-%m") for back in range(MONTHS - 1, -1, -1)]
    return [{"month": month, "count": counts.get(month, 0)} for month in months]


def consultation_effect() -> dict:
    """The mean change of the overall Digital Compass score from an organisation's first submitted check to its
    latest, for verified organisations with at least two, split by whether a consultation was advised for them
    before the latest check; a group of fewer than K_ANONYMITY organisations shows null."""
    checks: dict[int, list] = {}
    for organisation_id, submitted_at, overall in db.session.execute(
            sa.select(Assessment.organisation_id, Assessment.submitted_at, Assessment.overall)
            .join(Organisation, Organisation.id == Assessment.organisation_id)
            .where(Assessment.status == SUBMITTED, Assessment.overall.is_not(None), Organisation.verified.is_(True))
            .order_by(Assessment.organisation_id, Assessment.submitted_at)):
        checks.setdefault(organisation_id, []).append((submitted_at, overall))
    advised = dict(db.session.execute(
        sa.select(Consultation.organisation_id, sa.func.min(Consultation.created_at))
        .where(Consultation.status.in_(("advised", "closed"))).group_by(Consultation.organisation_id)).all())
    groups: dict[str, list[float]] = {"with_consultation": [], "without_consultation": []}
    for organisation_id, rows in checks.items():
        if len(rows) < 2:
            continue
        (first_at, first), (last_at, last) = rows[0], rows[-1]
        consulted = organisation_id in advised and advised[organisation_id] < last_at
        groups["with_consultation" if consulted else "without_consultation"].append(last - first)
    return {name: {"organisations": len(changes), "mean_change": round(sum(changes) / len(changes), 1)}
            if len(changes) >= K_ANONYMITY else None for name, changes in groups.items()}


def compute() -> dict:
    if _dialect() == "postgresql":
        # Compiling these short aggregates (JIT) costs more than running them.
        db.session.execute(sa.text("SET LOCAL jit = off"))
    return {"open_needs_by_topic_land": open_needs_by_topic_land(), "open_need_shares": open_need_shares(),
            "digital_check": digital_check(), "consultation_effect": consultation_effect(),
            "consultations": consultations(), "needs_per_month": needs_per_month()}


def insights() -> dict:
    """The insights, computed at most every INSIGHTS_CACHE_SECONDS per app (never more than 10 s)."""
    ttl = min(MAX_CACHE_SECONDS, current_app.config.get("INSIGHTS_CACHE_SECONDS", MAX_CACHE_SECONDS))
    cache = current_app.extensions.setdefault(CACHE_KEY, {})
    now = time.monotonic()
    if ttl <= 0 or cache.get("until", 0) <= now:
        cache["value"], cache["until"] = compute(), now + ttl
    return cache["value"]
