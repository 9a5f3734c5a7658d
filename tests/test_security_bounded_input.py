"""Bounded work before any work: every list input is counted before any item is converted, compared or
looked up; too long is 400 naming the field; de-duplication keeps the first occurrence; the OpenAPI document
declares maxItems for every list a client may send (docs/security.md, "Bounded input")."""
import pytest

from community.validation import IdList, ManyOf, Schema, Text
from tests.factories import make_need, make_org, make_token, make_user, sign_in

MANY = 60_000
CONSULTATION = {"subject": "E-Akte einführen", "description": "Wie fangen wir an?", "topics": ["eakte"],
                "urgency": "normal", "preferred_format": "video"}
EXAMPLE = {"title": "Digitale Bauakte", "summary": "Kurz.", "problem": "Papier.", "solution": "Digital.",
           "topics": ["eakte"]}


@pytest.fixture
def town_member(app):
    town = make_org(name="Gemeinde Musterdorf", land="09")
    user = make_user(town)
    return user, {"Authorization": f"Bearer {make_token(user)}"}


def _fields(response) -> dict:
    return response.get_json()["error"]["fields"]


def test_60000_need_ids_on_a_consultation_request_are_400_naming_the_field(client, town_member):
    _, headers = town_member
    response = client.post("/api/v1/consultations", json={**CONSULTATION, "need_ids": list(range(1, MANY + 1))},
                           headers=headers)
    assert response.status_code == 400
    assert set(_fields(response)) == {"need_ids"}


def test_60000_partner_organisations_on_a_good_example_are_400_naming_the_field(client, town_member):
    _, headers = town_member
    response = client.post("/api/v1/examples", json={**EXAMPLE, "partner_organisation_ids": list(range(1, MANY + 1))},
                           headers=headers)
    assert response.status_code == 400
    assert set(_fields(response)) == {"partner_organisation_ids"}


def test_a_long_list_is_refused_for_its_length_before_any_item_or_other_field_is_looked_at(client, town_member):
    """Items that are all wrong and a missing subject: the answer names only the list's length, so no
    item was converted and no other field cleaned before the count."""
    _, headers = town_member
    body = {**CONSULTATION, "subject": "", "need_ids": ["not an id"] * MANY}
    response = client.post("/api/v1/consultations", json=body, headers=headers)
    assert response.status_code == 400
    assert _fields(response) == {"need_ids": "Choose at most 20."}


def test_the_older_entry_api_answers_a_too_long_list_with_400_too(client, town_member):
    _, headers = town_member
    response = client.post("/api/v1/needs", json={"title": "Ein Bedarf", "ozg_ids": [1] * MANY}, headers=headers)
    assert response.status_code == 400
    assert set(_fields(response)) == {"ozg_ids"}


def test_a_form_multi_select_is_bounded_like_the_api(client, town_member):
    user, _ = town_member
    make_need(user.organisation)  # the form shows its needs, and the error beside them
    sign_in(client, user)
    form = {**CONSULTATION, "topics": "eakte", "need_ids": [str(n) for n in range(1, 22)]}
    response = client.post("/consultations/new", data=form)
    assert response.status_code == 400
    assert "Choose at most 20." in response.get_data(as_text=True)


def test_a_form_of_60000_values_is_refused_before_it_is_parsed_naming_the_field(client, town_member):
    user, _ = town_member
    sign_in(client, user)
    form = {**CONSULTATION, "topics": "eakte", "need_ids": [str(n) for n in range(1, MANY + 1)]}
    response = client.post("/consultations/new", data=form)
    assert response.status_code == 400
    assert "need_ids" in response.get_data(as_text=True)
    response = client.post("/consultations/new", data=form, headers={"Accept": "application/json"})
    assert response.status_code == 400 and set(_fields(response)) == {"need_ids"}


def test_ids_separated_by_commas_are_counted_as_sent():
    with pytest.raises(Exception) as refused:
        Schema({"ids": IdList(3)}).clean({"ids": "1,1,1,1"})
    assert refused.value.status == 400 and set(refused.value.fields) == {"ids"}


def test_de_duplication_keeps_the_first_occurrence_in_order():
    assert IdList(10).clean([5, "3", 5, 1, "1"]) == [5, 3, 1]
    assert ManyOf(["a", "b", "c"], max_items=5).clean(["c", "a", "c", "b", "a"]) == ["c", "a", "b"]


def test_a_list_that_is_not_a_list_is_named_as_such():
    with pytest.raises(Exception) as refused:
        Schema({"ids": IdList(3), "name": Text(10)}).clean({"ids": {"a": 1}})
    assert set(refused.value.fields) == {"ids"}


def test_attendance_lists_longer_than_any_event_are_refused_before_the_event_is_read(app):
    from community.events import services
    from community.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        services.mark_attendance(None, None, ["1"] * (services.MAX_CAPACITY + 1))
    assert set(refused.value.fields) == {"attended"}


def test_digital_check_answers_and_adopted_keys_are_counted_before_they_are_read(client, town_member):
    _, headers = town_member
    created = client.post("/api/v1/digital-check/assessments", json={}, headers=headers)
    assert created.status_code == 201, created.get_json()
    url = f"/api/v1/digital-check/assessments/{created.get_json()['id']}"
    answers = {f"q{n}": 1 for n in range(MANY)}
    response = client.patch(url, json={"answers": answers}, headers=headers)
    assert response.status_code == 400 and set(_fields(response)) == {"answers"}
    response = client.post(f"{url}/adopt", json={"needs": ["x"] * MANY}, headers=headers)
    assert response.status_code == 400 and set(_fields(response)) == {"needs"}


def _arrays_without_max_items(schema, document, where: str, seen: set) -> list[str]:
    """Every array in a request schema (following $ref) that declares no maxItems."""
    found = []
    stack = [(schema, where)]
    while stack:
        node, at = stack.pop()
        if isinstance(node, list):
            stack.extend((item, f"{at}[{i}]") for i, item in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        if "$ref" in node:
            name = node["$ref"]
            if name not in seen:
                seen.add(name)
                target = document
                for part in name.removeprefix("#/").split("/"):
                    target = target[part.replace("~1", "/").replace("~0", "~")]
                stack.append((target, f"{at}->{name}"))
            continue
        types = node.get("type")
        if (types == "array" or (isinstance(types, list) and "array" in types)) and "maxItems" not in node:
            found.append(at)
        for key, child in node.items():
            if key not in ("enum", "default", "example", "examples", "required"):
                stack.append((child, f"{at}/{key}"))
    return found


def test_every_list_a_client_sends_declares_max_items_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    missing = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                missing += _arrays_without_max_items(parameter, document, f"{method} {path} ?", set())
            body = operation.get("requestBody")
            if body:
                missing += _arrays_without_max_items(body, document, f"{method} {path}", set())
    assert not missing, "Lists without maxItems: " + ", ".join(sorted(missing))


def test_too_many_adopted_needs_in_the_form_are_an_error_message_not_a_500(client, town_member):
    user, headers = town_member
    created = client.post("/api/v1/digital-check/assessments", json={}, headers=headers).get_json()
    sign_in(client, user)
    response = client.post(f"/digital-check/{created['id']}/adopt", data={"needs": ["x"] * 200})
    assert response.status_code == 302
    assert "Choose at most" in client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
