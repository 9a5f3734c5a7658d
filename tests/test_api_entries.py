"""API: needs and offers of the caller's organisation: list, create, read, update, delete; bad input."""
import pytest

from community.extensions import db
from community.profiles.models import Need, Offer
from tests.factories import make_need, make_offer, make_org, make_token, make_user

MAKE = {"need": make_need, "offer": make_offer}
MODEL = {"need": Need, "offer": Offer}


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {make_token(user)}"}


@pytest.fixture(params=["need", "offer"])
def kind(request):
    return request.param


@pytest.fixture
def member(app):
    return make_user(make_org(name="Gemeinde Aachtal"))


@pytest.fixture
def headers(member):
    return bearer(member)


def count(kind: str) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(MODEL[kind])).scalar_one()


# --- happy paths --------------------------------------------------------------------------------


def test_create_returns_201_with_location_of_the_new_entry(client, headers, kind):
    response = client.post(f"/api/v1/{kind}s", headers=headers,
                           json={"title": "Digitale Bauakte", "topics": ["eakte"], "ozg_ids": []})
    assert response.status_code == 201
    created = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/{kind}s/{created['id']}")
    assert client.get(response.headers["Location"], headers=headers).get_json()["title"] == "Digitale Bauakte"


def test_created_entry_belongs_to_the_token_users_organisation(client, member, headers, kind):
    created = client.post(f"/api/v1/{kind}s", headers=headers, json={"title": "Digitale Bauakte"}).get_json()
    assert created["organisation_id"] == member.organisation_id
    assert created["kind"] == kind


def test_list_shows_own_entries_only(client, member, headers, kind):
    MAKE[kind](member.organisation, title="Unser Eintrag")
    MAKE[kind](make_org(), title="Fremder Eintrag")
    body = client.get(f"/api/v1/{kind}s", headers=headers).get_json()
    assert [entry["title"] for entry in body["items"]] == ["Unser Eintrag"]
    assert (body["total"], body["page"]) == (1, 1)


def test_list_filters_by_status(client, member, headers):
    make_need(member.organisation, title="Erledigt", status="solved")
    make_need(member.organisation, title="Offen")
    body = client.get("/api/v1/needs?status=open", headers=headers).get_json()
    assert [need["title"] for need in body["items"]] == ["Offen"]


def test_list_refuses_a_status_the_kind_does_not_have(client, headers):
    response = client.get("/api/v1/offers?status=solved", headers=headers)
    assert response.status_code == 422
    assert "status" in response.get_json()["error"]["fields"]


def test_list_pages(client, member, headers, kind):
    for n in range(3):
        MAKE[kind](member.organisation, title=f"Eintrag {n}")
    body = client.get(f"/api/v1/{kind}s?per_page=2&page=2", headers=headers).get_json()
    assert (body["total"], body["page"], body["per_page"], len(body["items"])) == (3, 2, 2, 1)


def test_list_without_organisation_is_409(client, kind):
    assert client.get(f"/api/v1/{kind}s", headers=bearer(make_user())).status_code == 409


def test_any_members_only_entry_is_readable(client, headers, kind):
    entry = MAKE[kind](make_org(), visibility="members")
    response = client.get(f"/api/v1/{kind}s/{entry.id}", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["visibility"] == "members"


def test_patch_changes_only_the_fields_sent(client, member, headers, kind):
    entry = MAKE[kind](member.organisation, title="Alter Titel", body="Bleibt")
    response = client.patch(f"/api/v1/{kind}s/{entry.id}", headers=headers, json={"title": "Neuer Titel"})
    assert response.status_code == 200
    assert (response.get_json()["title"], response.get_json()["body"]) == ("Neuer Titel", "Bleibt")


def test_patch_closes_a_need(client, member, headers):
    need = make_need(member.organisation)
    response = client.patch(f"/api/v1/needs/{need.id}", headers=headers, json={"status": "solved"})
    assert response.get_json()["status"] == "solved"


def test_delete_is_204_and_removes_the_entry(client, member, headers, kind):
    entry = MAKE[kind](member.organisation)
    response = client.delete(f"/api/v1/{kind}s/{entry.id}", headers=headers)
    assert response.status_code == 204
    assert response.data == b""
    assert client.get(f"/api/v1/{kind}s/{entry.id}", headers=headers).status_code == 404


def test_kinds_do_not_mix(client, member, headers):
    need = make_need(member.organisation)
    assert client.get(f"/api/v1/offers/{need.id}", headers=headers).status_code == 404


# --- another organisation's entries (IDOR) -------------------------------------------------------


def test_patching_a_foreign_entry_is_403_and_changes_nothing(client, headers, kind):
    entry = MAKE[kind](make_org(), title="Fremder Titel")
    response = client.patch(f"/api/v1/{kind}s/{entry.id}", headers=headers, json={"title": "Gekapert"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    db.session.expire_all()
    assert db.session.get(MODEL[kind], entry.id).title == "Fremder Titel"


def test_deleting_a_foreign_entry_is_403_and_keeps_it(client, headers, kind):
    entry = MAKE[kind](make_org())
    assert client.delete(f"/api/v1/{kind}s/{entry.id}", headers=headers).status_code == 403
    assert count(kind) == 1


def test_unknown_entry_is_404_json(client, headers, kind):
    response = client.patch(f"/api/v1/{kind}s/424242", headers=headers, json={"title": "Irgendwas"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_creating_without_organisation_is_409_and_stores_nothing(client, kind):
    response = client.post(f"/api/v1/{kind}s", headers=bearer(make_user()), json={"title": "Ohne Heimat"})
    assert response.status_code == 409
    assert count(kind) == 0


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("payload, field", [
    ({"title": "Gut", "colour": "blau"}, "colour"),
    ({"title": 42}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": "Gut", "topics": ["astrologie"]}, "topics"),
    ({"title": "Gut", "topics": "eakte,astrologie"}, "topics"),
    ({"title": "Gut", "ozg_ids": [True]}, "ozg_ids"),
    ({"title": "Gut", "visibility": "secret"}, "visibility"),
    ({}, "title"),
])
def test_invalid_field_is_422_naming_it_and_stores_nothing(client, headers, payload, field):
    response = client.post("/api/v1/needs", headers=headers, json=payload)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"]
    assert count("need") == 0


def test_invalid_patch_is_422_and_changes_nothing(client, member, headers, kind):
    entry = MAKE[kind](member.organisation, title="Alter Titel")
    response = client.patch(f"/api/v1/{kind}s/{entry.id}", headers=headers, json={"title": "Neu", "status": "weg"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(MODEL[kind], entry.id).title == "Alter Titel"


def test_malformed_json_is_400_with_a_message(client, headers):
    response = client.post("/api/v1/needs", headers=headers, data='{"title": ', content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.get_json()["error"]["message"]


def test_body_without_json_content_type_is_400(client, headers):
    response = client.post("/api/v1/needs", headers=headers, data={"title": "Als Formular"})
    assert response.status_code == 400
    assert "Content-Type: application/json" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("raw", ['["title"]', '"title"', "42", "null"])
def test_json_that_is_not_an_object_is_422(client, headers, raw):
    response = client.post("/api/v1/needs", headers=headers, data=raw, content_type="application/json")
    error = response.get_json()["error"]
    assert (response.status_code, error["code"], error["fields"]) == (422, "validation_error", {})
    assert "JSON" in error["message"]


def test_body_over_one_mebibyte_is_413_json(client, headers):
    response = client.post("/api/v1/needs", headers=headers, json={"title": "Groß", "body": "x" * (1024 * 1024)})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    assert count("need") == 0


@pytest.mark.parametrize("method, path", [
    ("put", "/api/v1/needs/1"),
    ("delete", "/api/v1/needs"),
    ("post", "/api/v1/organisations"),
])
def test_wrong_method_is_405_json(client, headers, method, path):
    response = getattr(client, method)(path, headers=headers)
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
