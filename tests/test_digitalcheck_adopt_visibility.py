"""Adopting proposed needs never publishes a weakness unasked: the page shows the visibility per need,
weakness templates default to `organisation`, and the API takes {"key", "visibility"} objects (plain keys
take their template's default; a bad visibility is 400 naming the field)."""
import re

import pytest

from community.digitalcheck import services
from community.extensions import db
from community.profiles.models import Need
from tests.factories import make_org, make_token, make_user, sign_in

API = "/api/v1/digital-check"
WEAKNESSES = {"infrastruktur.datensicherung", "infrastruktur.arbeitsplaetze", "organisation.zustaendigkeit",
              "organisation.qualifizierung", "organisation.it_personal", "sicherheit.wiba", "sicherheit.verantwortung",
              "sicherheit.notfall", "sicherheit.datenschutz"}


@pytest.fixture
def town(app):
    return make_org(name="Stadt Musterstadt", land="09")


def _all_low_submitted(member):
    return services.create(member, {q: 0 for q in services.questionnaire().for_org_type("gemeinde").questions}, submit=True,
                           priorities={"infrastruktur": 3, "organisation": 3})


def test_weakness_templates_default_to_organisation_and_the_others_to_public():
    templates = {question.id: question.need for question in services.questionnaire().for_org_type("gemeinde").questions.values()
                 if question.need is not None}
    assert {key for key, need in templates.items() if need.visibility == "organisation"} == WEAKNESSES
    # Every template about IT security reveals a weakness; a new one cannot forget it.
    assert all(need.visibility == "organisation" for need in templates.values() if "sicherheit" in need.topics)


def test_the_adopt_page_shows_a_visibility_per_need_and_logged_out_visitors_never_read_a_gap(client, town):
    member = make_user(town)
    assessment = _all_low_submitted(member)
    proposals = {p["key"]: p for p in services.proposed_needs(assessment)}
    assert "infrastruktur.datensicherung" in proposals
    sign_in(client, member)
    html = client.get(f"/digital-check/{assessment.id}").get_data(as_text=True)
    for key, proposal in proposals.items():
        select = re.search(rf'<select[^>]*name="visibility-{re.escape(key)}"[^>]*>(.*?)</select>', html, re.S)
        assert select, key
        assert re.search(rf'<option value="{proposal["visibility"]}" selected>', select.group(1)), key
    # Adopt everything as proposed (the form as sent by the browser), and choose public for one weakness.
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    data = {"csrf_token": token, "needs": list(proposals)}
    for key, p in proposals.items():
        data.update({f"title-{key}": p["title"], f"text-{key}": p["text"], f"visibility-{key}": p["visibility"]})
    data["visibility-organisation.qualifizierung"] = "public"
    assert client.post(f"/digital-check/{assessment.id}/adopt", data=data).status_code == 302
    needs = {link.key: link.need for link in services.get_assessment_for(member, assessment.id).need_links}
    assert needs["infrastruktur.datensicherung"].visibility == "organisation"
    assert needs["organisation.qualifizierung"].visibility == "public"
    client.get("/logout")
    with client.session_transaction() as session:
        session.clear()
    assert client.get(f"/needs/{needs['infrastruktur.datensicherung'].id}").status_code == 404
    page = client.get(f"/organisations/{town.id}").get_data(as_text=True)
    assert needs["infrastruktur.datensicherung"].title not in page
    assert needs["organisation.qualifizierung"].title in page


def test_the_api_takes_plain_keys_with_their_defaults_and_objects_with_a_chosen_visibility(client, town):
    member = make_user(town)
    headers = {"Authorization": f"Bearer {make_token(member)}"}
    assessment = _all_low_submitted(member)
    keys = [p["key"] for p in services.proposed_needs(assessment)]
    plain = ["infrastruktur.datensicherung", next(k for k in keys if k not in WEAKNESSES)]
    chosen = {"key": "infrastruktur.arbeitsplaetze", "visibility": "members"}
    response = client.post(f"{API}/assessments/{assessment.id}/adopt", json={"needs": [*plain, chosen]},
                           headers=headers)
    assert response.status_code == 201, response.get_json()
    need_ids = response.get_json()["need_ids"]
    assert len(need_ids) == 3
    visibilities = [db.session.get(Need, ident).visibility for ident in need_ids]
    assert visibilities == ["organisation", "public", "members"]
    shown = client.get(f"/api/v1/needs/{need_ids[0]}", headers=headers).get_json()
    assert shown["visibility"] == "organisation"
    proposed = client.get(f"{API}/assessments/{assessment.id}", headers=headers).get_json()["proposed_needs"]
    assert all(p["visibility"] == ("organisation" if p["key"] in WEAKNESSES else "public") for p in proposed)


@pytest.mark.parametrize("item, field", [
    ({"key": "KEY", "visibility": "everyone"}, "needs.KEY.visibility"),
    ({"key": "KEY", "visibility": ["public"]}, "needs.KEY.visibility"),
    ({"key": "KEY", "visibility": None}, "needs.KEY.visibility"),
    ({"key": "KEY", "visible": "public"}, "needs.KEY"),
    ({"visibility": "public"}, "needs.0"),
])
def test_a_bad_visibility_is_400_naming_the_field_and_adopts_nothing(client, town, item, field):
    member = make_user(town)
    assessment = _all_low_submitted(member)
    key = services.proposed_needs(assessment)[0]["key"]
    item = {name: key if value == "KEY" else value for name, value in item.items()}
    response = client.post(f"{API}/assessments/{assessment.id}/adopt", json={"needs": [item]},
                           headers={"Authorization": f"Bearer {make_token(member)}"})
    assert response.status_code == 400, response.get_json()
    assert field.replace("KEY", key) in response.get_json()["error"]["fields"]
    assert Need.query.count() == 0


@pytest.mark.parametrize("visibility", ["public", "members", "organisation"])
def test_needs_and_offers_take_each_visibility_in_post_and_patch(client, town, visibility):
    member = make_user(town)
    headers = {"Authorization": f"Bearer {make_token(member)}"}
    for plural in ("needs", "offers"):
        created = client.post(f"/api/v1/{plural}", json={"title": "Ein Eintrag", "visibility": visibility},
                              headers=headers)
        assert created.status_code == 201 and created.get_json()["visibility"] == visibility
        entry_id = created.get_json()["id"]
        patched = client.patch(f"/api/v1/{plural}/{entry_id}", json={"visibility": "organisation"}, headers=headers)
        assert patched.status_code == 200 and patched.get_json()["visibility"] == "organisation"
        bad = client.patch(f"/api/v1/{plural}/{entry_id}", json={"visibility": "secret"}, headers=headers)
        assert bad.status_code in (400, 422) and "visibility" in bad.get_json()["error"]["fields"]
