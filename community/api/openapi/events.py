"""Trainings and events (community/api/events.py): organise, list, register, withdraw."""
from community.api.openapi.parts import (ID, TIMESTAMP, json_response, operation, page_schema, path_id, query,
                                         record, ref, request_body, responses, rule_schema)

BAD_VALUES = {"400": json_response("Bad values (`fields` names each: the end not after the start, a capacity "
                                   "below 1, unknown fields ...), or a body that is not JSON.", ref("Error"))}
LOCAL_TIME = {"type": "string", "format": "date-time",
              "description": "ISO 8601 with the offset of the event's time zone."}
INPUT_TIME = {"type": "string", "minLength": 1, "maxLength": 40, "format": "date-time",
              "description": "ISO 8601; with an offset (or Z) that instant, without one local time in `timezone`."}


def _nullable(schema: dict) -> dict:
    return {"oneOf": [{"type": "null"}, schema]}


def schemas() -> dict:
    from community.events import services
    from community.events.models import FORMATS

    text = {"type": "string"}
    fields = services.EVENT_SCHEMA.fields
    my_registration = record({"status": {"enum": ["confirmed", "waitlisted"]},
                              "position": {"type": ["integer", "null"], "minimum": 1,
                                           "description": "Place on the waitlist; null when confirmed."}})
    properties = {
        "id": ID, "title": text, "description": {**text, "description": "Markdown."},
        "format": {"enum": list(FORMATS)}, "starts_at": LOCAL_TIME, "ends_at": LOCAL_TIME,
        "timezone": {**text, "description": "IANA time zone, Europe/Berlin by default."},
        "location": text, "capacity": {"type": "integer", "minimum": 1},
        "confirmed": {"type": "integer", "minimum": 0}, "places_left": {"type": "integer", "minimum": 0},
        "registration_deadline": _nullable(LOCAL_TIME),
        "topics": {"type": "array", "items": {"enum": services.TOPIC_SLUGS}},
        "audience": {"type": "array", "items": {"enum": services.AUDIENCE_SLUGS}},
        "status": {"enum": ["scheduled", "cancelled"]},
        "organiser": {"type": ["string", "null"]},
        "organisation": _nullable(record({"id": ID, "name": text, "kind": text})),
        "vendor_event": {"type": "boolean", "description": "Organised by a company."},
        "my_registration": _nullable(my_registration),
    }
    event = record(properties)
    event["properties"]["online_url"] = {**text, "description": "Only for confirmed participants and the organiser."}
    body = {
        "type": "object", "additionalProperties": False,
        "properties": {
            "title": rule_schema(fields["title"]), "description": rule_schema(fields["description"]),
            "format": rule_schema(fields["format"]), "starts_at": INPUT_TIME, "ends_at": INPUT_TIME,
            "timezone": {"type": "string", "default": services.DEFAULT_TIMEZONE},
            "location": rule_schema(fields["location"]),
            "online_url": {"type": "string", "maxLength": 500, "description": "https://..."},
            "capacity": {"type": "integer", "minimum": 1, "maximum": services.MAX_CAPACITY},
            "registration_deadline": _nullable(INPUT_TIME),
            "topics": rule_schema(fields["topics"]), "audience": rule_schema(fields["audience"]),
        },
    }
    update = {**body, "properties": {**body["properties"], "status": {
        "enum": ["cancelled"], "description": "Alone: cancels the event (as POST .../cancellation)."}}}
    participant = record({"id": ID, "user_id": ID, "name": text, "email": text,
                          "organisation": {"type": ["string", "null"]},
                          "status": {"enum": ["confirmed", "waitlisted"]},
                          "position": {"type": ["integer", "null"], "minimum": 1},
                          "attended": {"type": "boolean"}, "registered_at": TIMESTAMP})
    return {
        "Event": event,
        "EventPage": page_schema("Event"),
        "EventCreate": {**body, "required": ["title", "format", "starts_at", "ends_at", "capacity"]},
        "EventUpdate": update,
        "EventRegistration": my_registration,
        "EventParticipants": record({"items": {"type": "array", "items": participant},
                                     "total": {"type": "integer", "minimum": 0}}),
    }


def paths(paging: list) -> dict:
    from community.events import services

    one = json_response("The event", ref("Event"))
    conflict = lambda text: {"409": json_response(text, ref("Error"))}  # noqa: E731
    tag = "Events"
    return {
        "/events": {
            "get": operation(
                "list_events", "Upcoming scheduled events, soonest first (recommended=1: best first)", tag,
                {**responses({"200": json_response("One page of events", ref("EventPage"))}, "401"), **BAD_VALUES},
                parameters=[
                    query("from", {"anyOf": [{"type": "string", "format": "date-time"}, {"enum": [""]}]}, "Events ending at or after this time (ISO 8601); now by default."),
                    query("topic", {"enum": services.TOPIC_SLUGS}, "Only events about this topic."),
                    query("recommended", {"type": "string", "enum": ["1", "0", "true", "false"]},
                          "Only events recommended for your organisation (needs, Digital-Check, topics)."),
                    *paging]),
            "post": operation(
                "create_event", "Organise an event (consultants, members of public bodies and companies)", tag,
                {**responses({"201": json_response("The new event", ref("Event"))}, "401", "403", "413"),
                 **BAD_VALUES}, requestBody=request_body("EventCreate")),
        },
        "/events/{event_id}": {
            "parameters": [path_id("event_id")],
            "get": operation("get_event", "An event, with your registration", tag,
                             responses({"200": one}, "401", "404")),
            "patch": operation(
                "update_event", "Change an event (its organiser); registered people are told", tag,
                {**responses({"200": one}, "401", "403", "404", "413"), **BAD_VALUES,
                 **conflict("The event has been cancelled.")}, requestBody=request_body("EventUpdate")),
        },
        "/events/{event_id}/cancellation": {"parameters": [path_id("event_id")], "post": operation(
            "cancel_event", "Cancel an event (its organiser); everyone registered is told", tag,
            {**responses({"200": one}, "401", "403", "404"), **conflict("Already cancelled, or the event is over.")})},
        "/events/{event_id}/registrations": {
            "parameters": [path_id("event_id")],
            "post": operation(
                "register_for_event", "Register: confirmed while places are left, else on the waitlist", tag,
                {**responses({"201": json_response("Your registration", ref("EventRegistration"))},
                             "401", "403", "404"),
                 **conflict("Already registered, or the event is cancelled, over or past its deadline.")}),
            "get": operation(
                "list_event_registrations", "The participants, confirmed first, then the waitlist (organiser)",
                tag, responses({"200": json_response("The participants", ref("EventParticipants"))},
                               "401", "403", "404")),
        },
        "/events/{event_id}/registrations/mine": {"parameters": [path_id("event_id")], "delete": operation(
            "withdraw_from_event", "Withdraw; the first on the waitlist moves up and is told", tag,
            {"204": {"description": "Withdrawn."}, **responses({}, "401", "404"),
             **conflict("You are not registered, or the event is cancelled or over.")})},
    }
