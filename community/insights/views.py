"""The insights as charts with their tables: one definition per chart serves the page and its CSV."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from community.consultations.services import LABELS
from community.insights import charts
from community.taxonomy import LAND_BY_SLUG, LAENDER, POPULATION_CLASS_BY_SLUG, POPULATION_CLASSES, TOPIC_BY_SLUG, \
    TOPICS


@dataclass
class Chart:
    slug: str
    title: object
    columns: list
    rows: list
    svg: object


def _dimension_labels() -> dict:
    from community.digitalcheck.services import questionnaire

    return {dimension.slug: str(dimension.label) for dimension in questionnaire().dimensions}


def build(data: dict) -> list[Chart]:
    needs = data["open_needs_by_topic_land"]
    counts = {(str(TOPIC_BY_SLUG[r["topic"]].label), LAND_BY_SLUG[r["land"]].label): r["count"] for r in needs}
    topics, laender = [str(t.label) for t in TOPICS], [land.label for land in LAENDER]
    dimensions = _dimension_labels()
    check = data["digital_check"]
    medians = {(dimensions.get(r["dimension"], r["dimension"]), str(POPULATION_CLASS_BY_SLUG[r["population_class"]].label)):
               r["median"] for r in check["by_population_class"]}
    classes = [str(c.label) for c in POPULATION_CLASSES]
    result = [
        Chart("open-needs", _l("Open needs by topic and Land"), [_l("Topic"), _l("Land (state)"), _l("Open needs")],
              [(str(TOPIC_BY_SLUG[r["topic"]].label), LAND_BY_SLUG[r["land"]].label, r["count"]) for r in needs],
              charts.heatmap("open-needs", str(_l("Open needs by topic and Land")), topics, laender, counts)),
        Chart("digital-check", _l("Digital Compass median scores by dimension and population class"),
              [_l("Dimension of the Digital Compass"), _l("Population class of the organisations"), _l("Median score (0–100)"), _l("Organisations counted")],
              [(dimensions.get(r["dimension"], r["dimension"]), str(POPULATION_CLASS_BY_SLUG[r["population_class"]].label),
                "–" if r["suppressed"] else r["median"], "–" if r["suppressed"] else r["organisations"])
               for r in check["by_population_class"]],
              charts.heatmap("digital-check", str(_l("Digital Compass median scores by dimension and population class")),
                             list(dimensions.values()), classes, medians)),
        Chart("weakest-fields", _l("Weakest fields of the Digital Compass"),
              [_l("Dimension of the Digital Compass"), _l("Median score (0–100)"), _l("Organisations counted")],
              [(dimensions.get(r["dimension"], r["dimension"]), r["median"], r["organisations"])
               for r in check["weakest_fields"]],
              charts.bars("weakest-fields", str(_l("Weakest fields of the Digital Compass")),
                          [(dimensions.get(r["dimension"], r["dimension"]), r["median"]) for r in check["weakest_fields"]])),
        Chart("consultations", _l("Consultations by status"),
              [_l("Status of the consultation"), _l("Consultations"), _l("Median age (days)")],
              [(str(LABELS["status"][r["status"]]), r["count"],
                "–" if r["median_age_days"] is None else r["median_age_days"])
               for r in data["consultations"]["by_status"]],
              charts.bars("consultations", str(_l("Consultations by status")),
                          [(str(LABELS["status"][r["status"]]), r["count"]) for r in data["consultations"]["by_status"]])),
        Chart("needs-per-month", _l("New needs per month"), [_l("Calendar month"), _l("New needs")],
              [(r["month"], r["count"]) for r in data["needs_per_month"]],
              charts.bars("needs-per-month", str(_l("New needs per month")),
                          [(r["month"], r["count"]) for r in data["needs_per_month"]])),
    ]
    return result
