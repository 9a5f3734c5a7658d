"""The Digital-Check (community/api/digitalcheck.py): the questionnaire, assessments, adopting proposed needs."""
from community.api.openapi.parts import (ID, TIMESTAMP, json_response, operation, or_null, page_schema, path_id, record,
                                         ref, request_body, responses)

BAD_VALUES = {"400": json_response(
    "Bad values: `fields` names every unknown question id (`answers.<id>`), every value outside 0–4, every "
    "unknown dimension or priority outside 1–3, every unknown visibility of a need to adopt "
    "(`needs.<key>.visibility`); or a body that is not JSON.", ref("Error"))}
SCORE = {"type": ["number", "null"], "minimum": 0, "maximum": 100}
TEXT = {"type": "string"}


def schemas() -> dict:
    from community.digitalcheck.services import questionnaire
    from community.taxonomy import ENTRY_VISIBILITY_BY_SLUG

    known = questionnaire()
    visibility = {"enum": list(ENTRY_VISIBILITY_BY_SLUG)}
    question_ids = sorted(known.questions)
    slugs = [dimension.slug for dimension in known.dimensions]
    per_dimension = lambda schema: {"type": "object", "properties": {slug: schema for slug in slugs},  # noqa: E731
                                    "additionalProperties": False}
    level = {"type": ["integer", "null"], "minimum": 0, "maximum": 4,
             "description": "0–4, or null for \"weiß nicht / trifft nicht zu\" (left out of the score)."}
    stats = {"oneOf": [{"type": "null"}, record({
        "peers": {"type": "integer", "minimum": 5}, "median": {"type": "number"}, "p25": {"type": "number"},
        "p75": {"type": "number"}})], "description": "null below 5 peers (k-anonymity)."}
    body = {
        "type": "object", "additionalProperties": False, "properties": {
            "answers": or_null({"type": "object", "properties": {qid: level for qid in question_ids},
                                "additionalProperties": False,
                                "description": "question id → level; merged into the draft."}),
            "priorities": or_null(per_dimension({"type": "integer", "minimum": 1, "maximum": 3})),
            "submit": {"type": "boolean", "default": False, "description": "Submit (and freeze) the assessment."},
            "share_with_centre": {"type": "boolean", "description": "Let the competence centre's consultants read it."},
            "show_to_peers": {"type": "boolean", "description": "May be shown by name to peers behind you."},
        }}
    return {
        "Questionnaire": record({"version": TEXT, "dimensions": {"type": "array", "items": record({
            "slug": {"enum": slugs}, "label": TEXT, "topics": {"type": "array", "items": TEXT},
            "questions": {"type": "array", "items": record({
                "id": {"enum": question_ids}, "text": TEXT,
                "levels": {"type": "array", "minItems": 5, "maxItems": 5, "items": record({
                    "value": {"type": "integer", "minimum": 0, "maximum": 4}, "label": TEXT})}})}})}}),
        "Assessment": record({
            "id": ID, "organisation_id": ID, "status": {"enum": ["draft", "submitted"]},
            "submitted_at": {"oneOf": [{"type": "null"}, TIMESTAMP]}, "questionnaire_version": TEXT,
            "scores": per_dimension(SCORE), "overall": SCORE,
            "level": {"oneOf": [{"type": "null"}, record({"value": {"type": "integer", "minimum": 1, "maximum": 5},
                                                            "label": TEXT})]},
            "fields": {"type": "array", "description": "The Handlungsfelder, ranked by need for action.",
                       "items": record({"dimension": {"enum": slugs}, "score": SCORE,
                                        "priority": {"type": "integer", "minimum": 1, "maximum": 3},
                                        "need_for_action": {"type": ["number", "null"], "minimum": 0,
                                                            "maximum": 300}})},
            "benchmark": per_dimension(stats),
            "proposed_needs": {"type": "array", "items": record({
                "key": {"enum": question_ids}, "dimension": {"enum": slugs}, "title": TEXT, "text": TEXT,
                "topics": {"type": "array", "items": TEXT}, "ozg_ids": {"type": "array", "items": ID},
                "visibility": {**visibility, "description": "The visibility the need gets unless another is chosen: "
                               "`organisation` for what reveals a weakness (security, data protection, emergency "
                               "preparedness, staffing)."}})},
            "answers": {"type": "object", "additionalProperties": level},
            "priorities": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 3}},
            "share_with_centre": {"type": "boolean"}, "show_to_peers": {"type": "boolean"},
            "last_editor": {"type": ["string", "null"]}, "updated_at": TIMESTAMP,
        }),
        "AssessmentPage": page_schema("Assessment"),
        "AssessmentBody": body,
        "AssessmentAdopt": {"type": "object", "additionalProperties": False, "required": ["needs"], "properties": {
            "needs": {"type": "array", "minItems": 1, "maxItems": len(question_ids), "items": {"oneOf": [
                {"enum": question_ids},
                {"type": "object", "additionalProperties": False, "required": ["key"], "properties": {
                    "key": {"enum": question_ids}, "visibility": visibility}}]},
                      "description": "Keys of proposed_needs, each alone (the proposal's visibility) or as "
                                     "{key, visibility}. A bad visibility is 400 naming needs.<key>.visibility."},
            "edits": {"type": "object", "description": "key → {title, text}: the user's edits of a proposal.",
                      "additionalProperties": {"type": "object", "additionalProperties": False, "properties": {
                          "title": TEXT, "text": TEXT}}}}},
        "AdoptedNeeds": record({"need_ids": {"type": "array", "items": ID}}),
    }


def paths(paging: list) -> dict:
    tag = "Digital-Check"
    one = json_response("The assessment", ref("Assessment"))
    frozen = {"409": json_response("The assessment has been submitted and is frozen.", ref("Error"))}
    return {
        "/digital-check/questionnaire": {"get": operation(
            "digital_check_questionnaire", "The current questionnaire: dimensions, questions, five levels each", tag,
            responses({"200": json_response("The questionnaire", ref("Questionnaire"))}, "401"))},
        "/digital-check/assessments": {
            "get": operation(
                "list_assessments", "Your organisation's assessments, newest first", tag,
                responses({"200": json_response("One page of assessments", ref("AssessmentPage"))}, "401", "403"),
                parameters=paging),
            "post": operation(
                "create_assessment", "Start (or continue the open draft of) your organisation's assessment; "
                "public bodies only. A new assessment starts from the last submitted answers.", tag,
                {**responses({"201": json_response("The assessment", ref("Assessment"))}, "401", "403", "413"),
                 **BAD_VALUES}, requestBody=request_body("AssessmentBody")),
        },
        "/digital-check/assessments/{assessment_id}": {
            "parameters": [path_id("assessment_id")],
            "get": operation("get_assessment", "An assessment of your organisation (or shared with the centre)", tag,
                             responses({"200": one}, "401", "404")),
            "patch": operation("update_assessment", "Change a draft: the body's answers and priorities are merged",
                               tag, {**responses({"200": one}, "401", "403", "404", "413"), **BAD_VALUES, **frozen},
                               requestBody=request_body("AssessmentBody")),
        },
        "/digital-check/assessments/{assessment_id}/adopt": {"parameters": [path_id("assessment_id")], "post": operation(
            "adopt_assessment_needs", "Adopt proposed needs (optionally edited): they become ordinary needs", tag,
            {**responses({"201": json_response("The new needs", ref("AdoptedNeeds"))}, "401", "403", "404", "413"),
             **BAD_VALUES}, requestBody=request_body("AssessmentAdopt"))},
    }
