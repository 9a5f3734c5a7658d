"""The directory: organisations, your organisation's profile, its needs and offers
(community/api/routes.py, community/api/entries.py)."""
from community.api.entries import STATUS_FILTERS
from community.api.openapi.parts import (ID, TIMESTAMP, body_schema, json_response, nullable, operation, page_schema,
                                         path_id, query, query_schema, record, ref, request_body, responses,
                                         rule_schema, stored_schema)
from community.organisations.services import CREATE_SCHEMA, DIRECTORY_FILTERS, PROFILE_SCHEMA, WEBSITE_PATTERN
from community.pagination import MAX_PER_PAGE
from community.profiles.services import MODELS, SCHEMAS


def _organisation_properties() -> dict:
    fields = PROFILE_SCHEMA.fields
    hidden = "null when its visibility is `members` and the viewer is not signed in."
    return {
        "id": ID,
        "kind": stored_schema(CREATE_SCHEMA.fields["kind"]),
        **{name: stored_schema(rule) for name, rule in fields.items()},
        "official_key": nullable(stored_schema(fields["official_key"]),
                                 "The Amtlicher Regionalschlüssel (ARS) for a municipality of the official register: "
                                 "12 digits for a Gemeinde, 9 for a Gemeindeverband, 5 for a Kreis; the Land key "
                                 "(2 digits) for a state body; null when the organisation has none."),
        "ags": nullable({"type": "string", "pattern": "^(\\d{5}|\\d{8})$"},
                        "Amtlicher Gemeindeschlüssel: 8 digits for a Gemeinde, 5 for a Kreis; null otherwise."),
        "population": nullable({"type": "integer", "minimum": 0},
                               "Inhabitants by the official register; null when it gives none."),
        "postcode": nullable({"type": "string", "pattern": "^\\d{5}$"},
                             "Postcode of the seat (of the administrative seat, for a municipality); null if unknown."),
        "description": nullable(stored_schema(fields["description"]), hidden),
        "contact_email": nullable(stored_schema(fields["contact_email"]), hidden),
        "verified": {"type": "boolean"},
        "created_at": TIMESTAMP,
        "updated_at": TIMESTAMP,
    }


VISIBILITY_HELP = ("Who sees it: `public` everyone, `members` everyone signed in, `organisation` only the "
                   "organisation's members and, where it shares its Digital-Check with the competence centre, "
                   "the centre's consultants. An entry the caller may not see answers 404.")


def _entry_schema(kind: str) -> dict:
    return record({
        "id": ID,
        "kind": {"const": kind},
        "organisation_id": ID,
        **{name: stored_schema(rule) for name, rule in SCHEMAS[kind].fields.items()},
        "visibility": {**stored_schema(SCHEMAS[kind].fields["visibility"]), "description": VISIBILITY_HELP},
        "created_at": TIMESTAMP,
        "updated_at": TIMESTAMP,
    })


def _with_website_pattern(body: dict) -> dict:
    """The web address the service checks: empty, or http(s):// and a host."""
    body["properties"]["website"]["pattern"] = f"^$|{WEBSITE_PATTERN}"
    return body


def schemas() -> dict:
    organisation = _organisation_properties()
    found = {
        "Organisation": record(organisation),
        "OrganisationDetail": record({
            **organisation,
            "active_members": {"type": "boolean", "description": "Whether the organisation has an active member, "
                               "i.e. anybody would receive a contact request (else: `forward_to_centre`)."},
            "needs": {"type": "array", "items": ref("Need"), "maxItems": MAX_PER_PAGE},
            "offers": {"type": "array", "items": ref("Offer"), "maxItems": MAX_PER_PAGE},
        }),
        "OrganisationPage": page_schema("Organisation"),
        "ProfileUpdate": _with_website_pattern(body_schema(PROFILE_SCHEMA, partial=True)),
    }
    for kind in MODELS:
        name = kind.capitalize()
        found[name] = _entry_schema(kind)
        found[f"{name}Page"] = page_schema(name)
        found[f"{name}Create"] = body_schema(SCHEMAS[kind], partial=False)
        found[f"{name}Update"] = body_schema(SCHEMAS[kind], partial=True)
        for body in (found[f"{name}Create"], found[f"{name}Update"]):
            body["properties"]["visibility"]["description"] = VISIBILITY_HELP
    return found


_FILTER_HELP = {
    "q": "Part of the organisation's name, or an official key (AGS of 5 or 8 digits, ARS of 12) or a postcode.",
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
            "get": operation(
                f"list_{plural}", f"List your organisation's {plural}", tag,
                responses({"200": json_response(f"One page of {plural}", ref(f"{name}Page"))}, "401", "409", "422"),
                parameters=[query("status", rule_schema(status_rule), "Only entries with this status."), *paging],
            ),
            "post": operation(
                f"create_{kind}", f"Create a {kind} for your organisation", tag,
                responses({"201": {**json_response(f"The new {kind}", ref(name)), "headers": {
                    "Location": {"description": f"URL of the new {kind}", "schema": {"type": "string"}}}}},
                    "400", "401", "403", "409", "413", "422"),
                requestBody=request_body(f"{name}Create"),
            ),
        },
        f"/{plural}/{{entry_id}}": {
            "parameters": [path_id("entry_id")],
            "get": operation(f"get_{kind}", f"Show a {kind} (404 when the caller may not see it)", tag,
                             responses({"200": json_response(f"The {kind}", ref(name))}, "401", "404")),
            "patch": operation(
                f"update_{kind}", f"Change fields of one of your organisation's {plural}", tag,
                responses({"200": json_response(f"The changed {kind}", ref(name))},
                          "400", "401", "403", "404", "413", "422"),
                requestBody=request_body(f"{name}Update"),
            ),
            "delete": operation(
                f"delete_{kind}", f"Delete one of your organisation's {plural}", tag,
                responses({"204": {"description": "Deleted"}}, "401", "403", "404"),
            ),
        },
    }


def paths(paging: list) -> dict:
    filters = [query(name, query_schema(rule), _FILTER_HELP[name]) for name, rule in DIRECTORY_FILTERS.fields.items()]
    found = {
        "/organisations": {"get": operation(
            "list_organisations", "Search the directory of organisations", "Organisations",
            responses({"200": json_response("One page of organisations, by name", ref("OrganisationPage"))},
                      "401", "422"),
            parameters=[*filters, *paging],
        )},
        "/organisations/{org_id}": {
            "parameters": [path_id("org_id")],
            "get": operation(
                "get_organisation", "Show an organisation with its open needs and offers", "Organisations",
                responses({"200": json_response("The organisation", ref("OrganisationDetail"))}, "401", "404"),
            ),
        },
        "/profile": {
            "get": operation(
                "get_profile", "Show your own organisation", "Profile",
                responses({"200": json_response("Your organisation", ref("OrganisationDetail"))}, "401", "409"),
            ),
            "patch": operation(
                "update_profile", "Change fields of your organisation (organisation admins)", "Profile",
                responses({"200": json_response("Your changed organisation", ref("OrganisationDetail"))},
                          "400", "401", "403", "409", "413", "422"),
                requestBody=request_body("ProfileUpdate"),
            ),
        },
    }
    for kind in MODELS:
        found.update(_entry_paths(kind, paging))
    return found
