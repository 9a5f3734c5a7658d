"""Digitalkompass demo data (the documented model: size class and Land shift maturity, with noise) and the
anonymised CSV export (k = 5)."""
import csv
import io
import random
from statistics import mean

import sqlalchemy as sa

from community.digitalcheck import demo, services
from community.digitalcheck.models import Assessment, AssessmentScore
from community.extensions import db
from tests.factories import make_org, make_user


def _towns(count, **fields):
    return [make_org(verified=True, **fields) for _ in range(count)]  # only verified ones count as peers


def test_the_model_shifts_maturity_by_size_class_and_marks_demo_rows(app):
    small, large = _towns(30, population_class="lt5k"), _towns(30, population_class="gt500k")
    written = demo.seed_assessments(random.Random(7), small + large)
    assert written >= 60
    rows = db.session.scalars(sa.select(Assessment)).all()
    assert all(row.is_demo and row.is_submitted and row.scores for row in rows)
    latest = [row for row in rows if row.is_latest]
    assert len(latest) == 60 and len({row.organisation_id for row in latest}) == 60
    small_ids = {org.id for org in small}
    assert mean(r.overall for r in latest if r.organisation_id in small_ids) + 15 < \
        mean(r.overall for r in latest if r.organisation_id not in small_ids)
    stored = db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentScore))
    assert stored == sum(sum(1 for v in row.scores.values() if v is not None) for row in rows)
    # Version 2: each answers only its org type's questions, with both kinds of "weiß nicht" and targets.
    assert all(row.questionnaire_version == services.questionnaire().version for row in rows)
    assert all(set(row.answers) <= set(services.questionnaire_for(row).questions) for row in rows)
    values = [value for row in rows for value in row.answers.values()]
    assert "dont_know" in values and "not_applicable" in values and any(row.targets for row in rows)
    # The benchmark reads them.
    own = services.create(make_user(make_org(population_class="lt5k")), {"buergerservices.termine": 1}, submit=True)
    assert services.benchmarks(own)["population_class"]["buergerservices"]["peers"] == 30


def test_export_writes_aggregates_only_for_groups_of_five(app, runner, tmp_path):
    demo.seed_assessments(random.Random(3), _towns(6, population_class="lt5k", land="09")
                          + _towns(4, population_class="gt500k", land="09"))
    result = runner.invoke(args=["digital-check", "export", "--with-demo"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output.lstrip("\ufeff")), delimiter=";"))
    groups = {(row["group"], row["value"]) for row in rows}
    assert ("all", "") in groups and ("population_class", "lt5k") in groups and ("land", "09") in groups
    assert ("population_class", "gt500k") not in groups  # 4 < k
    assert all(int(row["organisations"]) >= 5 for row in rows)
    assert {row["dimension"] for row in rows} >= {"overall", "buergerservices"}
    # Without demo rows nothing is left; to a file.
    target = tmp_path / "export.csv"
    result = runner.invoke(args=["digital-check", "export", "-o", str(target)])
    assert result.exit_code == 0 and target.read_text(encoding="utf-8-sig").strip() == "group;value;dimension;organisations;median;p25;p75"


def test_districts_answer_district_questions_and_compare_with_districts(app):
    districts = _towns(6, org_type="landkreis", population_class="100k-500k")
    gemeinden = _towns(6, org_type="gemeinde", population_class="100k-500k")
    demo.seed_assessments(random.Random(5), districts + gemeinden)
    district_ids = {org.id for org in districts}
    for row in db.session.scalars(sa.select(Assessment).where(Assessment.is_latest.is_(True))):
        asked = set(row.answers)
        assert ("raum.oepnv" in asked) == (row.organisation_id in district_ids)
        assert ("raum.waermeplanung" in asked) == (row.organisation_id not in district_ids)
    own = services.create(make_user(make_org(org_type="landkreis", population_class="100k-500k")),
                          {"buergerservices.bauantrag": 2}, submit=True)
    assert services.benchmarks(own)["population_class"]["buergerservices"]["peers"] == 6
