"""Partner suggestions, search and contact requests (community/api/suggestions.py)."""
from community.api.openapi.parts import (ID, TIMESTAMP, json_response, operation, page_schema, path_id, query,
                                         query_schema, record, ref, request_body, responses, rule_schema,
                                         stored_schema)
from community.organisations.services import CREATE_SCHEMA
from community.profiles.services import MODELS
from community.search import services as search_services
from community.suggestions import contacts as contact_services
from community.suggestions import services as suggestion_services
from community.suggestions.models import CONTACT_STATUSES
from community.taxonomy import LAND_BY_SLUG, TOPIC_BY_SLUG

_NULLABLE_ID = {"type": ["integer", "null"], "minimum": 1}
_SCORE = {"type": "number", "minimum": 0, "maximum": 1}
_TERMS = {"type": "array", "items": {"type": "string"}, "description": "Shared words that carried the score."}


def schemas() -> dict:
    entry_kinds = sorted(MODELS)
    person = record({"name": {"type": "string"}, "email": {"type": "string"}, "phone": {"type": "string"},
                     "job_title": {"type": "string"}})
    return {
        "OrganisationSummary": record({
            "id": ID, "name": {"type": "string"}, "kind": stored_schema(CREATE_SCHEMA.fields["kind"]),
            "land": {"type": ["string", "null"]}, "population_class": {"type": ["string", "null"]},
            "verified": {"type": "boolean", "description": "A verified public body."},
        }),
        "Suggestion": record({
            "relation": {"enum": sorted(suggestion_services.RELATIONS), "description":
                         "offer: an offer for your need; peer: another organisation's similar need; "
                         "need: another organisation's need your offer could meet."},
            "need_id": {**_NULLABLE_ID, "description": "Your need the suggestion is for (null for an offer)."},
            "offer_id": {**_NULLABLE_ID, "description": "Your offer the suggestion is for (null for a need)."},
            "match_id": {"type": "string", "pattern": "^(need|offer):[0-9]+$"},
            "match": record({"kind": {"enum": entry_kinds}, "id": ID, "title": {"type": "string"}}),
            "score": _SCORE, "terms": _TERMS,
            "words": {"type": "array", "items": {"type": "string"},
                      "description": "The reason in whole words: words of the suggested entry that meet yours as "
                                     "words, compound parts or synonyms, as written there."},
            "topics": {"type": "array", "items": {"type": "string"}, "description": "Topics both sides share."},
            "organisation": ref("OrganisationSummary"),
            "same_land": {"type": "boolean", "description": "The organisation is in your Land; this lifts "
                          "suggestions of nearly equal score (by at most 1 %) and is shown as a reason."},
            "same_population_class": {"type": "boolean", "description": "The organisation has your population "
                                      "class; lifts like same_land, by a third as much."},
        }),
        "SuggestionPage": page_schema("Suggestion"),
        "SearchHit": record({
            "kind": {"enum": sorted(search_services.all_kinds())}, "id": ID, "title": {"type": "string"},
            "score": _SCORE, "terms": _TERMS,
            "snippet": {"type": "string", "description": "Plain text around the first matched word (Markdown "
                                                         "reduced to its words; no HTML)."},
            "url": {"type": ["string", "null"], "description": "The page of a good example, event or forum post; "
                                                               "null for organisations, needs and offers."},
            "organisation": {"oneOf": [{"type": "null"}, ref("OrganisationSummary")],
                             "description": "The organisation, or the one the need or offer belongs to; null for "
                                            "other kinds."},
            "similar": {"type": "integer", "minimum": 0,
                        "description": "How many near-duplicate hits (texts whose word triples overlap by half or more) "
                                       "this hit stands for; they are not listed separately."},
            "similar_ids": {"type": "array", "items": record({"kind": {"enum": sorted(search_services.all_kinds())},
                                                              "id": ID}),
                            "description": "The collapsed near-duplicates."},
        }),
        "SearchHitPage": {**page_schema("SearchHit"), "properties": {
            **page_schema("SearchHit")["properties"],
            "more": {"type": "boolean", "description": "true: more hits exist than `total` counts."},
            "counts": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0},
                       "description": "Hits per kind (all kinds, before the `kind` filter; a kind without hits "
                                      "is absent)."}},
            "required": [*page_schema("SearchHit")["required"], "more", "counts"]},
        "ContactRequest": record({
            "id": ID, "direction": {"enum": list(contact_services.DIRECTIONS)},
            "status": {"enum": list(CONTACT_STATUSES)},
            "state": {"enum": list(contact_services.STATES), "description": "What the sender may honestly be told: "
                      "`not_received` while the receiving organisation has no active member, `waiting` while "
                      "its members can answer, `forwarded` when the competence centre passes it on; else the status."},
            "from_organisation": ref("OrganisationSummary"), "to_organisation": ref("OrganisationSummary"),
            "need_id": _NULLABLE_ID, "offer_id": _NULLABLE_ID, "message": {"type": "string"},
            "room_id": {**_NULLABLE_ID, "description": "The partner conversation opened by the acceptance."},
            "contacts": {"oneOf": [{"type": "null"}, record({
                "requester": {"oneOf": [{"type": "null"}, person]},
                "responder": {"oneOf": [{"type": "null"}, person]},
            })], "description": "The people's details: null until the request is accepted."},
            "created_at": TIMESTAMP, "decided_at": {"type": ["string", "null"], "format": "date-time"},
        }),
        "ContactRequestPage": page_schema("ContactRequest"),
        "ContactRequestCreate": {
            "type": "object", "additionalProperties": False, "required": ["to_organisation_id", "message"],
            "properties": {
                "to_organisation_id": ID,
                "message": rule_schema(contact_services.CREATE_SCHEMA.fields["message"]),
                "need_id": {**ID, "description": "A need of either organisation the request is about."},
                "offer_id": {**ID, "description": "An offer of either organisation the request is about."},
                "forward_to_centre": {"type": "boolean", "default": False, "description": (
                    "For an organisation without active members (`active_members: false`): ask the competence "
                    "centre to pass the request on (201, status `forwarded`). Without it such a request is 409 "
                    "`no_recipient`; with members it is ignored.")},
            },
        },
    }


def paths(paging: list) -> dict:
    filters = [query(name, query_schema(rule), "Only suggestions from organisations with this "
                     + name.replace("_", " ") + ".") for name, rule in suggestion_services.FILTERS.fields.items()]
    conflict = {"409": json_response("Your account has no organisation, or a request between the two organisations "
                                     "is pending or accepted, or the request was already answered.", ref("Error"))}
    request_id = [path_id("request_id")]
    found = {
        "/suggestions": {"get": operation(
            "list_suggestions", "Partner suggestions for your organisation's open needs and offers, best first",
            "Suggestions", responses({"200": json_response("One page of suggestions", ref("SuggestionPage"))},
                                     "401", "409", "422"),
            parameters=[*filters, *paging],
        )},
        "/search": {"get": operation(
            "search", "Search organisations, needs, offers, good examples, events and forum posts: hits meeting the words as whole words or "
            "compound parts first, then fragment matches; near-duplicates collapsed", "Search",
            responses({"200": json_response("One page of hits, best first. `total` counts the hits after "
                                            "collapsing near-duplicates; `more: true` says there are more "
                                            "candidates than were examined, so `total` is a lower bound",
                                            ref("SearchHitPage"))}, "400", "401", "422"),
            parameters=[{**query("q", {"type": "string", "minLength": 1, "pattern": "\\S"}, "Words to search for; cut at 20,000 characters. "
                                 "Empty or only common words: 422."), "required": True},
                        query("kind", {"enum": sorted(search_services.all_kinds())}, "Only hits of this kind."),
                        query("topic", {"enum": sorted(TOPIC_BY_SLUG)}, "Only hits with this topic."),
                        query("land", {"enum": sorted(LAND_BY_SLUG)}, "Only hits of organisations in this Land."),
                        *paging],
        )},
        "/contact-requests": {
            "get": operation(
                "list_contact_requests", "Contact requests your organisation received or sent", "Contacts",
                responses({"200": json_response("One page of contact requests, newest first",
                                                ref("ContactRequestPage"))}, "401", "409", "422"),
                parameters=[query("direction", rule_schema(contact_services.LIST_FILTERS.fields["direction"]),
                                  "Only received (incoming) or sent (outgoing) requests."), *paging],
            ),
            "post": operation(
                "create_contact_request", "Ask another organisation to get in touch (rate-limited per organisation)",
                "Contacts", {**responses({"201": {**json_response("The new request", ref("ContactRequest")),
                                                  "headers": {"Location": {"description": "URL of the new request",
                                                                           "schema": {"type": "string"}}}}},
                                         "400", "401", "413", "422"),
                             "409": json_response(
                                 "Your account has no organisation, or a request between the two organisations is "
                                 "pending or accepted, or (code `no_recipient`) the organisation has no active member "
                                 "and `forward_to_centre` was not asked for: nobody would receive the request.",
                                 ref("Error"))},
                requestBody=request_body("ContactRequestCreate"),
            ),
        },
        "/contact-requests/{request_id}": {"parameters": request_id, "get": operation(
            "get_contact_request", "Show a contact request of your organisation", "Contacts",
            responses({"200": json_response("The request", ref("ContactRequest"))}, "401", "404"),
        )},
    }
    for action, who in (("accept", "receiving"), ("decline", "receiving"), ("withdraw", "requesting")):
        found[f"/contact-requests/{{request_id}}/{action}"] = {"parameters": request_id, "post": operation(
            f"{action}_contact_request", f"{action.capitalize()} a pending request (members of the {who} "
            "organisation)", "Contacts",
            {**responses({"200": json_response("The answered request", ref("ContactRequest"))}, "401", "403", "404"),
             **conflict},
        )}
    return found
