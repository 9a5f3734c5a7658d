"""API: suggestions, search and contact requests for the token user's organisation."""
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.factories import make_need, make_offer, make_org, make_token, make_user

PREFIX = "/api/v1"


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {make_token(user)}"}


@pytest.fixture
def world(app):
    home = make_org(name="Gemeinde Aachtal", land="05")
    vendor = make_org(name="Akten GmbH", kind="company", org_type="hersteller", land="09")
    need = make_need(home, title="Elektronische Akte einführen", body="Aktenplan, Scannen und Schulung.")
    offer = make_offer(vendor, title="E-Akte für Kommunen", body="Elektronische Akte: Aktenplan, Scannen, Schulung.")
    return {
        "home": home, "vendor": vendor, "need": need, "offer": offer,
        "member": make_user(home, email="anna@aachtal.de", phone="+49 241 1", job_title="CDO"),
        "seller": make_user(vendor, email="bernd@akten.de", job_title="Vertrieb"),
        "outsider": make_user(make_org(name="Dritte Stadt")),
    }


# --- suggestions --------------------------------------------------------------------------------


def test_suggestions_need_a_token(client):
    assert client.get(f"{PREFIX}/suggestions").status_code == 401


def test_suggestions_need_an_organisation(client):
    response = client.get(f"{PREFIX}/suggestions", headers=bearer(make_user()))
    assert response.status_code == 409


def test_suggestions_list_matches_with_score_terms_and_organisation(client, world):
    body = client.get(f"{PREFIX}/suggestions", headers=bearer(world["member"])).get_json()
    assert set(body) == {"items", "total", "page", "per_page"}
    item = next(i for i in body["items"] if i["relation"] == "offer")
    assert item["need_id"] == world["need"].id and item["offer_id"] is None
    assert item["match_id"] == f"offer:{world['offer'].id}" and item["match"]["title"] == "E-Akte für Kommunen"
    assert 0 < item["score"] <= 1 and "Aktenplan" in item["terms"] and item["topics"] == ["eakte"]
    assert item["organisation"] == {"id": world["vendor"].id, "name": "Akten GmbH", "kind": "company",
                                    "land": "09", "population_class": None, "verified": False}


def test_suggestions_filter_by_organisation(client, world):
    response = client.get(f"{PREFIX}/suggestions?land=05", headers=bearer(world["member"]))
    assert response.get_json()["items"] == []
    assert client.get(f"{PREFIX}/suggestions?land=99", headers=bearer(world["member"])).status_code == 422


# --- search -------------------------------------------------------------------------------------


def test_search_returns_ranked_hits_of_every_kind(client, world):
    body = client.get(f"{PREFIX}/search?q=Aktenplan Gemeinde", headers=bearer(world["outsider"])).get_json()
    found = {(item["kind"], item["id"]) for item in body["items"]}
    assert {("need", world["need"].id), ("offer", world["offer"].id), ("organisation", world["home"].id)} <= found
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("query", ["", "und der die"])
def test_search_without_a_searchable_word_is_422(client, world, query):
    response = client.get(f"{PREFIX}/search", query_string={"q": query}, headers=bearer(world["outsider"]))
    assert response.status_code == 422
    assert "q" in response.get_json()["error"]["fields"]


# --- contact requests ---------------------------------------------------------------------------


def ask(client, world, **extra):
    payload = {"to_organisation_id": world["vendor"].id, "message": "Können wir sprechen?", **extra}
    return client.post(f"{PREFIX}/contact-requests", headers=bearer(world["member"]), json=payload)


def test_contact_request_is_created_with_location(client, world):
    response = ask(client, world, need_id=world["need"].id, offer_id=world["offer"].id)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "pending" and body["direction"] == "outgoing" and body["contacts"] is None
    assert response.headers["Location"].endswith(f"/api/v1/contact-requests/{body['id']}")


def test_duplicate_pending_request_is_409(client, world):
    ask(client, world)
    response = ask(client, world)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"


@pytest.mark.parametrize("extra, field", [
    ({"message": "x" * 1001}, "message"),
    ({"message": ""}, "message"),
    ({"to_organisation_id": "eins"}, "to_organisation_id"),
    ({"colour": "blau"}, "colour"),
])
def test_invalid_contact_request_is_422_naming_the_field(client, world, extra, field):
    response = ask(client, world, **extra)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_receiver_lists_incoming_requests_without_details_before_accepting(client, world):
    ask(client, world)
    body = client.get(f"{PREFIX}/contact-requests?direction=incoming", headers=bearer(world["seller"])).get_json()
    assert body["total"] == 1 and body["items"][0]["contacts"] is None
    assert "anna@aachtal.de" not in str(body)


def test_accepting_reveals_both_sides_details_and_opens_a_room(client, world):
    request_id = ask(client, world).get_json()["id"]
    response = client.post(f"{PREFIX}/contact-requests/{request_id}/accept", headers=bearer(world["seller"]))
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "accepted" and body["room_id"]
    assert body["contacts"]["requester"]["email"] == "anna@aachtal.de"
    seen_by_requester = client.get(f"{PREFIX}/contact-requests/{request_id}", headers=bearer(world["member"]))
    assert seen_by_requester.get_json()["contacts"]["responder"]["job_title"] == "Vertrieb"


def test_requester_cannot_accept_and_outsider_cannot_see(client, world):
    request_id = ask(client, world).get_json()["id"]
    assert client.post(f"{PREFIX}/contact-requests/{request_id}/accept",
                       headers=bearer(world["member"])).status_code == 403
    assert client.post(f"{PREFIX}/contact-requests/{request_id}/decline",
                       headers=bearer(world["outsider"])).status_code == 404


def test_declined_request_cannot_be_accepted(client, world):
    request_id = ask(client, world).get_json()["id"]
    headers = bearer(world["seller"])
    assert client.post(f"{PREFIX}/contact-requests/{request_id}/decline", headers=headers).get_json()["status"] \
        == "declined"
    assert client.post(f"{PREFIX}/contact-requests/{request_id}/accept", headers=headers).status_code == 409


def test_requester_may_withdraw(client, world):
    request_id = ask(client, world).get_json()["id"]
    response = client.post(f"{PREFIX}/contact-requests/{request_id}/withdraw", headers=bearer(world["member"]))
    assert response.get_json()["status"] == "withdrawn"


def test_unknown_direction_filter_is_422(client, world):
    response = client.get(f"{PREFIX}/contact-requests?direction=sideways", headers=bearer(world["member"]))
    assert response.status_code == 422


# --- the responses match the OpenAPI document ---------------------------------------------------


def response_errors(client, path: str, method: str, response) -> list[str]:
    document = client.get(f"{PREFIX}/openapi.json").get_json()
    uri = "urn:kommunalnetz-api"
    registry = Registry().with_resource(uri, Resource(contents=document, specification=DRAFT202012))
    pointer = "/paths/" + path.replace("/", "~1") + f"/{method}/responses/{response.status_code}"
    if "$ref" in document["paths"][path][method]["responses"][str(response.status_code)]:
        pointer = document["paths"][path][method]["responses"][str(response.status_code)]["$ref"][1:]
    validator = Draft202012Validator({"$ref": f"{uri}#{pointer}/content/application~1json/schema"},
                                     registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(response.get_json())]


def test_documented_shapes_of_suggestions_search_and_contact_requests(client, world):
    seller, member = bearer(world["seller"]), bearer(world["member"])
    created = ask(client, world, need_id=world["need"].id)
    request_id = created.get_json()["id"]
    calls = [
        ("/suggestions", "get", client.get(f"{PREFIX}/suggestions", headers=member)),
        ("/suggestions", "get", client.get(f"{PREFIX}/suggestions?kind=castle", headers=member)),
        ("/search", "get", client.get(f"{PREFIX}/search?q=Aktenplan", headers=member)),
        ("/search", "get", client.get(f"{PREFIX}/search?q=und", headers=member)),
        ("/contact-requests", "post", created),
        ("/contact-requests", "post", ask(client, world)),
        ("/contact-requests", "get", client.get(f"{PREFIX}/contact-requests", headers=seller)),
        ("/contact-requests/{request_id}/accept", "post",
         client.post(f"{PREFIX}/contact-requests/{request_id}/accept", headers=seller)),
        ("/contact-requests/{request_id}", "get",
         client.get(f"{PREFIX}/contact-requests/{request_id}", headers=member)),
        ("/contact-requests/{request_id}/decline", "post",
         client.post(f"{PREFIX}/contact-requests/{request_id}/decline", headers=seller)),
    ]
    assert [response.status_code for _path, _method, response in calls] == [200, 422, 200, 422, 201, 409, 200,
                                                                              200, 200, 409]
    for path, method, response in calls:
        assert not response_errors(client, path, method, response), (path, response.status_code)
