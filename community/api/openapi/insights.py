"""The competence centre's insights (community/api/insights.py)."""
from community.api.openapi.parts import json_response, operation, record, ref, responses


def schemas() -> dict:
    from community.consultations.workflow import STATUSES
    from community.taxonomy import LAENDER, POPULATION_CLASSES, TOPICS

    count = {"type": "integer", "minimum": 0}
    suppressed_number = {"type": ["number", "null"], "description": "null: fewer than 5 organisations."}
    return {"Insights": record({
        "open_needs_by_topic_land": {"type": "array", "items": record({
            "topic": {"enum": [t.slug for t in TOPICS]}, "land": {"enum": [land.slug for land in LAENDER]},
            "count": count})},
        "consultation_effect": record({
            name: {"oneOf": [{"type": "null"}, record({"organisations": count, "mean_change": {"type": "number"}})],
                   "description": "Mean change of the overall Digital Compass score from the first to the latest "
                                  "check; null below 5 verified organisations."}
            for name in ("with_consultation", "without_consultation")}),
        "open_need_shares": {"type": "array", "description": "Per topic and Land the share of the Land's verified "
                             "organisations with an open need on the topic; null below 5 verified organisations.",
                             "items": record({
                                 "topic": {"enum": [t.slug for t in TOPICS]},
                                 "land": {"enum": [land.slug for land in LAENDER]},
                                 "organisations": {"type": ["integer", "null"], "minimum": 0},
                                 "of": {"type": ["integer", "null"], "minimum": 0},
                                 "share_percent": {"type": ["number", "null"], "minimum": 0, "maximum": 100}})},
        "digital_check": record({
            "assessments": count,
            "by_population_class": {"type": "array", "items": record({
                "dimension": {"type": "string"}, "population_class": {"enum": [c.slug for c in POPULATION_CLASSES]},
                "median": suppressed_number, "organisations": {"type": ["integer", "null"]},
                "suppressed": {"type": "boolean"}})},
            "weakest_fields": {"type": "array", "maxItems": 5, "items": record({
                "dimension": {"type": "string"}, "median": {"type": "number"}, "organisations": count})},
        }),
        "consultations": record({
            "total": count, "open": count, "median_open_age_days": suppressed_number,
            "by_status": {"type": "array", "items": record({
                "status": {"enum": list(STATUSES)}, "count": count, "median_age_days": suppressed_number})},
        }),
        "needs_per_month": {"type": "array", "items": record({
            "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}, "count": count})},
    })}


def paths(paging: list) -> dict:
    return {"/insights": {"get": operation(
        "get_insights", "Open needs by topic × Land, Digital-Check medians, consultations, new needs per month "
                        "(consultants and admins; at most 10 s old)", "Insights",
        responses({"200": json_response("The insights", ref("Insights"))}, "401", "403"))}}
