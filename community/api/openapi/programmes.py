"""Funding programmes (community/programmes/api.py) in the OpenAPI document: list, read, create, change."""
from community.api.openapi.parts import (ID, json_response, operation, page_schema, path_id, query, query_schema,
                                         record, ref, request_body, responses, rule_schema)

BAD_VALUES = {"400": json_response("Bad values (`fields` names each: a deadline in the past, a rate outside 0–100, "
                                   "a Land programme without its Land, unknown fields ...), or a body that is not "
                                   "JSON.", ref("Error"))}
DAY = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}


def _nullable(schema: dict) -> dict:
    return {"oneOf": [{"type": "null"}, schema]}


def schemas() -> dict:
    from community.programmes import services
    from community.programmes.models import KINDS, LEVELS

    text = {"type": "string"}
    properties = {
        "id": ID, "title": text, "funder": text, "level": {"enum": list(LEVELS)},
        "land": _nullable({"enum": services.LAND_KEYS}),
        "eligible_org_types": {"type": "array", "items": {"enum": services.ORG_TYPE_SLUGS},
                               "description": "Empty: every public body."},
        "kind": {"enum": list(KINDS)}, "rate_percent": {"type": ["number", "null"], "minimum": 0, "maximum": 100},
        "max_amount_eur": {"type": ["number", "null"], "minimum": 0}, "deadline": _nullable(DAY),
        "rolling": {"type": "boolean"}, "url": text, "stand": DAY,
        "topics": {"type": "array", "items": {"enum": services.TOPIC_SLUGS}},
        "description": {**text, "description": "Markdown."},
    }
    ranked = record({**properties, "score": {"type": "number", "minimum": 0, "maximum": 1},
                     "terms": {"type": "array", "items": text,
                               "description": "The shared words that carried the match, most weighted first."}})
    fields = services.PROGRAMME_SCHEMA.fields
    body = {"type": "object", "additionalProperties": False, "properties": {
        "title": rule_schema(fields["title"]), "funder": rule_schema(fields["funder"]),
        "level": rule_schema(fields["level"]), "land": _nullable(rule_schema(fields["land"])),
        "eligible_org_types": rule_schema(fields["eligible_org_types"]), "kind": rule_schema(fields["kind"]),
        "rate_percent": {"type": ["number", "null"], "minimum": 0, "maximum": 100},
        "max_amount_eur": {"type": ["number", "null"], "minimum": 0, "maximum": services.MAX_AMOUNT},
        "deadline": _nullable({**DAY, "description": "Today or later."}), "rolling": {"type": "boolean"},
        "url": {"type": "string", "maxLength": 500, "description": "https://..."}, "stand": DAY,
        "topics": rule_schema(fields["topics"]), "description": rule_schema(fields["description"]),
    }}
    page = page_schema("Programme")
    page["properties"]["items"] = {"type": "array", "items": {"anyOf": [ref("Programme"), ref("RankedProgramme")]}}
    return {
        "Programme": record(properties),
        "RankedProgramme": ranked,
        "ProgrammePage": page,
        "ProgrammeCreate": {**body, "required": ["title", "funder", "level", "stand"]},
        "ProgrammeUpdate": body,
    }


def paths(paging: list) -> dict:
    from community.programmes import services

    filters = services.LIST_FILTERS.fields
    one = json_response("The programme", ref("Programme"))
    tag = "Programmes"
    return {
        "/programmes": {
            "get": operation(
                "list_programmes", "Funding programmes (never retired ones), by deadline; with need_id only those "
                "the need's organisation is eligible for, best match first, each with score and terms", tag,
                {**responses({"200": json_response("One page of programmes", ref("ProgrammePage"))}, "401", "404"),
                 **BAD_VALUES},
                parameters=[
                    query("land", rule_schema(filters["land"]), "Programmes open to this Land (its own, Bund, EU)."),
                    query("org_type", rule_schema(filters["org_type"]), "Programmes open to this type."),
                    query("topic", rule_schema(filters["topic"]), "Only programmes on this topic."),
                    query("open", query_schema(filters["open"]), "Only programmes whose deadline has not passed."),
                    query("need_id", {"type": "integer", "minimum": 1},
                          "Rank for this need (one you may see; 404 otherwise)."),
                    *paging]),
            "post": operation(
                "create_programme", "Add a funding programme (consultants)", tag,
                {**responses({"201": json_response("The new programme", ref("Programme"))}, "401", "403", "413"),
                 **BAD_VALUES}, requestBody=request_body("ProgrammeCreate")),
        },
        "/programmes/{programme_id}": {
            "parameters": [path_id("programme_id")],
            "get": operation("get_programme", "A funding programme", tag, responses({"200": one}, "401", "404")),
            "patch": operation(
                "update_programme", "Change a funding programme (consultants)", tag,
                {**responses({"200": one}, "401", "403", "404", "413"), **BAD_VALUES},
                requestBody=request_body("ProgrammeUpdate")),
        },
    }
