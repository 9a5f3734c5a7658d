"""The OpenAPI document of /api/v1: a valid document, true to the routes and to real responses."""
import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from community.profiles.catalogue import SERVICE_IDS
from tests.factories import make_need, make_offer, make_org, make_token, make_user

PREFIX = "/api/v1"
DOCUMENT_URI = "urn:kommunalnetz-api"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture
def document(client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def documented_operations(document) -> set[tuple[str, str]]:
    return {(path, method.upper()) for path, item in document["paths"].items() for method in item
            if method in HTTP_METHODS}


def routed_operations(app) -> set[tuple[str, str]]:
    """(OpenAPI path, method) for every /api/v1 rule; Flask adds HEAD and OPTIONS by itself."""
    operations = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len(PREFIX):])
            operations |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return operations


def schema_validator(document, path: str, method: str, status: int) -> Draft202012Validator:
    """A validator for the JSON body the document promises for this operation and status."""
    responses = document["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} does not document status {status}"
    response = responses[str(status)]
    if "$ref" in response:
        pointer = response["$ref"]
    else:
        pointer = "#/paths/" + path.replace("~", "~0").replace("/", "~1") + f"/{method}/responses/{status}"
    registry = Registry().with_resource(DOCUMENT_URI, Resource(contents=document, specification=DRAFT202012))
    return Draft202012Validator(
        {"$ref": f"{DOCUMENT_URI}{pointer}/content/application~1json/schema"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def assert_matches_document(document, path: str, method: str, response) -> None:
    errors = sorted(schema_validator(document, path, method, response.status_code).iter_errors(response.get_json()),
                    key=str)
    assert not errors, f"{method.upper()} {path} {response.status_code}: " + "; ".join(
        f"{list(error.absolute_path)}: {error.message}" for error in errors)


# --- the document itself ------------------------------------------------------------------------


def test_document_is_valid_openapi(document):
    validate_openapi(document)


def test_document_is_served_without_a_token(client):
    assert client.get(f"{PREFIX}/openapi.json").status_code == 200


def test_every_api_route_is_documented(app, document):
    undocumented = routed_operations(app) - documented_operations(document)
    assert not undocumented, f"Routes missing from community/api/openapi.py: {sorted(undocumented)}"


def test_every_documented_operation_exists(app, document):
    unrouted = documented_operations(document) - routed_operations(app)
    assert not unrouted, f"Documented in community/api/openapi.py but not routed: {sorted(unrouted)}"


def test_every_operation_but_the_document_requires_a_token(app, client, document):
    """Walks the routes, so an API route added without @token_required fails here."""
    open_operations = set()
    for path, method in routed_operations(app):
        url = PREFIX + re.sub(r"\{[^}]+\}", "1", path)
        if client.open(url, method=method).status_code != 401:
            open_operations.add((path, method))
    assert open_operations == {("/openapi.json", "GET")}
    assert document["paths"]["/openapi.json"]["get"]["security"] == []


def test_request_bodies_refuse_unknown_fields_like_the_validation_does(document):
    bodies = [name for name in document["components"]["schemas"] if name.endswith(("Create", "Update"))]
    assert bodies
    for name in bodies:
        assert document["components"]["schemas"][name]["additionalProperties"] is False, name


# --- the document agrees with the validation -----------------------------------------------------


@pytest.mark.parametrize("payload", [
    {"title": "Open-Data-Portal", "topics": ["daten"], "ozg_ids": [], "urgency": "high", "visibility": "members"},
    {"title": "Open-Data-Portal", "colour": "blau"},
    {"title": "Open-Data-Portal", "topics": ["astrologie"]},
    {"title": "Open-Data-Portal", "urgency": "yesterday"},
    {"title": "x" * 201},
    {"body": "Ohne Titel"},
])
def test_document_accepts_exactly_the_need_bodies_the_api_accepts(client, document, payload):
    headers = {"Authorization": f"Bearer {make_token(make_user(make_org()))}"}
    registry = Registry().with_resource(DOCUMENT_URI, Resource(contents=document, specification=DRAFT202012))
    create_schema = Draft202012Validator({"$ref": f"{DOCUMENT_URI}#/components/schemas/NeedCreate"},
                                         registry=registry)
    accepted = client.post(f"{PREFIX}/needs", headers=headers, json=payload).status_code == 201
    assert create_schema.is_valid(payload) == accepted


# --- real responses match their documented schemas ----------------------------------------------


@pytest.fixture
def world(app):
    """An org admin with a need and an offer, and a fully described, verified foreign organisation."""
    home = make_org(name="Gemeinde Aachtal", population_class="5k-20k", official_key="05334002")
    admin = make_user(home, is_org_admin=True)
    other = make_org(name="Kreis Beispiel", kind="municipality", org_type="landkreis", verified=True,
                     description="Intern", description_visibility="members", contact_email="it@kreis.de",
                     website="https://kreis.de", topics=["ozg", "daten"])
    need = make_need(home, ozg_ids=[min(SERVICE_IDS)], urgency="high")
    offer = make_offer(home, visibility="members", offer_kind="experience")
    make_need(other)
    make_offer(other)
    return {"headers": {"Authorization": f"Bearer {make_token(admin)}"},
            "org_id": other.id, "need_id": need.id, "offer_id": offer.id, "orphan": make_user()}


CALLS = [
    ("get", "/organisations", "/organisations", None, 200),
    ("get", "/organisations", "/organisations?kind=castle", None, 422),
    ("get", "/organisations/{org_id}", "/organisations/{org_id}", None, 200),
    ("get", "/organisations/{org_id}", "/organisations/999999", None, 404),
    ("get", "/profile", "/profile", None, 200),
    ("patch", "/profile", "/profile", {"description": "Neu", "land": "05"}, 200),
    ("patch", "/profile", "/profile", {"land": "99"}, 422),
    ("get", "/needs", "/needs", None, 200),
    ("post", "/needs", "/needs", {"title": "Digitale Bauakte", "topics": ["eakte"]}, 201),
    ("get", "/needs/{entry_id}", "/needs/{need_id}", None, 200),
    ("patch", "/needs/{entry_id}", "/needs/{need_id}", {"status": "solved"}, 200),
    ("get", "/offers", "/offers?status=open", None, 200),
    ("post", "/offers", "/offers", {"title": "Erfahrungen teilen", "offer_kind": "experience"}, 201),
    ("get", "/offers/{entry_id}", "/offers/{offer_id}", None, 200),
    ("patch", "/offers/{entry_id}", "/offers/{offer_id}", {"title": "x"}, 422),
]


@pytest.mark.parametrize("method, path, url, payload, status", CALLS, ids=[f"{c[0]} {c[2]}" for c in CALLS])
def test_response_matches_the_documented_schema(client, document, world, method, path, url, payload, status):
    response = client.open(PREFIX + url.format(**world), method=method.upper(), headers=world["headers"],
                           json=payload)
    assert response.status_code == status
    assert_matches_document(document, path, method, response)


def test_missing_token_response_matches_the_documented_error(client, document):
    assert_matches_document(document, "/organisations", "get", client.get(f"{PREFIX}/organisations"))


def test_no_organisation_response_matches_the_documented_error(client, document, world):
    headers = {"Authorization": f"Bearer {make_token(world['orphan'])}"}
    assert_matches_document(document, "/profile", "get", client.get(f"{PREFIX}/profile", headers=headers))


def test_notification_page_matches_the_documented_schema(client, document):
    from community.i18n import N_
    from community.notifications.services import notify

    user = make_user(make_org())
    notify([user.id], "mention", N_("%(name)s mentioned you in “%(title)s”"), "/forums", name="Anna", title="E-Akte")
    response = client.get(f"{PREFIX}/notifications", headers={"Authorization": f"Bearer {make_token(user)}"})
    assert response.status_code == 200 and len(response.get_json()["items"]) == 1
    assert_matches_document(document, "/notifications", "get", response)
