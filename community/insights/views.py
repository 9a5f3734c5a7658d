"""The insights as charts with their tables: one definition per chart serves the page and its CSV."""
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date, format_decimal
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


def number(value) -> str:
    """A figure as the reader writes it: 62,5 in German, 62.5 in English; – when suppressed."""
    return "–" if value is None else format_decimal(value, format="#,##0.#")


def month(key: str) -> str:
    """"2025-01" as the reader names the month: "Jan. 2025" / "Jan 2025"."""
    year, number_of_month = key.split("-")
    return format_date(date(int(year), int(number_of_month), 1), "MMM yyyy")


def build(data: dict) -> list[Chart]:
    charts_ = _build(data)
    for chart in charts_:  # pages and CSV files show figures in the reader's language
        chart.rows = [tuple(number(value) if isinstance(value, (int, float)) or value is None else value
                            for value in row) for row in chart.rows]
    return charts_


def _build(data: dict) -> list[Chart]:
    shares = data["open_need_shares"]
    share_cells = {(str(TOPIC_BY_SLUG[r["topic"]].label), LAND_BY_SLUG[r["land"]].label): r["share_percent"]
                   for r in shares}
    topics, laender = [str(t.label) for t in TOPICS], [land.label for land in LAENDER]
    dimensions = _dimension_labels()
    check = data["digital_check"]
    medians = {(dimensions.get(r["dimension"], r["dimension"]), str(POPULATION_CLASS_BY_SLUG[r["population_class"]].label)):
               r["median"] for r in check["by_population_class"]}
    classes = [str(c.label) for c in POPULATION_CLASSES]
    effect = data["consultation_effect"]
    effect_rows = [(_l("with a first consultation"), effect["with_consultation"]),
                   (_l("without a first consultation"), effect["without_consultation"])]
    result = [
        Chart("open-needs", _l("Share of organisations with an open need, by topic and Land (%)"),
              [_l("Topic"), _l("Land (state)"), _l("Organisations with an open need"),
               _l("Verified organisations in the Land"), _l("Share (%)")],
              [(str(TOPIC_BY_SLUG[r["topic"]].label), LAND_BY_SLUG[r["land"]].label, r["organisations"], r["of"],
                r["share_percent"]) for r in shares],
              charts.heatmap("open-needs", str(_l("Share of organisations with an open need, by topic and Land (%)")),
                             topics, laender, share_cells, show=number)),
        Chart("digital-check", _l("Digital Compass median scores by dimension and population class"),
              [_l("Dimension of the Digital Compass"), _l("Population class of the organisations"), _l("Median score (0–100)"), _l("Organisations counted")],
              [(dimensions.get(r["dimension"], r["dimension"]), str(POPULATION_CLASS_BY_SLUG[r["population_class"]].label),
                "–" if r["suppressed"] else r["median"], "–" if r["suppressed"] else r["organisations"])
               for r in check["by_population_class"]],
              charts.heatmap("digital-check", str(_l("Digital Compass median scores by dimension and population class")),
                             list(dimensions.values()), classes, medians, show=number)),
        Chart("weakest-fields", _l("Weakest fields of the Digital Compass"),
              [_l("Dimension of the Digital Compass"), _l("Median score (0–100)"), _l("Organisations counted")],
              [(dimensions.get(r["dimension"], r["dimension"]), r["median"], r["organisations"])
               for r in check["weakest_fields"]],
              charts.bars("weakest-fields", str(_l("Weakest fields of the Digital Compass")),
                          [(dimensions.get(r["dimension"], r["dimension"]), r["median"]) for r in check["weakest_fields"]],
                          show=number)),
        Chart("consultation-effect", _l("Change of the Digital Compass with and without a first consultation"),
              [_l("Organisations"), _l("Organisations counted"), _l("Mean change (points)")],
              [(str(label), group["organisations"] if group else "–", group["mean_change"] if group else "–")
               for label, group in effect_rows],
              charts.bars("consultation-effect", str(_l("Change of the Digital Compass with and without a first "
                                                         "consultation")),
                          [(str(label), group["mean_change"] if group else None) for label, group in effect_rows],
                          show=number)),
        Chart("consultations", _l("Consultations by status"),
              [_l("Status of the consultation"), _l("Consultations"), _l("Median age (days)")],
              [(str(LABELS["status"][r["status"]]), r["count"],
                "–" if r["median_age_days"] is None else r["median_age_days"])
               for r in data["consultations"]["by_status"]],
              charts.bars("consultations", str(_l("Consultations by status")),
                          [(str(LABELS["status"][r["status"]]), r["count"]) for r in data["consultations"]["by_status"]],
                          show=number)),
        Chart("needs-per-month", _l("New needs per month"), [_l("Calendar month"), _l("New needs")],
              [(month(r["month"]), r["count"]) for r in data["needs_per_month"]],
              charts.bars("needs-per-month", str(_l("New needs per month")),
                          [(month(r["month"]), r["count"]) for r in data["needs_per_month"]], show=number)),
    ]
    return result
