"""First consultations (community/api/consultations.py): the request, the case workflow, the conversation."""
from community.api.openapi.parts import (ID, TIMESTAMP, json_response, operation, page_schema, path_id, query,
                                         record, ref, request_body, responses, rule_schema)

BAD_VALUES = {"400": json_response("Bad values (`fields` names each), or a body that is not JSON.", ref("Error"))}


def _nullable(schema: dict) -> dict:
    return {"oneOf": [{"type": "null"}, schema]}


def schemas() -> dict:
    from community.consultations import results, services, workflow
    from community.consultations.links import LINK_KINDS

    text = {"type": "string"}
    fields = services.REQUEST_SCHEMA.fields
    ids = {"type": "array", "items": ID, "maxItems": services.MAX_NEEDS}
    link = {"type": "object", "properties": {"kind": {"enum": sorted(LINK_KINDS), "description": "A registered "
                                                      "link kind (features add more)."},
                                             "id": ID}, "required": ["kind", "id"], "additionalProperties": False}
    status = {"enum": list(workflow.STATUSES)}
    case = {
        "id": ID, "status": status, "subject": text, "description": text,
        "topics": rule_schema(fields["topics"]) | {"minItems": 0},
        "urgency": {"enum": list(services.URGENCIES)}, "preferred_format": {"enum": list(services.FORMATS)},
        "organisation": record({"id": ID, "name": text, "land": {"type": ["string", "null"]}}),
        "requester": {"type": ["string", "null"]},
        "assignee": _nullable(record({"id": ID, "name": text})),
        "assessment_id": {"type": ["integer", "null"]}, "need_ids": {"type": "array", "items": ID},
        "scheduled_for": _nullable({**TIMESTAMP, "description": "Europe/Berlin local time with its offset, "
                                                                 "e.g. 2026-12-16T10:00:00+01:00."}),
        "meeting_details": {**text, "description": "How to take part: video link, phone number or address."},
        "decline_reason": text, "advice": text,
        "recommendations": {"type": "array", "items": record({
            "kind": text, "id": ID, "title": text, "url": {**text, "description": "\"\" when the target is gone."}})},
        "result": _nullable(ref("ConsultationResult")),
        "follow_up_on": _nullable({"type": "string", "format": "date"}),
        "effect": _nullable({"type": "object", "description": "Per Digital-Check dimension the score of the "
                             "assessment the consultation was based on and of the latest one submitted after it.",
                             "additionalProperties": record({"before": {"type": "number"},
                                                             "after": {"type": "number"}})}),
        "rating": {"type": ["integer", "null"], "minimum": 1, "maximum": 5}, "rating_comment": text,
        "age_days": {"type": "integer", "minimum": 0}, "created_at": TIMESTAMP, "updated_at": TIMESTAMP,
    }
    message = record({"id": ID, "text": text, "author": {"type": ["string", "null"]}, "internal": {"type": "boolean"},
                      "created_at": TIMESTAMP})
    event = record({"from": _nullable(status), "to": status, "by": {"type": ["string", "null"]}, "reason": text,
                    "at": TIMESTAMP})

    def body(properties: dict, required: list) -> dict:
        return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}

    described = {"type": "array", "items": record({
        "kind": text, "id": ID, "title": text, "url": {**text, "description": "\"\" when the target is gone."}})}
    measure_fields = {"title": {"type": "string", "minLength": 1, "maxLength": 200},
                      "field": {"type": ["string", "null"], "description": "A Digital-Check dimension slug."},
                      "priority": {"type": "integer", "minimum": 1, "maximum": 3},
                      "horizon_months": {"type": "integer", "minimum": 1, "maximum": 60},
                      "responsible": {"enum": list(results.RESPONSIBLE)}}
    result_fields = {"situation": {"type": "string", "maxLength": 10000},
                     "fields": {"type": "array", "items": text, "maxItems": 12,
                                "description": "Digital-Check dimension slugs."},
                     "funding": {"type": "string", "maxLength": 5000},
                     "next_steps": {"type": "string", "maxLength": 5000}}
    measure = record({**measure_fields, "id": ID, "links": described,
                      "status": {"enum": [results.PROPOSED, *results.MEASURE_STATUSES]}})
    return {
        "ConsultationResult": record({**result_fields, "measures": {"type": "array", "items": ref(
            "ConsultationMeasure")}}),
        "ConsultationMeasure": measure,
        "ConsultationMeasureUpdate": body({"status": {"enum": list(results.MEASURE_STATUSES)}}, ["status"]),
        "ConsultationAssignmentCreate": body({"consultant_id": ID}, ["consultant_id"]),
        "Consultation": record(case),
        "ConsultationPage": page_schema("Consultation"),
        "ConsultationDetail": record({**case, "messages": {"type": "array", "items": ref("ConsultationMessage")},
                                      "history": {"type": "array", "items": event}}),
        "ConsultationMessage": message,
        "ConsultationCreate": body({
            **{name: rule_schema(fields[name]) for name in ("subject", "description", "topics", "urgency",
                                                            "preferred_format")},
            "assessment_id": {**ID, "type": ["integer", "null"],
                              "description": "Your organisation's latest submitted Digital-Check, or null."},
            "need_ids": {**ids, "description": "Needs of your organisation to discuss."},
            "phone": {"type": "string", "maxLength": 40, "description": "With the format phone: the number the "
                      "centre calls (digits, spaces, + / - and brackets)."},
        }, ["subject", "description", "topics", "urgency", "preferred_format"]),
        "ConsultationTransitionCreate": body({
            "to": {"enum": list(workflow.STATUSES)},
            "reason": {"type": "string", "maxLength": 2000, "description": "Required to decline."},
            "scheduled_for": {"type": "string", "maxLength": 40, "examples": ["2026-12-16T10:00", "2026-12-16T09:00:00Z"],
                              "description": "Required to schedule. ISO 8601; without an offset it is Europe/Berlin "
                                             "local time, with Z or an offset that instant."},
            "meeting_details": {"type": "string", "maxLength": 500, "description": "With a date: the video link, "
                                "the phone number or the address; it goes into the calendar invitation."},
            "advice": {"type": "string", "maxLength": 20000, "description": "Required to move to advised."},
            "recommendations": {"type": "array", "items": link, "maxItems": services.MAX_RECOMMENDATIONS},
            "result": {**body({**result_fields, "measures": {"type": "array", "maxItems": results.MAX_MEASURES,
                                                             "items": body({**measure_fields, "links": {
                                                                 "type": "array", "items": link,
                                                                 "maxItems": results.MAX_MEASURE_LINKS}},
                                                                 ["title", "priority", "horizon_months",
                                                                  "responsible"])}}, []),
                       "description": "With the move to advised: the structured result."},
            "follow_up_on": {"type": "string", "format": "date", "description": "With the move to advised: the "
                             "follow-up date (default in six months)."},
        }, ["to"]),
        "ConsultationMessageCreate": body({"text": {"type": "string", "minLength": 1, "maxLength": 5000},
                                           "internal": {"type": "boolean", "default": False,
                                                        "description": "An internal note: consultants only."}},
                                          ["text"]),
        "ConsultationRatingCreate": body({"rating": {"type": "integer", "minimum": 1, "maximum": 5},
                                          "comment": {"type": "string", "maxLength": 2000}}, ["rating"]),
    }


def paths(paging: list) -> dict:
    from community.consultations import services, workflow
    from community.taxonomy import LAENDER, TOPICS

    detail = json_response("The case", ref("ConsultationDetail"))
    filters = [
        query("status", {"enum": list(workflow.STATUSES)}, "Only cases in this status."),
        query("urgency", {"enum": list(services.URGENCIES)}, "Only cases of this urgency."),
        query("land", {"enum": [land.slug for land in LAENDER]}, "Only cases of organisations in this Land."),
        query("topic", {"enum": [topic.slug for topic in TOPICS]}, "Only cases about this topic."),
        query("assignee", {"type": "string", "pattern": "^(|me|none|[0-9]{1,10})$"}, "`me`, `none` or a user id."),
    ]
    tag = "Consultations"
    return {
        "/consultations": {
            "get": operation(
                "list_consultations", "Consultants: every case; members of a public body: their organisation's",
                tag, {**responses({"200": json_response("One page of cases, oldest first", ref("ConsultationPage"))},
                                  "401", "403"), **BAD_VALUES}, parameters=[*filters, *paging]),
            "post": operation(
                "create_consultation", "Request a first consultation (members of public bodies)", tag,
                {**responses({"201": json_response("The new case, status requested", ref("ConsultationDetail"))},
                             "401", "403", "413"), **BAD_VALUES}, requestBody=request_body("ConsultationCreate")),
        },
        "/consultations/{case_id}": {"parameters": [path_id("case_id")], "get": operation(
            "get_consultation", "A case with its conversation (internal notes for consultants only) and history",
            tag, responses({"200": detail}, "401", "404"))},
        "/consultations/{case_id}/transitions": {"parameters": [path_id("case_id")], "post": operation(
            "move_consultation", "Move the case; 409 when its status does not allow the move", tag,
            {**responses({"200": detail}, "401", "403", "404", "413"), **BAD_VALUES,
             "409": json_response("The workflow does not allow this move from the case's status.", ref("Error"))},
            requestBody=request_body("ConsultationTransitionCreate"))},
        "/consultations/{case_id}/messages": {"parameters": [path_id("case_id")], "post": operation(
            "post_consultation_message", "Write in the case's conversation, or an internal note (consultants)",
            tag, {**responses({"201": json_response("The message", ref("ConsultationMessage"))},
                              "401", "403", "404", "413"), **BAD_VALUES,
                  "409": json_response("The case is finished; its conversation is closed.", ref("Error"))},
            requestBody=request_body("ConsultationMessageCreate"))},
        "/consultations/{case_id}/measures/{measure_id}": {
            "parameters": [path_id("case_id"), path_id("measure_id")], "patch": operation(
                "update_consultation_measure", "Mark how a measure of the result stands (the requesting "
                "organisation's members, consultants)", tag,
                {**responses({"200": json_response("The measure", ref("ConsultationMeasure"))},
                             "401", "404", "413"), **BAD_VALUES},
                requestBody=request_body("ConsultationMeasureUpdate"))},
        "/consultations/{case_id}/assignment": {"parameters": [path_id("case_id")], "post": operation(
            "assign_consultation", "Give the case to a consultant (consultants only)", tag,
            {**responses({"200": detail}, "401", "403", "404", "413"), **BAD_VALUES},
            requestBody=request_body("ConsultationAssignmentCreate"))},
        "/consultations/{case_id}/rating": {"parameters": [path_id("case_id")], "post": operation(
            "rate_consultation", "Rate the consultation (the requesting organisation, once advised)", tag,
            {**responses({"200": detail}, "401", "403", "404", "413"), **BAD_VALUES,
             "409": json_response("Not advised yet.", ref("Error"))},
            requestBody=request_body("ConsultationRatingCreate"))},
    }
