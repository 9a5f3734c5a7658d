"""The OpenAPI 3.1 document of /api/v1, built from the validation schemas the services enforce.

Request bodies, query filters and the enumerations of the responses are derived from the
Text/OneOf/ManyOf/Flag rules in organisations/services.py and profiles/services.py, so the
document changes when the validation does. tests/test_api_openapi.py checks that every
route is documented, that nothing else is, and that real responses match their schemas:
whoever adds a route under /api/v1 adds its operation in _paths() below.
"""
from flask import current_app

from community.api.entries import STATUS_FILTERS
from community.suggestions import contacts as contact_services
from community.suggestions import services as suggestion_services
from community.suggestions.models import CONTACT_STATUSES
from community.organisations.services import CREATE_SCHEMA, DIRECTORY_FILTERS, PROFILE_SCHEMA
from community.pagination import MAX_PER_PAGE
from community.profiles.services import MODELS, SCHEMAS
from community.rooms.models import ROOM_KINDS
from community.taxonomy import TOPIC_BY_SLUG
from community.validation import Flag, ManyOf, OneOf, Schema, Text

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def rule_schema(rule) -> dict:
    """JSON Schema for what a validation rule accepts as input."""
    if isinstance(rule, Text):
        schema = {"type": "string", "maxLength": rule.max_length}
        if rule.required:
            schema["minLength"] = max(1, rule.min_length)
        return schema
    if isinstance(rule, OneOf):
        choices = sorted(rule.choices)
        # An optional choice may be sent empty, which stores its default.
        schema = {"type": "string", "enum": choices if rule.required else [*choices, ""]}
        if rule.default is not None:
            schema["default"] = rule.default
        return schema
    if isinstance(rule, ManyOf):
        item_type = "integer" if rule.coerce is int else "string"
        schema = {"type": "array", "items": {"type": item_type, "enum": sorted(rule.choices)},
                  "maxItems": rule.max_items}
        if rule.required:
            schema["minItems"] = 1
        return schema
    if isinstance(rule, Flag):
        schema = {"type": "boolean"}
        if rule.default is not None:
            schema["default"] = rule.default
        return schema
    raise TypeError(f"No JSON Schema for the validation rule {rule!r}")


def stored_schema(rule) -> dict:
    """JSON Schema for the value a rule leaves in a record: a choice is one of them or its default."""
    if isinstance(rule, OneOf):
        values = sorted(rule.choices)
        return {"enum": values if rule.required or rule.default in values else [*values, rule.default]}
    schema = rule_schema(rule)
    schema.pop("default", None)
    schema.pop("minLength", None)
    return schema


def body_schema(schema: Schema, partial: bool) -> dict:
    """A request body for a Schema: unknown fields are refused; a partial update requires none."""
    body = {
        "type": "object",
        "properties": {name: rule_schema(rule) for name, rule in schema.fields.items()},
        "additionalProperties": False,
    }
    required = [name for name, rule in schema.fields.items() if getattr(rule, "required", False)]
    if required and not partial:
        body["required"] = required
    return body


def _record(properties: dict) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


_ID = {"type": "integer", "minimum": 1}
_TIMESTAMP = {"type": "string", "format": "date-time"}


def _nullable(schema: dict, description: str) -> dict:
    return {**schema, "type": [schema["type"], "null"], "description": description}


def _organisation_properties() -> dict:
    fields = PROFILE_SCHEMA.fields
    hidden = "null when its visibility is `members` and the viewer is not signed in."
    return {
        "id": _ID,
        "kind": stored_schema(CREATE_SCHEMA.fields["kind"]),
        **{name: stored_schema(rule) for name, rule in fields.items()},
        "official_key": _nullable(stored_schema(fields["official_key"]), "null when the organisation has none."),
        "description": _nullable(stored_schema(fields["description"]), hidden),
        "contact_email": _nullable(stored_schema(fields["contact_email"]), hidden),
        "verified": {"type": "boolean"},
        "created_at": _TIMESTAMP,
        "updated_at": _TIMESTAMP,
    }


def _entry_schema(kind: str) -> dict:
    return _record({
        "id": _ID,
        "kind": {"const": kind},
        "organisation_id": _ID,
        **{name: stored_schema(rule) for name, rule in SCHEMAS[kind].fields.items()},
        "created_at": _TIMESTAMP,
        "updated_at": _TIMESTAMP,
    })


def _page_schema(item: str) -> dict:
    return _record({
        "items": {"type": "array", "items": _ref(item)},
        "total": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    })


def _schemas() -> dict:
    organisation = _organisation_properties()
    schemas = {
        "Error": _record({"error": _record({
            "code": {"type": "string", "examples": ["validation_error"]},
            "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "Per-field messages; empty unless the input had field errors."},
        })}),
        "Organisation": _record(organisation),
        "OrganisationDetail": _record({
            **organisation,
            "needs": {"type": "array", "items": _ref("Need"), "maxItems": MAX_PER_PAGE},
            "offers": {"type": "array", "items": _ref("Offer"), "maxItems": MAX_PER_PAGE},
        }),
        "OrganisationPage": _page_schema("Organisation"),
        "ProfileUpdate": body_schema(PROFILE_SCHEMA, partial=True),
    }
    for kind in MODELS:
        name = kind.capitalize()
        schemas[name] = _entry_schema(kind)
        schemas[f"{name}Page"] = _page_schema(name)
        schemas[f"{name}Create"] = body_schema(SCHEMAS[kind], partial=False)
        schemas[f"{name}Update"] = body_schema(SCHEMAS[kind], partial=True)
    schemas.update(_suggestion_schemas())
    schemas.update(_room_schemas())
    schemas.update(_forum_schemas())
    return schemas


_ERRORS = {
    "400": ("BadRequest", "The body is not JSON or was sent without Content-Type: application/json."),
    "401": ("Unauthorized", "The bearer token is missing, unknown or belongs to a deleted account."),
    "403": ("Forbidden", "The token user may not do this (another organisation's data, or not its admin)."),
    "404": ("NotFound", "No such record, or not visible to the token user."),
    "409": ("NoOrganisation", "The token user's account does not belong to an organisation."),
    "413": ("PayloadTooLarge", "The body is larger than the server accepts (1 MiB by default)."),
    "422": ("ValidationFailed", "The input was refused; `fields` names each bad field."),
    "429": ("RateLimited", "Too many requests for this token user; wait and retry."),
}


def _responses(success: dict, *errors: str) -> dict:
    responses = dict(success)
    for status in (*errors, "429"):
        responses[status] = {"$ref": f"#/components/responses/{_ERRORS[status][0]}"}
    return responses


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": _ID}


def _paging(default_per_page: int) -> list:
    return [
        _query("page", {"type": "integer", "minimum": 1, "default": 1},
               "Page number; invalid values mean the first page."),
        _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": default_per_page},
               f"Items per page; larger values are reduced to {MAX_PER_PAGE}."),
    ]


def _body(schema_name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": _ref(schema_name)}}}


def _operation(operation_id: str, summary: str, tag: str, responses: dict, **extra) -> dict:
    return {"operationId": operation_id, "summary": summary, "tags": [tag], "responses": responses, **extra}


_FILTER_HELP = {
    "q": "Part of the organisation's name.",
    "kind": "Kind of organisation.",
    "land": "Land (two-digit state key).",
    "topic": "Topic the organisation works on.",
    "population_class": "Population class (municipalities only).",
    "verified": "Only verified (true) or unverified (false) organisations.",
}


def _entry_paths(kind: str, paging: list) -> dict:
    name, plural = kind.capitalize(), f"{kind}s"
    tag = plural.capitalize()
    status_rule = STATUS_FILTERS[kind].fields["status"]
    return {
        f"/{plural}": {
            "get": _operation(
                f"list_{plural}", f"List your organisation's {plural}", tag,
                _responses({"200": _json(f"One page of {plural}", _ref(f"{name}Page"))}, "401", "409", "422"),
                parameters=[_query("status", rule_schema(status_rule), "Only entries with this status."), *paging],
            ),
            "post": _operation(
                f"create_{kind}", f"Create a {kind} for your organisation", tag,
                _responses({"201": {**_json(f"The new {kind}", _ref(name)), "headers": {
                    "Location": {"description": f"URL of the new {kind}", "schema": {"type": "string"}}}}},
                    "400", "401", "403", "409", "413", "422"),
                requestBody=_body(f"{name}Create"),
            ),
        },
        f"/{plural}/{{entry_id}}": {
            "parameters": [_path_id("entry_id")],
            "get": _operation(f"get_{kind}", f"Show a {kind}", tag,
                              _responses({"200": _json(f"The {kind}", _ref(name))}, "401", "404")),
            "patch": _operation(
                f"update_{kind}", f"Change fields of one of your organisation's {plural}", tag,
                _responses({"200": _json(f"The changed {kind}", _ref(name))}, "400", "401", "403", "404", "413", "422"),
                requestBody=_body(f"{name}Update"),
            ),
            "delete": _operation(
                f"delete_{kind}", f"Delete one of your organisation's {plural}", tag,
                _responses({"204": {"description": "Deleted"}}, "401", "403", "404"),
            ),
        },
    }


def _paths(default_per_page: int) -> dict:
    paging = _paging(default_per_page)
    filters = [_query(name, rule_schema(rule), _FILTER_HELP[name]) for name, rule in DIRECTORY_FILTERS.fields.items()]
    paths = {
        "/openapi.json": {"get": _operation(
            "openapi_document", "This document", "Meta",
            _responses({"200": _json("The OpenAPI document", {"type": "object"})}),
            security=[],
        )},
        "/organisations": {"get": _operation(
            "list_organisations", "Search the directory of organisations", "Organisations",
            _responses({"200": _json("One page of organisations, by name", _ref("OrganisationPage"))}, "401", "422"),
            parameters=[*filters, *paging],
        )},
        "/organisations/{org_id}": {
            "parameters": [_path_id("org_id")],
            "get": _operation(
                "get_organisation", "Show an organisation with its open needs and offers", "Organisations",
                _responses({"200": _json("The organisation", _ref("OrganisationDetail"))}, "401", "404"),
            ),
        },
        "/profile": {
            "get": _operation(
                "get_profile", "Show your own organisation", "Profile",
                _responses({"200": _json("Your organisation", _ref("OrganisationDetail"))}, "401", "409"),
            ),
            "patch": _operation(
                "update_profile", "Change fields of your organisation (organisation admins)", "Profile",
                _responses({"200": _json("Your changed organisation", _ref("OrganisationDetail"))},
                           "400", "401", "403", "409", "413", "422"),
                requestBody=_body("ProfileUpdate"),
            ),
        },
    }
    for kind in MODELS:
        paths.update(_entry_paths(kind, paging))
    paths.update(_suggestion_paths(paging))
    paths.update(_room_paths(paging))
    paths.update(_forum_paths(paging))
    return paths


DESCRIPTION = (
    "JSON API of Kommunalnetz. Every operation except this document needs a personal API token: "
    "`Authorization: Bearer <token>`. Errors are `{\"error\": {\"code\", \"message\", \"fields\"}}`. "
    "Lists are paged: `{\"items\", \"total\", \"page\", \"per_page\"}`. See docs/api.md."
)


def build_document() -> dict:
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "Kommunalnetz API", "version": API_VERSION, "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": _paths(current_app.config["PER_PAGE"]),
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "A personal API token (kn_...)."}},
            "schemas": _schemas(),
            "responses": {name: _json(description, _ref("Error")) for name, description in _ERRORS.values()},
        },
    }


# --- suggestions, search and contact requests (community/api/suggestions.py) ----------------------

_NULLABLE_ID = {"type": ["integer", "null"], "minimum": 1}
_SCORE = {"type": "number", "minimum": 0, "maximum": 1}
_TERMS = {"type": "array", "items": {"type": "string"}, "description": "Shared words that carried the score."}


def _suggestion_schemas() -> dict:
    entry_kinds = sorted(MODELS)
    person = _record({"name": {"type": "string"}, "email": {"type": "string"}, "phone": {"type": "string"},
                      "job_title": {"type": "string"}})
    return {
        "OrganisationSummary": _record({
            "id": _ID, "name": {"type": "string"}, "kind": stored_schema(CREATE_SCHEMA.fields["kind"]),
            "land": {"type": ["string", "null"]}, "population_class": {"type": ["string", "null"]},
            "verified": {"type": "boolean", "description": "A verified public body."},
        }),
        "Suggestion": _record({
            "relation": {"enum": sorted(suggestion_services.RELATIONS), "description":
                         "offer: an offer for your need; peer: another organisation's similar need; "
                         "need: another organisation's need your offer could meet."},
            "need_id": {**_NULLABLE_ID, "description": "Your need the suggestion is for (null for an offer)."},
            "offer_id": {**_NULLABLE_ID, "description": "Your offer the suggestion is for (null for a need)."},
            "match_id": {"type": "string", "pattern": "^(need|offer):[0-9]+$"},
            "match": _record({"kind": {"enum": entry_kinds}, "id": _ID, "title": {"type": "string"}}),
            "score": _SCORE, "terms": _TERMS,
            "topics": {"type": "array", "items": {"type": "string"}, "description": "Topics both sides share."},
            "organisation": _ref("OrganisationSummary"),
        }),
        "SuggestionPage": _page_schema("Suggestion"),
        "SearchHit": _record({
            "kind": {"enum": [*entry_kinds, "organisation"]}, "id": _ID, "title": {"type": "string"},
            "score": _SCORE, "terms": _TERMS, "organisation": _ref("OrganisationSummary"),
        }),
        "SearchHitPage": _page_schema("SearchHit"),
        "ContactRequest": _record({
            "id": _ID, "direction": {"enum": list(contact_services.DIRECTIONS)},
            "status": {"enum": list(CONTACT_STATUSES)},
            "from_organisation": _ref("OrganisationSummary"), "to_organisation": _ref("OrganisationSummary"),
            "need_id": _NULLABLE_ID, "offer_id": _NULLABLE_ID, "message": {"type": "string"},
            "room_id": {**_NULLABLE_ID, "description": "The partner conversation opened by the acceptance."},
            "contacts": {"oneOf": [{"type": "null"}, _record({
                "requester": {"oneOf": [{"type": "null"}, person]},
                "responder": {"oneOf": [{"type": "null"}, person]},
            })], "description": "The people's details: null until the request is accepted."},
            "created_at": _TIMESTAMP, "decided_at": {"type": ["string", "null"], "format": "date-time"},
        }),
        "ContactRequestPage": _page_schema("ContactRequest"),
        "ContactRequestCreate": {
            "type": "object", "additionalProperties": False, "required": ["to_organisation_id", "message"],
            "properties": {
                "to_organisation_id": _ID,
                "message": rule_schema(contact_services.CREATE_SCHEMA.fields["message"]),
                "need_id": {**_ID, "description": "A need of either organisation the request is about."},
                "offer_id": {**_ID, "description": "An offer of either organisation the request is about."},
            },
        },
    }


def _suggestion_paths(paging: list) -> dict:
    filters = [_query(name, rule_schema(rule), "Only suggestions from organisations with this "
                      + name.replace("_", " ") + ".") for name, rule in suggestion_services.FILTERS.fields.items()]
    conflict = {"409": _json("Your account has no organisation, or a request between the two organisations is "
                             "pending or accepted, or the request was already answered.", _ref("Error"))}
    request_id = [_path_id("request_id")]
    paths = {
        "/suggestions": {"get": _operation(
            "list_suggestions", "Partner suggestions for your organisation's open needs and offers, best first",
            "Suggestions", _responses({"200": _json("One page of suggestions", _ref("SuggestionPage"))},
                                      "401", "409", "422"),
            parameters=[*filters, *paging],
        )},
        "/search": {"get": _operation(
            "search", "Search organisations, needs and offers", "Search",
            _responses({"200": _json("One page of hits, best first", _ref("SearchHitPage"))}, "401", "422"),
            parameters=[{**_query("q", {"type": "string"}, "Words to search for; cut at 20,000 characters. "
                                  "Empty or only common words: 422."), "required": True}, *paging],
        )},
        "/contact-requests": {
            "get": _operation(
                "list_contact_requests", "Contact requests your organisation received or sent", "Contacts",
                _responses({"200": _json("One page of contact requests, newest first", _ref("ContactRequestPage"))},
                           "401", "409", "422"),
                parameters=[_query("direction", rule_schema(contact_services.LIST_FILTERS.fields["direction"]),
                                   "Only received (incoming) or sent (outgoing) requests."), *paging],
            ),
            "post": _operation(
                "create_contact_request", "Ask another organisation to get in touch (rate-limited per organisation)",
                "Contacts", {**_responses({"201": {**_json("The new request", _ref("ContactRequest")), "headers": {
                    "Location": {"description": "URL of the new request", "schema": {"type": "string"}}}}},
                    "400", "401", "413", "422"), **conflict},
                requestBody=_body("ContactRequestCreate"),
            ),
        },
        "/contact-requests/{request_id}": {"parameters": request_id, "get": _operation(
            "get_contact_request", "Show a contact request of your organisation", "Contacts",
            _responses({"200": _json("The request", _ref("ContactRequest"))}, "401", "404"),
        )},
    }
    for action, who in (("accept", "receiving"), ("decline", "receiving"), ("withdraw", "requesting")):
        paths[f"/contact-requests/{{request_id}}/{action}"] = {"parameters": request_id, "post": _operation(
            f"{action}_contact_request", f"{action.capitalize()} a pending request (members of the {who} "
            "organisation)", "Contacts",
            {**_responses({"200": _json("The answered request", _ref("ContactRequest"))}, "401", "403", "404"),
             **conflict},
        )}
    return paths


# --- rooms (community/api/rooms.py); their messages travel over Socket.IO (docs/realtime.md) -----


def _room_schemas() -> dict:
    return {
        "Room": _record({
            "id": _ID,
            "kind": {"enum": list(ROOM_KINDS)},
            "title": {"type": "string"},
            "topics": {"type": "array", "items": {"enum": sorted(TOPIC_BY_SLUG)}},
            "unread": {"type": "integer", "minimum": 0,
                       "description": "Messages of others after your last read one; 0 in rooms you never joined."},
        }),
        "RoomPage": _page_schema("Room"),
    }


def _room_paths(paging: list) -> dict:
    return {"/rooms": {"get": _operation(
        "list_rooms", "The rooms you may join: every topic room, and your partner and group rooms", "Rooms",
        _responses({"200": _json("One page of rooms, by id", _ref("RoomPage"))}, "401"),
        parameters=paging,
    )}}


# --- forums, reports and moderation (community/api/forums.py, community/api/moderation.py) -------


def _forum_schemas() -> dict:
    from community.forums import services as forums
    from community.forums.models import POST_STATUSES
    from community.moderation import services as moderation

    status = {"enum": list(POST_STATUSES), "description": "pending: waits for approval, visible to its author "
                                                           "and moderators only."}
    text, nullable_text = {"type": "string"}, {"type": ["string", "null"]}
    post = {"id": _ID, "thread_id": _ID, "body_html": {**text, "description": "Sanitised HTML of the Markdown."},
            "author": text, "created_at": _TIMESTAMP, "status": status, "is_solution": {"type": "boolean"}}
    thread = {"id": _ID, "forum_id": _ID, "title": text, "author": nullable_text,
              "post_id": {**_ID, "description": "The opening post."}, "body_html": text, "status": status,
              "reply_count": {"type": "integer", "minimum": 0}, "is_solved": {"type": "boolean"},
              "locked": {"type": "boolean"}, "pinned": {"type": "boolean"}, "created_at": _TIMESTAMP,
              "last_activity_at": _TIMESTAMP}
    action = _record({"id": _ID, "action": {"enum": list(moderation.LOGGED_ACTIONS)},
                      "item_type": text, "item_id": _ID, "reason": text,
                      "moderator_id": {"type": ["integer", "null"]}, "created_at": _TIMESTAMP})
    def number_aware_body(schema, required: list) -> dict:
        properties = {name: {"type": "integer", "minimum": rule.minimum, "maximum": rule.maximum}
                      if isinstance(rule, moderation.Number) else rule_schema(rule)
                      for name, rule in schema.fields.items()}
        return {"type": "object", "properties": properties, "additionalProperties": False, "required": required}

    action_body = number_aware_body(moderation.ACTION_SCHEMA, ["action", "item_type", "item_id"])
    report_body = number_aware_body(moderation.REPORT_SCHEMA, ["item_type", "item_id", "reason"])
    return {
        "Forum": _record({"id": _ID, "slug": text, "title": text, "description": text, "topic": nullable_text}),
        "ForumPage": _page_schema("Forum"),
        "Thread": _record(thread),
        "ThreadPage": _page_schema("Thread"),
        "ThreadDetail": _record({**thread, "replies": {"type": "array", "items": _ref("Post")}}),
        "Post": _record(post),
        "ThreadCreate": body_schema(forums.THREAD_SCHEMA, partial=False),
        "ReplyCreate": body_schema(forums.REPLY_SCHEMA, partial=False),
        "ReportCreate": report_body,
        "Report": _record({"id": _ID, "item_type": {"enum": list(moderation.ITEM_TYPES)}, "item_id": _ID,
                           "reason": text, "count": {"type": "integer", "minimum": 1}, "is_open": {"type": "boolean"},
                           "created_at": _TIMESTAMP}),
        "QueueEntry": _record({"kind": {"enum": ["report", "pending", "appeal"]}, "item_type": text, "item_id": _ID,
                               "text": text, "context": text, "url": text, "since": _TIMESTAMP,
                               "report_count": {"type": "integer", "minimum": 0},
                               "reasons": {"type": "array", "items": text},
                               "appeal_id": {"type": ["integer", "null"]}}),
        "QueueEntryPage": _page_schema("QueueEntry"),
        "ModerationActionCreate": action_body,
        "ModerationOutcome": _record({"changed": {"type": "boolean", "description":
                                                  "false: another moderator had already done this (no log entry)."},
                                      "message": text, "action": {"oneOf": [{"type": "null"}, action]}}),
    }


def _forum_paths(paging: list) -> dict:
    from community.forums import services as forums

    created = {"description": "Created", "content": {"application/json": {"schema": _ref("Thread")}},
               "headers": {"Location": {"description": "URL of the new thread", "schema": {"type": "string"}}}}
    rate_limited = {"429": _json("Too many posts (per-user limit or slow mode); wait and retry.", _ref("Error"))}
    return {
        "/forums": {"get": _operation(
            "list_forums", "The topic forums and those admins added", "Forums",
            _responses({"200": _json("One page of forums", _ref("ForumPage"))}, "401"), parameters=paging)},
        "/forums/{forum_id}/threads": {
            "parameters": [_path_id("forum_id")],
            "get": _operation(
                "list_threads", "Threads of a forum (pinned first)", "Forums",
                _responses({"200": _json("One page of threads", _ref("ThreadPage"))}, "401", "404"),
                parameters=[_query("sort", {"enum": list(forums.SORTS), "default": "latest"},
                                   "latest activity, newest, unanswered or solved threads."), *paging]),
            "post": _operation(
                "create_thread", "Open a thread; posts of new accounts may wait for approval", "Forums",
                {**_responses({"201": created}, "400", "401", "403", "404", "413", "422"), **rate_limited},
                requestBody=_body("ThreadCreate")),
        },
        "/threads/{thread_id}": {"parameters": [_path_id("thread_id")], "get": _operation(
            "get_thread", "A thread with the replies you may read", "Forums",
            _responses({"200": _json("The thread", _ref("ThreadDetail"))}, "401", "404"))},
        "/threads/{thread_id}/replies": {"parameters": [_path_id("thread_id")], "post": _operation(
            "create_reply", "Reply to a thread", "Forums",
            {**_responses({"201": _json("The new post", _ref("Post"))}, "400", "401", "403", "404", "413", "422"),
             **rate_limited},
            requestBody=_body("ReplyCreate"))},
        "/reports": {"post": _operation(
            "create_report", "Report a post, a room message or a profile; reports of one item merge", "Moderation",
            _responses({"201": _json("The (merged) report", _ref("Report"))}, "400", "401", "403", "404", "422"),
            requestBody=_body("ReportCreate"))},
        "/moderation/queue": {"get": _operation(
            "moderation_queue", "Reported, pending and appealed items you may decide, oldest first", "Moderation",
            _responses({"200": _json("One page of the queue", _ref("QueueEntryPage"))}, "401", "403"),
            parameters=paging)},
        "/moderation/actions": {"post": _operation(
            "moderation_action", "Approve, hide, unhide, delete or edit an item; lock, pin, move or slow a thread",
            "Moderation",
            _responses({"201": _json("Done and logged", _ref("ModerationOutcome")),
                        "200": _json("Nothing changed: already done", _ref("ModerationOutcome"))},
                       "400", "401", "403", "404", "422"),
            requestBody=_body("ModerationActionCreate"))},
    }
