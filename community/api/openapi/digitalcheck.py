"""The Digitalkompass für Kommunen (community/api/digitalcheck.py; paths keep /digital-check): the questionnaire,
assessments, adopting proposed needs."""
from community.api.openapi.parts import (ID, TIMESTAMP, json_response, operation, or_null, page_schema, path_id, record,
                                         ref, request_body, responses)

BAD_VALUES = {"400": json_response(
    "Bad values: `fields` names every unknown question id (`answers.<id>`), every question that does not apply "
    "to the caller's org type, every answer that is not 0–4, \"dont_know\", \"not_applicable\" or null, every "
    "unknown dimension, priority outside 1–3 or target outside 0–4 (`targets.<slug>`), every unknown visibility "
    "of a need to adopt (`needs.<key>.visibility`); or a body that is not JSON.", ref("Error"))}
SCORE = {"type": ["number", "null"], "minimum": 0, "maximum": 100}
TEXT = {"type": "string"}


def schemas() -> dict:
    from community.digitalcheck import questionnaire as questionnaire_module
    from community.digitalcheck.services import questionnaire
    from community.taxonomy import ENTRY_VISIBILITY_BY_SLUG

    known = questionnaire()
    visibility = {"enum": list(ENTRY_VISIBILITY_BY_SLUG)}
    question_ids = sorted(known.questions)
    # An assessment is read with the version it answered: its dimensions and question ids may be older ones.
    every_id = sorted({qid for version in questionnaire_module.versions().values() for qid in version.questions})
    slugs = questionnaire_module.all_dimension_slugs()
    current_slugs = [dimension.slug for dimension in known.dimensions]
    per_dimension = lambda schema, names=slugs: {  # noqa: E731
        "type": "object", "properties": {slug: schema for slug in names}, "additionalProperties": False}
    level = {"oneOf": [{"type": "integer", "minimum": 0, "maximum": 4},
                       {"enum": ["dont_know", "not_applicable", None]}],
             "description": "0–4, \"dont_know\" (counts as 0), \"not_applicable\" (left out of the mean) or null "
                            "(not answered yet; in a version 1 assessment the old \"weiß nicht / trifft nicht zu\")."}
    target = {"type": ["integer", "null"], "minimum": 0, "maximum": 4,
              "description": "The level aimed for in two to three years; null clears it."}
    stats = {"oneOf": [{"type": "null"}, record({
        "peers": {"type": "integer", "minimum": 5}, "median": {"type": "number"}, "p25": {"type": "number"},
        "p75": {"type": "number"}})], "description": "null below 5 peers (k-anonymity)."}
    body = {
        "type": "object", "additionalProperties": False, "properties": {
            "answers": or_null({"type": "object", "properties": {qid: level for qid in question_ids},
                                "additionalProperties": False,
                                "description": "question id → level; merged into the draft."}),
            "priorities": or_null(per_dimension({"type": "integer", "minimum": 1, "maximum": 3}, current_slugs)),
            "targets": or_null(per_dimension(target, current_slugs)),
            "submit": {"type": "boolean", "default": False, "description": "Submit (and freeze) the assessment."},
            "share_with_centre": {"type": "boolean", "description": "Let the competence centre's consultants read it."},
            "show_to_peers": {"type": "boolean", "description": "May be shown by name to peers behind you."},
        }}
    return {
        "Questionnaire": record({"version": TEXT, "dimensions": {"type": "array", "items": record({
            "slug": {"enum": slugs}, "label": TEXT, "topics": {"type": "array", "items": TEXT},
            "questions": {"type": "array", "items": record({
                "id": {"enum": question_ids}, "text": TEXT,
                "applies_to": {"type": "array", "minItems": 1, "items": {"enum": list(questionnaire_module.ORG_TYPES)}},
                "sources": {"type": "array", "items": record({
                    "title": TEXT, "url": {"type": "string", "format": "uri"},
                    "stand": {"type": "string", "description": "When the source was read: YYYY-MM or YYYY-MM-DD."}})},
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
                                                            "maximum": 300,
                                                            "description": "priority × gap"},
                                        "target": {"type": ["integer", "null"], "minimum": 0, "maximum": 4,
                                                   "description": "The target level (Soll); its score is × 25."},
                                        "gap": {"type": ["number", "null"], "minimum": 0, "maximum": 100,
                                                "description": "Points from the score up to the target's score "
                                                               "(0 once reached), or to 100 without a target."}})},
            "targets": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 4}},
            "dont_know": {"type": "object", "description": "Per dimension the number of \"dont_know\" answers.",
                          "additionalProperties": {"type": "integer", "minimum": 0}},
            "benchmark": {**per_dimension(stats), "description": "Same org type and population class."},
            "benchmark_land": {**per_dimension(stats), "description": "Same org type and Land."},
            "proposed_needs": {"type": "array", "items": record({
                "key": {"enum": every_id}, "dimension": {"enum": slugs}, "title": TEXT, "text": TEXT,
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
    from community.digitalcheck import questionnaire as questionnaire_module

    tag = "Digitalkompass"
    one = json_response("The assessment", ref("Assessment"))
    frozen = {"409": json_response("The assessment has been submitted and is frozen.", ref("Error"))}
    return {
        "/digital-check/questionnaire": {"get": operation(
            "digital_check_questionnaire", "The current questionnaire: dimensions, questions (each with the org types "
            "it applies to and its sources), five levels each; with `org_type` only that type's questions", tag,
            {**responses({"200": json_response("The questionnaire", ref("Questionnaire"))}, "401"),
             "400": json_response("An unknown `org_type`, named in `fields`.", ref("Error"))},
            parameters=[{"name": "org_type", "in": "query", "required": False,
                         "schema": {"enum": list(questionnaire_module.ORG_TYPES)}}])},
        "/digital-check/assessments": {
            "get": operation(
                "list_assessments", "Your organisation's assessments, newest first", tag,
                responses({"200": json_response("One page of assessments", ref("AssessmentPage"))}, "401", "403"),
                parameters=paging),
            "post": operation(
                "create_assessment", "Start (or continue the open draft of) your organisation's assessment; "
                "municipal bodies only (other public bodies and companies get 403). A new assessment starts from "
                "the last submitted answers where the question ids carry over.", tag,
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
