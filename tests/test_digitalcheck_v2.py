"""Digitalkompass v2 (#25): questions per municipal org type, "weiß nicht" and "trifft nicht zu" scored apart,
targets and the need for action, peers of the same org type, v1 assessments still read as v1, only
municipalities answer, and every API error named."""
import pytest

from community.digitalcheck import questionnaire, scoring, services
from community.digitalcheck.models import Assessment, AssessmentScore
from community.extensions import db
from tests.factories import make_org, make_token, make_user, sign_in
from tests.test_api_openapi import assert_matches_document

API = "/api/v1/digital-check"
TYPES = questionnaire.ORG_TYPES


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def _ids(org_type):
    return set(services.questionnaire().for_org_type(org_type).questions)


def _headers(user):
    return {"Authorization": f"Bearer {make_token(user)}"}


# --- applicability -------------------------------------------------------------------------------------------

def test_each_org_type_sees_only_its_questions(app):
    gemeinde, landkreis = _ids("gemeinde"), _ids("landkreis")
    assert "raum.waermeplanung" in gemeinde and "raum.waermeplanung" not in landkreis
    assert "raum.oepnv" in landkreis and "raum.oepnv" not in gemeinde
    assert "buergerservices.bauantrag" in landkreis and "buergerservices.bauantrag" not in gemeinde
    assert "buergerservices.zulassung" in _ids("kreisfreie_stadt") and "buergerservices.zulassung" not in _ids("stadt")
    for org_type in TYPES:
        assert len(_ids(org_type)) <= 45
    # An unknown or empty type (an old organisation) sees everything rather than nothing.
    assert services.questionnaire().for_org_type("") is services.questionnaire()


def test_the_loader_refuses_an_unknown_org_type_and_a_source_without_url_or_stand(app):
    source = {"title": "T", "url": "https://example.org/", "stand": "2026-12"}
    question = {"text_de": "F", "text_en": "Q", "levels_de": ["a"] * 5, "levels_en": ["a"] * 5,
                "applies_to": list(TYPES), "sources": ["s"]}
    raw = {"version": "x", "per_question_sources": True, "sources": {"s": source}, "dimensions": [{
        "slug": f"d{i}", "label_de": "D", "label_en": "D", "topics": ["ozg"], "sources": ["s"],
        "questions": [{**question, "id": f"d{i}.q{j}"} for j in range(3)]} for i in range(8)]}
    assert len(questionnaire.parse(raw).dimensions) == 8
    for broken in ({"applies_to": ["bundesland"]}, {"applies_to": []}, {"sources": []}, {"sources": ["nope"]}):
        changed = {**raw, "dimensions": [{**raw["dimensions"][0], "questions": [
            {**raw["dimensions"][0]["questions"][0], **broken}, *raw["dimensions"][0]["questions"][1:]]},
            *raw["dimensions"][1:]]}
        with pytest.raises(questionnaire.QuestionnaireError):
            questionnaire.parse(changed)
    for bad in ({"title": "T", "url": "http://insecure.example/", "stand": "2026-12"},
                {"title": "T", "url": "https://example.org/", "stand": "Dezember"}):
        with pytest.raises(questionnaire.QuestionnaireError):
            questionnaire.parse({**raw, "sources": {"s": bad}})
    # A Landkreis with only two questions in a dimension is refused (3 to 8 per type).
    few = {**raw, "dimensions": [{**raw["dimensions"][0], "questions": [
        {**raw["dimensions"][0]["questions"][0], "applies_to": ["gemeinde"]}, *raw["dimensions"][0]["questions"][1:]]},
        *raw["dimensions"][1:]]}
    with pytest.raises(questionnaire.QuestionnaireError):
        questionnaire.parse(few)


# --- scoring ---------------------------------------------------------------------------------------------------

def test_dont_know_counts_as_zero_and_not_applicable_leaves_the_mean(app):
    known = services.questionnaire().for_org_type("gemeinde")
    dimension = known.dimension_by_slug["sicherheit"]
    ids = [q.id for q in dimension.questions]
    answers = {ids[0]: 4, ids[1]: scoring.DONT_KNOW, ids[2]: scoring.NOT_APPLICABLE}
    assert scoring.dimension_scores(known, answers)["sicherheit"] == 50.0  # (4 + 0) / 2 / 4
    assert scoring.dimension_scores(known, {ids[0]: scoring.NOT_APPLICABLE})["sicherheit"] is None
    assert scoring.dimension_scores(known, {ids[0]: scoring.DONT_KNOW})["sicherheit"] == 0.0
    assert scoring.dont_know_counts(known, {ids[0]: scoring.DONT_KNOW, ids[1]: scoring.DONT_KNOW})["sicherheit"] == 2
    # A version 1 "weiß nicht / trifft nicht zu" (None) stays out, as it did.
    assert scoring.dimension_scores(known, {ids[0]: 4, ids[1]: None})["sicherheit"] == 100.0


def test_need_for_action_is_priority_times_the_gap_to_the_target(app):
    scores = {"a": 50.0, "b": 50.0, "c": 80.0, "d": None}
    fields = {f.dimension: f for f in scoring.handlungsfelder(scores, {"a": 3, "b": 1, "c": 2}, {"a": 3, "c": 2})}
    assert (fields["a"].target, fields["a"].gap, fields["a"].need_for_action) == (3, 25.0, 75.0)  # 75 − 50
    assert (fields["b"].target, fields["b"].gap, fields["b"].need_for_action) == (None, 50.0, 50.0)  # to 100
    assert (fields["c"].gap, fields["c"].need_for_action) == (0.0, 0.0)  # target 50 reached: no gap
    assert fields["d"].gap is None and fields["d"].need_for_action is None
    ranked = [f.dimension for f in scoring.handlungsfelder(scores, {"a": 3, "b": 1, "c": 2}, {"a": 3, "c": 2})]
    assert ranked == ["a", "b", "c", "d"]


def test_a_version_1_assessment_stays_readable_and_scored_as_version_1(app):
    town = make_org()
    member = make_user(town)
    version_1 = questionnaire.versions()["2026.1"]
    answers = {q: 2 for q in version_1.questions}
    answers["energie.klimakonzept"] = None
    old = Assessment(organisation_id=town.id, status="submitted", questionnaire_version="2026.1", answers=answers,
                     priorities={}, scores=scoring.dimension_scores(version_1, answers), is_latest=True)
    db.session.add(old)
    db.session.commit()
    assert services.questionnaire_for(old).version == "2026.1"
    result = services.result_of(old)
    assert result["scores"]["energie"] == 50.0 and result["overall"] == 50.0
    assert {f["dimension"] for f in result["fields"]} == {d.slug for d in version_1.dimensions}
    assert services.assessment_to_dict(old)["questionnaire_version"] == "2026.1"
    # The next check is version 2, prefilled where the ids carry over (and the old None asked again).
    new = services.start_assessment(member)
    assert new.questionnaire_version == services.questionnaire().version
    carried = set(version_1.questions) & _ids("gemeinde")
    assert carried and set(new.answers) == carried and all(value == 2 for value in new.answers.values())


# --- peers -----------------------------------------------------------------------------------------------------

def _submitted(org_type, level, **fields):
    organisation = make_org(verified=True, org_type=org_type, **fields)
    answers = {q: level for q in _ids(org_type)}
    return services.create(make_user(organisation), answers, submit=True)


def test_peers_are_the_same_org_type_in_the_same_class_and_in_the_same_land(app):
    for _ in range(5):
        _submitted("landkreis", 4, population_class="100k-500k", land="09")
    for _ in range(4):
        _submitted("kreisfreie_stadt", 0, population_class="100k-500k", land="09")
    city = _submitted("kreisfreie_stadt", 2, population_class="100k-500k", land="09")
    district = _submitted("landkreis", 2, population_class="100k-500k", land="05")
    # Four other kreisfreie Städte: below k, although five Landkreise of the same class and Land answered.
    assert all(stats is None for group in services.benchmarks(city).values() for stats in group.values())
    # The Landkreis of another Land has its five type peers by class, none by Land.
    by_district = services.benchmarks(district)
    assert by_district["population_class"]["buergerservices"] == {"peers": 5, "median": 100.0, "p25": 100.0,
                                                                  "p75": 100.0}
    assert by_district["land"]["buergerservices"] is None
    rows = db.session.scalars(db.select(AssessmentScore).filter_by(assessment_id=district.id)).all()
    assert rows and {row.org_type for row in rows} == {"landkreis"}


# --- pages -----------------------------------------------------------------------------------------------------

def test_state_bodies_get_a_403_page_that_explains_why(client, app):
    ministry = make_org(name="Landesministerium", kind="state", org_type="ministerium")
    member = make_user(ministry)
    sign_in(client, member)
    page = client.get("/digital-check/")
    html = page.get_data(as_text=True)
    assert page.status_code == 403 and "Land or federal body" in html and "municipal bodies" in html
    assert client.post("/digital-check/start", data={}).status_code in (400, 403)
    assert client.post(f"{API}/assessments", json={}, headers=_headers(member)).status_code == 403
    assert client.get(f"{API}/assessments", headers=_headers(member)).status_code == 403


def test_the_form_offers_both_dont_know_kinds_a_target_and_sources(client, app):
    district = make_org(org_type="landkreis")
    member = make_user(district)
    sign_in(client, member)
    assessment = services.start_assessment(member)
    html = client.get(f"/digital-check/{assessment.id}/steps/1").get_data(as_text=True)
    assert 'value="dont_know"' in html and 'value="not_applicable"' in html and 'name="target"' in html
    assert "buergerservices.bauantrag" in html and "https://www.bmwsb.bund.de/" in html
    raum = [d.slug for d in services.questionnaire_for(assessment).dimensions].index("raum") + 1
    html = client.get(f"/digital-check/{assessment.id}/steps/{raum}").get_data(as_text=True)
    assert "raum.oepnv" in html and "raum.waermeplanung" not in html
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(f"/digital-check/{assessment.id}/steps/{raum}", data={
        "csrf_token": token, "raum.oepnv": "dont_know", "raum.mobilitaetsdaten": "not_applicable",
        "raum.energiedaten": "3", "priority": "3", "target": "4", "action": "save"})
    assert response.status_code == 302
    db.session.refresh(assessment)
    assert assessment.answers == {"raum.oepnv": "dont_know", "raum.mobilitaetsdaten": "not_applicable",
                                  "raum.energiedaten": 3}
    assert assessment.targets == {"raum": 4}
    response = client.post(f"/digital-check/{assessment.id}/steps/{raum}", data={
        "csrf_token": token, "raum.waermeplanung": "2", "target": "9", "action": "save"})
    assert response.status_code == 400


def test_the_result_shows_target_gap_and_dont_know_per_field(client, app):
    town = make_org()
    member = make_user(town)
    answers = {q: 2 for q in _ids("gemeinde")}
    dimension = services.questionnaire().for_org_type("gemeinde").dimension_by_slug["sicherheit"]
    answers.update({q.id: "dont_know" for q in dimension.questions[:3]})
    assessment = services.create(member, answers, targets={"sicherheit": 3}, submit=True)
    sign_in(client, member)
    html = client.get(f"/digital-check/{assessment.id}").get_data(as_text=True)
    assert "Target (Soll)" in html and "level 3 (75)" in html and "3 questions with “don’t know”" in html
    assert "Digital Compass of" in html


# --- API -------------------------------------------------------------------------------------------------------

def test_the_questionnaire_api_filters_by_org_type_and_names_sources(client, app, document):
    member = make_user(make_org())
    response = client.get(f"{API}/questionnaire?org_type=landkreis", headers=_headers(member))
    assert response.status_code == 200
    assert_matches_document(document, "/digital-check/questionnaire", "get", response)
    data = response.get_json()
    questions = [q for d in data["dimensions"] for q in d["questions"]]
    assert data["version"] == "2026.2" and {q["id"] for q in questions} == _ids("landkreis")
    assert all("landkreis" in q["applies_to"] and q["sources"] for q in questions)
    assert all(s["url"].startswith("https://") and s["title"] and s["stand"] for q in questions for s in q["sources"])
    everything = client.get(f"{API}/questionnaire", headers=_headers(member)).get_json()
    assert sum(len(d["questions"]) for d in everything["dimensions"]) == len(services.questionnaire().questions)
    bad = client.get(f"{API}/questionnaire?org_type=bundesland", headers=_headers(member))
    assert bad.status_code == 400 and "org_type" in bad.get_json()["error"]["fields"]


def test_the_assessment_api_has_targets_dont_know_gap_and_both_benchmarks(client, app, document):
    member = make_user(make_org())
    body = {"answers": {"sicherheit.wiba": "dont_know", "sicherheit.notfall": "not_applicable",
                        "sicherheit.datenschutz": 4, "sicherheit.verantwortung": None},
            "targets": {"sicherheit": 3, "buergerservices": None}, "priorities": {"sicherheit": 3}}
    response = client.post(f"{API}/assessments", json=body, headers=_headers(member))
    assert response.status_code == 201, response.get_json()
    assert_matches_document(document, "/digital-check/assessments", "post", response)
    data = response.get_json()
    assert data["targets"] == {"sicherheit": 3} and data["dont_know"]["sicherheit"] == 1
    assert data["answers"] == {"sicherheit.wiba": "dont_know", "sicherheit.notfall": "not_applicable",
                               "sicherheit.datenschutz": 4}
    field = next(f for f in data["fields"] if f["dimension"] == "sicherheit")
    assert (data["scores"]["sicherheit"], field["target"], field["gap"], field["need_for_action"]) == (50.0, 3, 25.0,
                                                                                                       75.0)
    assert set(data["benchmark"]) == set(data["benchmark_land"]) and data["benchmark_land"]["sicherheit"] is None
    # A target set to null is cleared.
    patched = client.patch(f"{API}/assessments/{data['id']}", json={"targets": {"sicherheit": None}},
                           headers=_headers(member))
    assert patched.status_code == 200 and patched.get_json()["targets"] == {}
    assert_matches_document(document, "/digital-check/assessments/{assessment_id}", "patch", patched)


@pytest.mark.parametrize("body, field", [
    ({"answers": {"raum.oepnv": 2}}, "answers.raum.oepnv"),  # a Landkreis question, asked by a Gemeinde
    ({"answers": {"buergerservices.bauantrag": "dont_know"}}, "answers.buergerservices.bauantrag"),
    ({"answers": {"sicherheit.wiba": "weiss_nicht"}}, "answers.sicherheit.wiba"),
    ({"answers": {"sicherheit.wiba": 5}}, "answers.sicherheit.wiba"),
    ({"answers": {"sicherheit.wiba": True}}, "answers.sicherheit.wiba"),
    ({"answers": {"energie.klimakonzept": 2}}, "answers.energie.klimakonzept"),  # a version 1 question
    ({"targets": {"sicherheit": 5}}, "targets.sicherheit"),
    ({"targets": {"sicherheit": -1}}, "targets.sicherheit"),
    ({"targets": {"sicherheit": "hoch"}}, "targets.sicherheit"),
    ({"targets": {"sicherheit": 2.5}}, "targets.sicherheit"),
    ({"targets": {"nowhere": 2}}, "targets.nowhere"),
    ({"targets": [3]}, "targets"),
    ({"targets": {f"d{i}": 1 for i in range(20)}}, "targets"),
])
def test_400_names_the_question_or_the_dimension(client, app, body, field):
    member = make_user(make_org())
    response = client.post(f"{API}/assessments", json=body, headers=_headers(member))
    assert response.status_code == 400, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert db.session.scalar(db.select(db.func.count(Assessment.id))) == 0


def test_a_landkreis_may_answer_its_own_questions_and_not_the_gemeinde_ones(client, app):
    member = make_user(make_org(org_type="landkreis"))
    ok = client.post(f"{API}/assessments", json={"answers": {"raum.oepnv": 3, "buergerservices.bauantrag": 1}},
                     headers=_headers(member))
    assert ok.status_code == 201
    refused = client.patch(f"{API}/assessments/{ok.get_json()['id']}", json={"answers": {"raum.waermeplanung": 1}},
                           headers=_headers(member))
    assert refused.status_code == 400 and "answers.raum.waermeplanung" in refused.get_json()["error"]["fields"]


def test_peers_ahead_are_of_the_same_org_type(app):
    for org_type in ("landkreis", "kreisfreie_stadt"):
        organisation = make_org(verified=True, org_type=org_type, name=f"Vorreiter {org_type}")
        services.create(make_user(organisation), {q: 4 for q in _ids(org_type)}, submit=True, show_to_peers=True)
    district = make_org(org_type="landkreis")
    services.create(make_user(district), {q: 0 for q in _ids("landkreis")}, submit=True)
    names = [peer["name"] for peer in services.peers_ahead(district, "buergerservices")]
    assert names == ["Vorreiter landkreis"]
