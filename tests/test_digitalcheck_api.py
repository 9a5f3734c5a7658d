"""The Digital-Check API: questionnaire, assessments (create, list, read, patch, submit), adopting needs, and
every error it promises (400 naming each bad field, 403 for companies, 404 outside, 409 once submitted)."""
import pytest

from community.digitalcheck.models import AssessmentNeed
from community.digitalcheck.services import questionnaire
from community.profiles.models import Need
from tests.factories import make_org, make_token, make_user
from tests.test_api_openapi import assert_matches_document

API = "/api/v1/digital-check"


@pytest.fixture
def people(app):
    town = make_org(name="Gemeinde Musterdorf", population_class="5k-20k")
    other_town = make_org(name="Gemeinde Anderswo")
    vendor = make_org(name="Software GmbH", kind="company", org_type="hersteller")
    centre = make_org(name="Kompetenzzentrum", kind="state", org_type="behoerde")
    users = {"member": make_user(town), "colleague": make_user(town), "other": make_user(other_town),
             "company": make_user(vendor), "consultant": make_user(centre, role="consultant"),
             "loner": make_user()}
    tokens = {name: {"Authorization": f"Bearer {make_token(user)}"} for name, user in users.items()}
    return users, tokens, town


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def _all_low() -> dict:
    """Every question a Gemeinde (the factories' default type) answers, at level 0."""
    return {question.id: 0 for question in questionnaire().for_org_type("gemeinde").questions.values()}


def _create(client, tokens, who="member", **body):
    response = client.post(f"{API}/assessments", json=body, headers=tokens[who])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_questionnaire_lists_dimensions_questions_and_five_levels(client, people, document):
    _users, tokens, _town = people
    response = client.get(f"{API}/questionnaire", headers=tokens["member"])
    assert response.status_code == 200
    data = response.get_json()
    assert data["version"] == questionnaire().version and len(data["dimensions"]) >= 8
    assert all([level["value"] for level in q["levels"]] == [0, 1, 2, 3, 4]
               for d in data["dimensions"] for q in d["questions"])
    assert_matches_document(document, "/digital-check/questionnaire", "get", response)


def test_create_patch_submit_and_read(client, people, document):
    users, tokens, town = people
    first = "buergerservices.online_angebot"
    response = client.post(f"{API}/assessments", json={"answers": {first: 2}, "priorities": {"buergerservices": 3}},
                           headers=tokens["member"])
    assert response.status_code == 201
    assert_matches_document(document, "/digital-check/assessments", "post", response)
    created = response.get_json()
    assert created["status"] == "draft" and created["organisation_id"] == town.id
    assert created["scores"]["buergerservices"] == 50.0 and created["submitted_at"] is None
    url = f"{API}/assessments/{created['id']}"
    patched = client.patch(url, json={"answers": {**_all_low(), first: 4}}, headers=tokens["colleague"])
    assert patched.status_code == 200
    assert_matches_document(document, "/digital-check/assessments/{assessment_id}", "patch", patched)
    assert patched.get_json()["last_editor"] == users["colleague"].name
    submitted = client.patch(url, json={"submit": True}, headers=tokens["member"]).get_json()
    assert submitted["status"] == "submitted" and submitted["submitted_at"]
    assert submitted["level"]["value"] == 1 and submitted["fields"][0]["dimension"] == "buergerservices"
    assert submitted["proposed_needs"] and all(p["dimension"] for p in submitted["proposed_needs"])
    read = client.get(url, headers=tokens["colleague"])
    assert read.status_code == 200 and read.get_json()["id"] == created["id"]
    assert_matches_document(document, "/digital-check/assessments/{assessment_id}", "get", read)
    listed = client.get(f"{API}/assessments", headers=tokens["member"])
    assert [item["id"] for item in listed.get_json()["items"]] == [created["id"]]
    assert_matches_document(document, "/digital-check/assessments", "get", listed)


def test_a_new_assessment_starts_from_the_last_answers_and_the_list_is_newest_first(client, people):
    _users, tokens, _town = people
    first = _create(client, tokens, answers=_all_low(), submit=True)
    second = _create(client, tokens)
    assert second["id"] != first["id"] and second["status"] == "draft"
    assert second["answers"] == first["answers"]
    items = client.get(f"{API}/assessments?per_page=1", headers=tokens["member"]).get_json()
    assert [item["id"] for item in items["items"]] == [second["id"]] and items["total"] == 2


def test_400_names_every_unknown_question_and_every_value_out_of_range(client, people):
    _users, tokens, _town = people
    response = client.post(f"{API}/assessments", json={
        "answers": {"nope.q": 1, "buergerservices.bauantrag": 5, "buergerservices.termine": -1,
                    "buergerservices.online_angebot": "2", "strategie.nope": True},
        "priorities": {"buergerservices": 4, "nowhere": 1}}, headers=tokens["member"])
    assert response.status_code == 400
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"answers.nope.q", "answers.buergerservices.bauantrag", "answers.buergerservices.termine",
                           "answers.buergerservices.online_angebot", "answers.strategie.nope",
                           "priorities.buergerservices", "priorities.nowhere"}
    assert client.get(f"{API}/assessments", headers=tokens["member"]).get_json()["total"] == 0


def test_a_level_sent_as_an_integral_number_counts_as_that_level(client, people):
    """JSON has numbers; as in JSON Schema (and the OpenAPI document), 2.0 is the integer 2."""
    _users, tokens, _town = people
    response = client.post(f"{API}/assessments", json={"answers": {"buergerservices.termine": 2.0},
                                                       "priorities": {"buergerservices": 3.0}}, headers=tokens["member"])
    assert response.status_code == 201
    assert response.get_json()["answers"]["buergerservices.termine"] == 2


@pytest.mark.parametrize("body, field", [
    ({"answers": [1, 2]}, "answers"), ({"priorities": "high"}, "priorities"), ({"submit": "yes"}, "submit"),
    ({"bogus": 1}, "bogus"),
    ({"answers": {"buergerservices.bauantrag": 10 ** 30}}, "answers.buergerservices.bauantrag"),
    ({"answers": {"buergerservices.bauantrag": {"a": [1]}}}, "answers.buergerservices.bauantrag"),
    ({"answers": {"buergerservices.bauantrag": 2.5}}, "answers.buergerservices.bauantrag"),
    ({"submit": True}, "answers"),
])
def test_400_for_bad_bodies(client, people, body, field):
    _users, tokens, _town = people
    response = client.post(f"{API}/assessments", json=body, headers=tokens["member"])
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


def test_400_for_a_body_that_is_not_a_json_object(client, people):
    _users, tokens, _town = people
    assert client.post(f"{API}/assessments", data="[", headers={**tokens["member"],
                       "Content-Type": "application/json"}).status_code == 400
    assert client.post(f"{API}/assessments", data="x", headers=tokens["member"]).status_code == 400


@pytest.mark.parametrize("who", ["company", "loner"])
def test_403_when_the_caller_is_not_in_a_public_body(client, people, who):
    _users, tokens, _town = people
    assert client.post(f"{API}/assessments", json={}, headers=tokens[who]).status_code == 403
    assert client.get(f"{API}/assessments", headers=tokens[who]).status_code == 403


def test_401_without_a_token(client, people):
    assert client.get(f"{API}/questionnaire").status_code == 401
    assert client.post(f"{API}/assessments", json={}).status_code == 401


def test_404_outside_the_organisation_and_for_huge_ids(client, people):
    _users, tokens, _town = people
    created = _create(client, tokens, answers=_all_low())
    url = f"{API}/assessments/{created['id']}"
    assert client.get(url, headers=tokens["other"]).status_code == 404
    assert client.patch(url, json={"answers": {}}, headers=tokens["other"]).status_code == 404
    assert client.post(f"{url}/adopt", json={"needs": ["x"]}, headers=tokens["other"]).status_code == 404
    assert client.get(url, headers=tokens["consultant"]).status_code == 404
    assert client.get(f"{API}/assessments/{10 ** 30}", headers=tokens["member"]).status_code == 404
    assert client.get(f"{API}/assessments/0", headers=tokens["member"]).status_code == 404


def test_consultants_read_what_is_shared_but_may_not_change_it(client, people):
    _users, tokens, _town = people
    created = _create(client, tokens, answers=_all_low(), share_with_centre=True)
    url = f"{API}/assessments/{created['id']}"
    assert client.get(url, headers=tokens["consultant"]).status_code == 200
    assert client.patch(url, json={"answers": {}}, headers=tokens["consultant"]).status_code == 403


def test_409_once_submitted(client, people, document):
    _users, tokens, _town = people
    created = _create(client, tokens, answers=_all_low(), submit=True)
    response = client.patch(f"{API}/assessments/{created['id']}", json={"answers": {}}, headers=tokens["member"])
    assert response.status_code == 409
    assert_matches_document(document, "/digital-check/assessments/{assessment_id}", "patch", response)


def test_adopt_turns_proposals_into_needs_linked_back(client, people, document):
    _users, tokens, town = people
    created = _create(client, tokens, answers=_all_low(), submit=True)
    keys = [p["key"] for p in created["proposed_needs"]]
    url = f"{API}/assessments/{created['id']}/adopt"
    response = client.post(url, json={"needs": keys[:2], "edits": {keys[0]: {"title": "Unser eigener Titel"}}},
                           headers=tokens["member"])
    assert response.status_code == 201
    assert_matches_document(document, "/digital-check/assessments/{assessment_id}/adopt", "post", response)
    need_ids = response.get_json()["need_ids"]
    needs = Need.query.filter(Need.id.in_(need_ids)).all()
    assert len(needs) == 2 and all(n.organisation_id == town.id for n in needs)
    assert {n.title for n in needs} >= {"Unser eigener Titel"}
    assert AssessmentNeed.query.filter_by(assessment_id=created["id"]).count() == 2
    again = client.post(url, json={"needs": [keys[0]]}, headers=tokens["member"])
    assert again.status_code == 400 and f"needs.{keys[0]}" in again.get_json()["error"]["fields"]
    left = client.get(f"{API}/assessments/{created['id']}", headers=tokens["member"]).get_json()["proposed_needs"]
    assert keys[0] not in [p["key"] for p in left]


@pytest.mark.parametrize("body", [
    {}, {"needs": []}, {"needs": "x"}, {"needs": [["x"]]}, {"needs": [{"a": 1}]}, {"needs": ["nope"]},
    {"needs": ["KEY"], "edits": []}, {"needs": ["KEY"], "edits": {"KEY": {"title": ""}}},
    {"needs": ["KEY"], "edits": {"KEY": "x"}},
    {"needs": ["KEY"], "extra": 1},
])
def test_adopt_refuses_bad_bodies_with_400(client, people, body):
    _users, tokens, _town = people
    created = _create(client, tokens, answers=_all_low(), submit=True)
    key = created["proposed_needs"][0]["key"]
    body = {name: (value if name != "needs" or not isinstance(value, list) else
                   [key if item == "KEY" else item for item in value]) for name, value in body.items()}
    if isinstance(body.get("edits"), dict):
        body["edits"] = {key if name == "KEY" else name: value for name, value in body["edits"].items()}
    response = client.post(f"{API}/assessments/{created['id']}/adopt", json=body, headers=tokens["member"])
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["fields"]
    assert Need.query.count() == 0


def test_lone_surrogates_are_refused_with_400(client, people):
    _users, tokens, _town = people
    created = _create(client, tokens, answers=_all_low(), submit=True)
    key = created["proposed_needs"][0]["key"]
    assert client.post(f"{API}/assessments", json={"answers": {"\ud800": 1}},
                       headers=tokens["member"]).status_code == 400
    response = client.post(f"{API}/assessments/{created['id']}/adopt",
                           json={"needs": [key], "edits": {key: {"title": "\ud800"}}}, headers=tokens["member"])
    assert response.status_code == 400 and Need.query.count() == 0
