"""Building blocks of the OpenAPI document: JSON Schemas derived from the validation rules, and the
shapes every section repeats (records, pages, error responses, operations)."""
from community.pagination import MAX_PAGE, MAX_PER_PAGE
from community.validation import Flag, ManyOf, OneOf, Schema, Text


TEXT_PATTERN = "^[^\\u0000]*$"
REQUIRED_TEXT_PATTERN = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"
"""Text with something besides white space in it (a required field is stripped first)."""


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def rule_schema(rule) -> dict:
    """JSON Schema for what a validation rule accepts as input."""
    if isinstance(rule, Text):
        # Text is stripped before its length is checked, and never holds a NUL character.
        schema = {"type": "string", "maxLength": rule.max_length, "pattern": TEXT_PATTERN}
        if rule.required:
            schema["minLength"] = max(1, rule.min_length)
            schema["pattern"] = REQUIRED_TEXT_PATTERN
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


def query_schema(rule) -> dict:
    """JSON Schema for a filter in the query string: as in a body, but a flag is text there
    (true/false, 1/0, yes/no, on/off) and may be left empty, which means no filter."""
    if isinstance(rule, Flag):
        return {"enum": [True, False, "", "1", "0", "yes", "no", "y", "n", "on", "off"]}
    return rule_schema(rule)


def body_schema(schema: Schema, partial: bool) -> dict:
    """A request body for a Schema: unknown fields are refused; a partial update requires none."""
    body = {
        "type": "object",
        "properties": {name: rule_schema(rule) if getattr(rule, "required", False) else or_null(rule_schema(rule))
                       for name, rule in schema.fields.items()},
        "additionalProperties": False,
    }
    required = [name for name, rule in schema.fields.items() if getattr(rule, "required", False)]
    if required and not partial:
        body["required"] = required
    return body


def or_null(schema: dict) -> dict:
    """An optional field may be sent as null: the same as leaving it out or empty (its default)."""
    types = schema.get("type")
    if types is None:  # an enum without a type
        return {**schema, "enum": [*schema["enum"], None]} if "enum" in schema else schema
    return {**schema, "type": [types, "null"]} if isinstance(types, str) else schema


def record(properties: dict) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


ID = {"type": "integer", "minimum": 1}
TIMESTAMP = {"type": "string", "format": "date-time"}


def nullable(schema: dict, description: str) -> dict:
    return {**schema, "type": [schema["type"], "null"], "description": description}


def page_schema(item: str) -> dict:
    return record({
        "items": {"type": "array", "items": ref(item)},
        "total": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    })


ERRORS = {
    "400": ("BadRequest", "The body is not a JSON object or was sent without Content-Type: application/json, "
                          "or a query parameter is not as documented (`fields` names it)."),
    "401": ("Unauthorized", "The bearer token is missing, unknown or belongs to a deleted account."),
    "403": ("Forbidden", "The token user may not do this (another organisation's data, or not its admin), or "
                         "the account is suspended or banned (code `banned`; the message gives reason and end)."),
    "404": ("NotFound", "No such record, or not visible to the token user."),
    "409": ("NoOrganisation", "The token user's account does not belong to an organisation."),
    "413": ("PayloadTooLarge", "The body is larger than the server accepts (1 MiB by default)."),
    "414": ("UriTooLong", "The request line is longer than the server accepts (gunicorn: 4094 bytes); the "
                          "server answers before the application, in HTML."),
    "422": ("ValidationFailed", "The input was refused; `fields` names each bad field."),
    "429": ("RateLimited", "Too many requests for this token user; wait and retry."),
}


def responses(success: dict, *errors: str) -> dict:
    """The success responses and the shared error responses of these statuses (414 and 429 always)."""
    answers = dict(success)
    for status in (*errors, "414", "429"):
        answers[status] = {"$ref": f"#/components/responses/{ERRORS[status][0]}"}
    return answers


def json_response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": ID}


def paging_parameters(default_per_page: int) -> list:
    return [
        query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
              "Page number; anything else is refused with 400."),
        query("per_page", {"type": "integer", "minimum": 1, "default": default_per_page},
              f"Items per page; larger values are reduced to {MAX_PER_PAGE}, anything else is refused with 400."),
    ]


def request_body(schema_name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": ref(schema_name)}}}


def operation(operation_id: str, summary: str, tag: str, responses: dict, **extra) -> dict:
    return {"operationId": operation_id, "summary": summary, "tags": [tag], "responses": responses, **extra}


ERROR_SCHEMA = record({"error": record({
    "code": {"type": "string", "examples": ["validation_error"]},
    "message": {"type": "string"},
    "fields": {"type": "object", "additionalProperties": {"type": "string"},
               "description": "Per-field messages; empty unless the input had field errors."},
})})
