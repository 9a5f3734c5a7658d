"""The OpenAPI 3.1 document of /api/v1, built from the validation schemas the services enforce.

Request bodies, query filters and the enumerations of the responses are derived from the
Text/OneOf/ManyOf/Flag rules in organisations/services.py and profiles/services.py, so the
document changes when the validation does. tests/test_api_openapi.py checks that every
route is documented, that nothing else is, and that real responses match their schemas:
whoever adds a route under /api/v1 adds its operation to the section of its feature (SECTIONS).
"""
from flask import current_app

# One import and one SECTIONS entry per feature, each on its own line, so features added side by side merge.
from community.api.openapi import consultations
from community.api.openapi import digitalcheck
from community.api.openapi import directory
from community.api.openapi import events
from community.api.openapi import examples
from community.api.openapi import forums
from community.api.openapi import insights
from community.api.openapi import mail
from community.api.openapi import rooms
from community.api.openapi import suggestions
from community.api.openapi import programmes
from community.api.openapi import attachments
from community.api.openapi import cooperation
from community.api.openapi.parts import (ERROR_SCHEMA, ERRORS, json_response, operation, paging_parameters, ref,
                                         responses)

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
# Each section documents one feature: schemas() -> components, paths(paging) -> operations.
SECTIONS = (
    directory,
    suggestions,
    rooms,
    forums,
    consultations,
    insights,
    digitalcheck,
    events,
    examples,
    mail,
    programmes,
    attachments,
    cooperation,
)
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
            "responses": {**{name: json_response(description, ref("Error")) for name, description in ERRORS.values()},
                          "UriTooLong": {"description": ERRORS["414"][1],
                                         "content": {"text/html": {"schema": {"type": "string"}}}}},
        },
    }


def _schemas() -> dict:
    schemas = {"Error": ERROR_SCHEMA}
    for section in SECTIONS:
        schemas.update(section.schemas())
    return schemas


def _paths(default_per_page: int) -> dict:
    paging = paging_parameters(default_per_page)
    paths = {"/openapi.json": {"get": operation(
        "openapi_document", "This document", "Meta",
        responses({"200": json_response("The OpenAPI document", {"type": "object"})}), security=[],
    )}}
    for section in SECTIONS:
        paths.update(section.paths(paging))
    for operations in paths.values():
        for method in operations.values():
            # request_page and query_value refuse paging and other query values not as documented: 400.
            if isinstance(method, dict) and method.get("parameters") and "400" not in method["responses"]:
                method["responses"]["400"] = {"$ref": f"#/components/responses/{ERRORS['400'][0]}"}
    return paths
