"""Digital-Check pages: start, answer page by page (draft saved each step, last editor shown), submit,
frozen result with charts and peers, a new check from the last answers, companies refused, PDF, adoption,
recommendations, the start panel, the nav link and the need's origin."""
import re

import pytest

from community.digitalcheck import services
from community.digitalcheck.models import Assessment
from community.extensions import db
from community.profiles.models import Need
from tests.factories import make_offer, make_org, make_user, sign_in


@pytest.fixture
def town(app):
    return make_org(name="Gemeinde Musterdorf", population_class="5k-20k", land="09")


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _answer_all(client, assessment_id, level=0, editor_check=None):
    dimensions = services.questionnaire().for_org_type("gemeinde").dimensions
    for number, dimension in enumerate(dimensions, start=1):
        page = client.get(f"/digital-check/{assessment_id}/steps/{number}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert f'value="{number}"' in html and "kern-progress" in html
        data = {q.id: str(level) for q in dimension.questions}
        data.update({"priority": "3" if number == 1 else "2", "action": "next", "csrf_token": _csrf(html)})
        response = client.post(f"/digital-check/{assessment_id}/steps/{number}", data=data)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/steps/{number + 1}")
    return len(dimensions) + 1


def _start(client) -> int:
    page = client.get("/digital-check/").get_data(as_text=True)
    response = client.post("/digital-check/start", data={"csrf_token": _csrf(page), "share_with_centre": "1"})
    assert response.status_code == 302
    return int(re.search(r"/digital-check/(\d+)/steps/1", response.headers["Location"]).group(1))


def test_answer_page_by_page_submit_and_see_the_frozen_result(client, town):
    member, colleague = make_user(town), make_user(town, name="Kollegin Schulz")
    sign_in(client, member)
    assessment_id = _start(client)
    last = _answer_all(client, assessment_id)
    draft = db.session.get(Assessment, assessment_id)
    assert draft.status == "draft" and draft.share_with_centre and len(draft.answers) == len(services.questionnaire().for_org_type("gemeinde").questions)
    sign_in(client, colleague)
    page = client.get(f"/digital-check/{assessment_id}/steps/2").get_data(as_text=True)
    assert member.name in page  # the last editor
    data = {"csrf_token": _csrf(page), "action": "save",
            services.questionnaire().for_org_type("gemeinde").dimensions[1].questions[0].id: "dont_know"}
    assert client.post(f"/digital-check/{assessment_id}/steps/2", data=data).status_code == 302
    assert colleague.name in client.get("/digital-check/").get_data(as_text=True)
    page = client.get(f"/digital-check/{assessment_id}/steps/{last}").get_data(as_text=True)
    response = client.post(f"/digital-check/{assessment_id}/steps/{last}",
                           data={"csrf_token": _csrf(page), "action": "submit", "show_to_peers": "1"})
    assert response.headers["Location"].endswith(f"/digital-check/{assessment_id}")
    result = client.get(f"/digital-check/{assessment_id}")
    html = result.get_data(as_text=True)
    assert result.status_code == 200
    assert "<svg" in html and "kn-dc-radar" in html and "kn-dc-bars" in html and "<caption" in html
    assert "style=" not in html and "<script>" not in html
    assert "too few comparison values" in html
    submitted = db.session.get(Assessment, assessment_id)
    assert submitted.is_submitted and submitted.show_to_peers and submitted.answers[data and list(data)[2]] == "dont_know"
    # Frozen: the steps lead to the result, changes are refused.
    assert client.get(f"/digital-check/{assessment_id}/steps/1").status_code == 302
    # A new check starts from the last answers.
    page = client.get("/digital-check/").get_data(as_text=True)
    assert "starts from the answers of your last one" in page
    second_id = _start(client)
    assert second_id != assessment_id
    assert db.session.get(Assessment, second_id).answers == submitted.answers


def test_companies_and_people_without_organisation_are_refused_clearly(client, app):
    vendor = make_org(name="Software GmbH", kind="company", org_type="hersteller")
    sign_in(client, make_user(vendor))
    response = client.get("/digital-check/")
    assert response.status_code == 403 and "municipal bodies" in response.get_data(as_text=True)
    assert client.post("/digital-check/start", data={}).status_code in (400, 403)
    assert "/digital-check/" not in client.get("/").get_data(as_text=True)


def test_other_organisations_do_not_see_an_assessment(client, town):
    assessment = services.create(make_user(town), {"buergerservices.termine": 1}, submit=True)
    sign_in(client, make_user(make_org()))
    assert client.get(f"/digital-check/{assessment.id}").status_code == 404
    assert client.get(f"/digital-check/{assessment.id}/report.pdf").status_code == 404
    assert client.get(f"/digital-check/{assessment.id}/steps/1").status_code == 404


def _peer_town(level: int, **fields):
    peer = make_org(verified=True, **fields)  # only verified organisations count as peers
    answers = {q: level for q in services.questionnaire().for_org_type("gemeinde").questions}
    return services.create(make_user(peer), answers, submit=True, show_to_peers=True)


def test_peer_comparison_from_five_peers_and_peers_ahead(client, town):
    for level in (2, 3, 4, 4, 4):
        _peer_town(level, population_class="5k-20k", land="09", name=f"Vorreiter {level} {id(level)}")
    member = make_user(town)
    answers = {q: 0 for q in services.questionnaire().for_org_type("gemeinde").questions}
    assessment = services.create(member, answers, submit=True)
    sign_in(client, member)
    html = client.get(f"/digital-check/{assessment.id}").get_data(as_text=True)
    assert "median 100 (75–100), 5 peers" in html
    assert "kn-dc-peers" in html and "Municipalities that are ahead" in html and "Vorreiter 4" in html
    stats = services.benchmarks(assessment)["population_class"]["buergerservices"]
    assert stats == {"peers": 5, "median": 100.0, "p25": 75.0, "p75": 100.0}


def test_the_benchmark_in_sql_equals_the_python_quartiles(town):
    from community.digitalcheck import scoring

    values = [0, 25, 25, 50, 75, 100, 50]
    for value in values:
        _peer_town(value // 25, population_class="5k-20k")
    own = services.create(make_user(town), {"buergerservices.termine": 1}, submit=True)
    expected = scoring.peer_statistics([float(v) for v in values])
    assert services.benchmarks(own)["population_class"]["buergerservices"] == expected


def test_pdf_download_has_umlauts(client, town):
    member = make_user(town)
    assessment = services.create(member, {q: 1 for q in services.questionnaire().for_org_type("gemeinde").questions}, submit=True)
    sign_in(client, member, locale="de")
    response = client.get(f"/digital-check/{assessment.id}/report.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Type"] == "application/pdf"
    assert b"DejaVu" in response.data


def test_adopt_proposed_needs_from_the_result_page(client, town):
    member = make_user(town)
    assessment = services.create(member, {q: 0 for q in services.questionnaire().for_org_type("gemeinde").questions}, submit=True)
    sign_in(client, member)
    html = client.get(f"/digital-check/{assessment.id}").get_data(as_text=True)
    proposals = services.proposed_needs(assessment)
    key = proposals[0]["key"]
    response = client.post(f"/digital-check/{assessment.id}/adopt", data={
        "csrf_token": _csrf(html), "needs": [key], f"title-{key}": "Unser Bedarf", f"text-{key}": "Genau so."})
    assert response.status_code == 302
    need = Need.query.filter_by(organisation_id=town.id).one()
    assert need.title == "Unser Bedarf" and need.body == "Genau so."
    need_page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert f"/digital-check/{assessment.id}" in need_page
    html = client.get(f"/digital-check/{assessment.id}").get_data(as_text=True)
    assert "Unser Bedarf" in html and f'value="{key}"' not in html


def test_a_double_submit_of_the_adopt_form_adopts_once_and_never_fails(client, town):
    member = make_user(town)
    assessment = services.create(member, {q: 0 for q in services.questionnaire().for_org_type("gemeinde").questions}, submit=True)
    sign_in(client, member)
    first, second = (p["key"] for p in services.proposed_needs(assessment)[:2])
    form = {"needs": [first], f"title-{first}": "Unser Bedarf", f"text-{first}": "Genau so."}
    for _ in range(2):
        assert client.post(f"/digital-check/{assessment.id}/adopt", data=form).status_code == 302
    assert Need.query.filter_by(organisation_id=town.id).count() == 1
    assert "added to your organisation's profile already" in client.get(f"/digital-check/{assessment.id}").get_data(
        as_text=True)
    # Refused input is flashed as plain text (a lazy message in the session cookie was a 500).
    response = client.post(f"/digital-check/{assessment.id}/adopt", data={"needs": [second, "no-such-key"]})
    assert response.status_code == 302
    assert "Some needs cannot be adopted." in client.get(f"/digital-check/{assessment.id}").get_data(as_text=True)


def test_offers_matching_the_proposed_needs_are_recommended(client, town):
    vendor = make_org(name="Bauportal GmbH", kind="company", org_type="hersteller")
    make_offer(vendor, title="Digitaler Bauantrag als Onlinedienst", topics=["ozg"],
               body="Wir führen den digitalen Bauantrag ein, mit digitaler Beteiligung der Fachstellen.")
    member = make_user(town)
    assessment = services.create(member, {q: 0 for q in services.questionnaire().for_org_type("gemeinde").questions},
                                 {"buergerservices": 3}, submit=True)
    sign_in(client, member)
    html = client.get(f"/digital-check/{assessment.id}").get_data(as_text=True)
    assert "Offers for the proposed needs" in html and "Digitaler Bauantrag als Onlinedienst" in html


def test_start_panel_and_nav_link_for_members_of_public_bodies(client, town):
    member = make_user(town)
    sign_in(client, member)
    page = client.get("/").get_data(as_text=True)
    assert "Your Digital Compass" not in page and 'href="/digital-check/"' in page
    assessment = services.start_assessment(member)
    page = client.get("/").get_data(as_text=True)
    assert "Your Digital Compass" in page and f"/digital-check/{assessment.id}/steps/1" in page
    services.save(member, assessment, {"buergerservices.termine": 2}, submit=True)
    page = client.get("/").get_data(as_text=True)
    assert f"/digital-check/{assessment.id}\"" in page and "50 of 100" in page


def test_a_tampered_step_answers_400_not_500(client, town):
    member = make_user(town)
    sign_in(client, member)
    assessment_id = _start(client)
    page = client.get(f"/digital-check/{assessment_id}/steps/1").get_data(as_text=True)
    question = services.questionnaire().for_org_type("gemeinde").dimensions[0].questions[0].id
    for value in ("9", "abc", "1" * 40, "-1"):
        response = client.post(f"/digital-check/{assessment_id}/steps/1",
                               data={"csrf_token": _csrf(page), question: value, "priority": "7"})
        assert response.status_code == 400
    assert client.get(f"/digital-check/{assessment_id}/steps/99").status_code == 404
