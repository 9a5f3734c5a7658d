"""Bounded input: the largest body the server accepts (MAX_CONTENT_LENGTH) sent to every list-taking endpoint.

    .venv/bin/python bench/bounded_input.py [--repeat 3]

The API endpoints come from the OpenAPI document: every operation whose request body has an array
property (or an object of answers keyed by id) gets one request per such field, the field filled with
as many items as fit into MAX_CONTENT_LENGTH (ids for id lists, the first allowed value for choices). The
form routes that take repeated fields (multi-selects and checkbox groups) are listed below. Each request
runs in this process through the Flask test client on a temporary SQLite database, after a baseline:
an ordinary page (the start page and GET /api/v1/needs) in the same process. Prints the median time of
each request, its status and the field it names, the worst time and its ratio to the baseline.
Target (issue #21): no request over 200 ms.
"""
import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from community import create_app  # noqa: E402
from community.extensions import db  # noqa: E402
from tests.factories import make_need, make_offer, make_org, make_token, make_user, sign_in  # noqa: E402

TARGET_MS = 200.0
# Form routes with repeated fields: (endpoint, url arguments, list field, one item, other fields).
FORMS = (
    ("consultations.new", {}, "need_ids", "1", {"subject": "x", "description": "x", "topics": "eakte"}),
    ("consultations.new", {}, "topics", "eakte", {"subject": "x", "description": "x"}),
    ("examples.new", {}, "partner_organisation_ids", "1", {"title": "x"}),
    ("examples.new", {}, "ozg_ids", "1", {"title": "x"}),
    ("examples.new", {}, "topics", "eakte", {"title": "x"}),
    ("events.new", {}, "topics", "eakte", {"title": "x"}),
    ("events.new", {}, "audience", "x", {"title": "x"}),
    ("events.attendance", {"event_id": "event"}, "attended", "1", {}),
    ("profiles.new_entry", {"org_id": "organisation", "plural": "needs"}, "topics", "eakte", {"title": "x"}),
    ("profiles.new_entry", {"org_id": "organisation", "plural": "needs"}, "ozg_ids", "1", {"title": "x"}),
    ("organisations.edit", {"org_id": "organisation"}, "topics", "eakte", {"name": "x"}),
    ("rooms.create", {"kind": "group"}, "topics", "eakte", {"title": "x"}),
    ("digitalcheck.adopt", {"assessment_id": "assessment"}, "needs", "x", {}),
)


def fill_json(item, limit: int) -> list:
    """As many copies of `item` as fit into a JSON body of `limit` bytes (with some room for the rest)."""
    size = len(json.dumps(item)) + 2  # ", "
    return [item] * ((limit - 2048) // size)


def fill_form(item: str, name: str, limit: int) -> int:
    return (limit - 2048) // (len(name) + len(item) + 2)  # name=item&


def resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        target = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        schema = target
    if "oneOf" in schema:
        schema = next((resolve(s, document) for s in schema["oneOf"] if s.get("type") != "null"), schema)
    return schema


def sample_item(schema: dict, document: dict):
    schema = resolve(schema, document)
    if "enum" in schema:
        return next(value for value in schema["enum"] if value not in ("", None))
    if schema.get("type") == "object":
        return {name: sample_item(part, document) for name, part in schema.get("properties", {}).items()}
    if schema.get("type") in ("string", ["string", "null"]):
        return "x"
    return 1


def api_cases(document: dict, ids: dict, limit: int) -> list:
    """(label, method, url, body) for every list field (and answers object) of every request body."""
    cases = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if not body:
                continue
            schema = resolve(body["content"]["application/json"]["schema"], document)
            url = "/api/v1" + path.format_map(
                Placeholders({**ids, "entry_id": ids["offer_id"]}) if path.startswith("/offers") else ids)
            for name, prop in schema.get("properties", {}).items():
                prop = resolve(prop, document)
                types = prop.get("type")
                if types == "array" or (isinstance(types, list) and "array" in types):
                    value = fill_json(sample_item(prop["items"], document), limit)
                elif prop.get("type") in ("object", ["object", "null"]) and name in ("answers", "priorities"):
                    value = {f"q{n}": 1 for n in range((limit - 2048) // 16)}
                else:
                    continue
                cases.append((f"{method.upper()} {path} {name}", method, url,
                              {"data": json.dumps({name: value}).encode(), "content_type": "application/json"}))
    return cases


def form_cases(app, ids: dict, limit: int) -> list:
    cases = []
    with app.test_request_context():
        from flask import url_for

        for endpoint, arguments, name, item, other in FORMS:
            url = url_for(endpoint, **{key: ids.get(value, value) for key, value in arguments.items()})
            data = urlencode([*other.items(), *[(name, item)] * fill_form(item, name, limit)]).encode()
            cases.append((f"form {endpoint} {name}", "post", url,
                          {"data": data, "content_type": "application/x-www-form-urlencoded"}))
    return cases


def timed(client, method: str, url: str, repeat: int, **kwargs) -> tuple[float, object]:
    timings, response = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        response = getattr(client, method)(url, **kwargs)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), response


def world(client, token_headers):
    town = make_org(name="Gemeinde Musterdorf", land="09")
    user = make_user(town, is_org_admin=True)
    token = {"Authorization": f"Bearer {make_token(user)}"}
    token_headers.update(token)
    need, offer = make_need(town), make_offer(town)
    assessment = client.post("/api/v1/digital-check/assessments", json={}, headers=token).get_json()
    event = client.post("/api/v1/events", json={"title": "Schulung", "format": "online", "starts_at":
                        "2030-03-01T10:00", "ends_at": "2030-03-01T12:00", "capacity": 10,
                        "online_url": "https://example.org/x"}, headers=token).get_json()
    case = client.post("/api/v1/consultations", json={
        "subject": "x", "description": "x", "topics": ["eakte"], "urgency": "normal",
        "preferred_format": "video"}, headers=token).get_json()
    example = client.post("/api/v1/examples", json={"title": "Digitale Bauakte", "summary": "Kurz.",
                                                    "problem": "Papier.", "solution": "Digital.", "topics": ["eakte"],
                                                    "project_status": "completed",
                                                    "draft": True}, headers=token).get_json()
    ids = {"organisation": town.id, "event": event.get("id", 1), "assessment": assessment.get("id", 1)}
    placeholders = {"org_id": town.id, "organisation_id": town.id, "need_id": need.id, "entry_id": need.id,
                    "assessment_id": ids["assessment"], "event_id": ids["event"], "case_id": case.get("id", 1),
                    "example_id": example.get("id", 1), "id": need.id, "offer_id": offer.id}
    return user, ids, placeholders


class Placeholders(dict):
    def __missing__(self, key):
        return 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SQLALCHEMY_ENGINE_OPTIONS": {},
                          "SECRET_KEY": "bench", "RATE_LIMITS_ENABLED": False, "WTF_CSRF_ENABLED": False,
                          "JOBS_BACKEND": "memory", "JOBS_IMMEDIATE": False, "SERVER_NAME": "localhost",
                          "PUBLIC_URL": "http://localhost", "BABEL_DEFAULT_LOCALE": "en"})
        limit = app.config["MAX_CONTENT_LENGTH"]
        with app.app_context():
            db.create_all()
            client = app.test_client()
            headers: dict = {}
            user, ids, placeholders = world(client, headers)
            sign_in(client, user)
            document = client.get("/api/v1/openapi.json").get_json()
            baseline = max(timed(client, "get", "/", args.repeat)[0],
                           timed(client, "get", "/api/v1/needs", args.repeat, headers=headers)[0])
            print(f"largest accepted body (MAX_CONTENT_LENGTH): {limit:,} bytes; median of {args.repeat} runs each")
            print(f"baseline, an ordinary page (slower of / and GET /api/v1/needs): {baseline:.1f} ms\n")
            print(f"{'request':<72} {'status':>6} {'ms':>8}  field named")
            results = []
            cases = (api_cases(document, Placeholders(placeholders), limit)
                     + form_cases(app, ids, limit))
            for label, method, url, kwargs in cases:
                if kwargs["content_type"] == "application/json":
                    kwargs = {**kwargs, "headers": headers}
                elapsed, response = timed(client, method, url, args.repeat, **kwargs)
                body = response.get_json(silent=True) or {}
                named = ", ".join((body.get("error") or {}).get("fields") or {}) if isinstance(body, dict) else ""
                db.session.rollback()
                results.append((elapsed, label))
                print(f"{label[:72]:<72} {response.status_code:>6} {elapsed:>8.1f}  {named[:40]}")
            worst, worst_label = max(results)
            print(f"\n{len(results)} requests; worst {worst:.1f} ms ({worst_label}), "
                  f"{worst / baseline:.1f}x the ordinary page; target {TARGET_MS:.0f} ms: "
                  f"{'met' if worst <= TARGET_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
