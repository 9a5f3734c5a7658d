"""Good examples (community/api/examples.py): write, list (ranked for a need), read, edit, review, re-use."""
from community.api.openapi.parts import (ID, TIMESTAMP, body_schema, json_response, operation, or_null, path_id, query,
                                         ref, request_body, responses, rule_schema, stored_schema)

BAD_VALUES = {"400": json_response("Bad values (`fields` names each), or a body that is not a JSON object.",
                                   ref("Error"))}


def schemas() -> dict:
    from community.examples import services
    from community.examples.models import STATUSES

    fields = services.FIELDS
    text = {"type": "string"}
    nullable_text = {"type": ["string", "null"]}
    named = {"type": "object", "properties": {"id": ID, "name": text}, "required": ["id", "name"],
             "additionalProperties": False}
    properties = {
        "id": ID, "status": {"enum": list(STATUSES), "description": "Outside the author's organisation and the "
                                                                  "reviewers always `published`."},
        **{name: stored_schema(fields[name]) for name in ("title", "summary", "problem", "solution", "results",
                                                            "lessons", "topics", "ozg_ids")},
        "partner_organisation_ids": {"type": "array", "items": ID},
        "costs": {"enum": [c.slug for c in services.COSTS] + [None]},
        "duration_months": {"type": ["integer", "null"], "minimum": 0},
        "project_status": {"enum": [s.slug for s in services.PROJECT_STATUSES]},
        "contact_open": {"type": "boolean"},
        "partner_organisations": {"type": "array", "items": named},
        "ozg_services": {"type": "array", "items": named},
        "organisation": {"type": "object", "properties": {"id": ID, "name": text, "land": nullable_text,
                                                          "population_class": nullable_text},
                         "required": ["id", "name", "land", "population_class"], "additionalProperties": False},
        "published": {"type": "boolean", "description": "Whether a reviewed version is public (it stays public "
                                                        "while an edit is in review)."},
        "published_at": {"oneOf": [{"type": "null"}, TIMESTAMP]},
        "helpful": {"type": "integer", "minimum": 0, "description": "\"hilfreich\" votes"},
        "demo": {"type": "boolean"}, "url": text, "created_at": TIMESTAMP, "updated_at": TIMESTAMP,
    }
    extra = {
        "review_reason": {**text, "description": "The reviewer's reason (author's organisation and reviewers)."},
        "author": {**nullable_text, "description": "Author's organisation and reviewers only."},
        "score": {"type": "number", "minimum": 0, "maximum": 1, "description": "With `need_id` only."},
        "terms": {"type": "array", "items": text, "description": "With `need_id`: the shared words."},
    }
    special = {
        "partner_organisation_ids": {"type": "array", "items": ID, "maxItems": services.MAX_PARTNERS,
                                     "description": "Organisations on the platform (vendors, other public bodies)."},
        "duration_months": {"type": "integer", "minimum": 0, "maximum": 240},
        "draft": {"type": "boolean", "default": False,
                  "description": "Save as a draft instead of submitting for review."},
    }
    body = {"type": "object", "additionalProperties": False,
            "properties": {name: special.get(name) or (rule_schema(rule) if getattr(rule, "required", False)
                                                      else or_null(rule_schema(rule)))
                           for name, rule in fields.items()},
            "required": [name for name, rule in fields.items() if getattr(rule, "required", False)]}
    patch = {**body, "properties": dict(body["properties"])}
    patch.pop("required", None)
    return {
        "Example": {"type": "object", "properties": {**properties, **extra}, "required": list(properties),
                    "additionalProperties": False},
        "ExamplePage": {"type": "object", "properties": {
            "items": {"type": "array", "items": ref("Example")}, "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1}, "per_page": {"type": "integer", "minimum": 1}},
            "required": ["items", "total", "page", "per_page"], "additionalProperties": False},
        "ExampleCreate": body,
        "ExampleUpdate": patch,
        "ExampleReview": body_schema(services.REVIEW_SCHEMA, partial=False)
        | {"description": "`reason` is required to return."},
        "ExampleInterest": body_schema(services.INTEREST_SCHEMA, partial=False),
    }


def paths(paging: list) -> dict:
    from community.examples import services
    from community.taxonomy import LAENDER, POPULATION_CLASSES, TOPICS

    tag = "Good examples"
    one = json_response("The example as the token user may see it", ref("Example"))
    filters = [
        query("q", {"type": "string", "maxLength": 200}, "Only examples containing every word."),
        query("topic", {"enum": [t.slug for t in TOPICS]}, "Only examples on this topic."),
        query("land", {"enum": [land.slug for land in LAENDER]}, "Only examples of organisations in this Land."),
        query("population_class", {"enum": [p.slug for p in POPULATION_CLASSES]},
              "Only examples of organisations of this size."),
        query("ozg_id", {"type": "integer", "minimum": 1}, "Only examples about this OZG service."),
        query("need_id", ID, "Rank the published examples for this need; each item carries `score` and `terms`."),
        query("status", {"enum": list(services.STATUSES)},
              "Only your organisation's examples in this status."),
    ]
    return {
        "/examples": {
            "get": operation(
                "list_examples", "Published examples, plus your organisation's own; ranked with need_id", tag,
                {**responses({"200": json_response("One page of examples", ref("ExamplePage"))}, "401", "404"),
                 **BAD_VALUES}, parameters=[*filters, *paging]),
            "post": operation(
                "create_example", "Write a good example (members of public bodies); status submitted", tag,
                {**responses({"201": one}, "401", "403", "413"), **BAD_VALUES},
                requestBody=request_body("ExampleCreate")),
        },
        "/examples/{example_id}": {
            "parameters": [path_id("example_id")],
            "get": operation("get_example", "One example; 404 for an unpublished example of another organisation",
                             tag, responses({"200": one}, "401", "404")),
            "patch": operation("update_example", "Edit (the authors' organisation); the edit goes to review while "
                               "the published version stays visible", tag,
                               {**responses({"200": one}, "401", "403", "404", "413"), **BAD_VALUES},
                               requestBody=request_body("ExampleUpdate")),
        },
        "/examples/{example_id}/review": {"parameters": [path_id("example_id")], "post": operation(
            "review_example", "Publish or return with a reason (consultants and moderators)", tag,
            {**responses({"200": one}, "401", "403", "404", "413"), **BAD_VALUES,
             "409": json_response("The example is not waiting for review.", ref("Error"))},
            requestBody=request_body("ExampleReview"))},
        "/examples/{example_id}/interest": {"parameters": [path_id("example_id")], "post": operation(
            "example_interest", "Nachnutzen: a contact request to the example's organisation (double opt-in)", tag,
            {**responses({"201": json_response("The contact request", ref("ContactRequest"))},
                         "401", "403", "404", "413"), **BAD_VALUES,
             "409": json_response("A request between the organisations is pending or accepted already.",
                                  ref("Error"))},
            requestBody=request_body("ExampleInterest"))},
    }
