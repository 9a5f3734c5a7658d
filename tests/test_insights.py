"""Insights of the competence centre: who may see them, what they count, k-anonymity, charts and CSV."""
import pytest

from community.digitalcheck.models import Assessment
from community.extensions import db
from tests.factories import make_need, make_org, make_token, make_user, sign_in
from tests.test_api_openapi import assert_matches_document

API = "/api/v1/insights"


@pytest.fixture
def centre(app):
    app.config["INSIGHTS_CACHE_SECONDS"] = 0
    consultant = make_user(make_org(kind="state", org_type="behoerde"), role="consultant")
    return {"Authorization": f"Bearer {make_token(consultant)}"}, consultant


def _assessments(population_class: str, n: int, score: float):
    for _ in range(n):
        org = make_org(population_class=population_class, verified=True)  # only verified ones are counted
        db.session.add(Assessment(organisation_id=org.id, status="submitted", questionnaire_version="1",
                                  is_latest=True, scores={"strategie": score}))
    db.session.commit()


@pytest.mark.parametrize("role, status", [("member", 403), ("moderator", 403), ("consultant", 200), ("admin", 200)])
def test_only_consultants_and_admins_see_insights(client, app, role, status):
    user = make_user(make_org(), role=role)
    assert client.get(API, headers={"Authorization": f"Bearer {make_token(user)}"}).status_code == status
    sign_in(client, user)
    assert client.get("/insights/").status_code == status
    assert client.get("/insights/open-needs.csv").status_code == status


def test_company_members_are_kept_out(client, app):
    user = make_user(make_org(kind="company", org_type="hersteller"))
    assert client.get(API, headers={"Authorization": f"Bearer {make_token(user)}"}).status_code == 403


def test_open_needs_are_counted_by_topic_and_land_without_suppression(client, centre):
    headers, _ = centre
    bavarian = make_org(land="09")
    make_need(bavarian, topics=["eakte", "ozg"])
    make_need(bavarian, topics=["eakte"])
    make_need(bavarian, topics=["eakte"], status="solved")
    rows = client.get(API, headers=headers).get_json()["open_needs_by_topic_land"]
    assert {"topic": "eakte", "land": "09", "count": 2} in rows
    assert {"topic": "ozg", "land": "09", "count": 1} in rows
    assert len(rows) == 2


def test_digital_check_medians_are_suppressed_below_five_organisations(client, centre):
    headers, _ = centre
    _assessments("lt5k", 5, 40.0)
    _assessments("gt500k", 4, 90.0)
    data = client.get(API, headers=headers).get_json()["digital_check"]
    cells = {(r["dimension"], r["population_class"]): r for r in data["by_population_class"]}
    small, large = cells[("strategie", "lt5k")], cells[("strategie", "gt500k")]
    assert small["median"] == 40.0 and small["organisations"] == 5
    assert large["median"] is None and large["suppressed"] and large["organisations"] is None
    assert data["weakest_fields"][0]["dimension"] == "strategie"
    assert data["weakest_fields"][0]["median"] == 40.0


def test_consultations_and_needs_per_month(client, centre):
    headers, _ = centre
    make_need(make_org())
    data = client.get(API, headers=headers).get_json()
    assert data["needs_per_month"][-1]["count"] == 1 and len(data["needs_per_month"]) == 24
    statuses = {row["status"]: row for row in data["consultations"]["by_status"]}
    assert statuses["requested"] == {"status": "requested", "count": 0, "median_age_days": None}


def test_the_insights_match_the_openapi_document(client, centre):
    headers, _ = centre
    _assessments("lt5k", 5, 40.0)
    make_need(make_org(land="01"))
    document = client.get("/api/v1/openapi.json").get_json()
    assert_matches_document(document, "/insights", "get", client.get(API, headers=headers))


def test_a_change_shows_within_the_cache_time(client, app, centre):
    headers, _ = centre
    app.config["INSIGHTS_CACHE_SECONDS"] = 60  # clamped to 10 s
    client.get(API, headers=headers)
    make_need(make_org(land="03"))
    app.extensions["insights_cache"]["until"] -= 10
    rows = client.get(API, headers=headers).get_json()["open_needs_by_topic_land"]
    assert any(row["land"] == "03" for row in rows)


def test_the_page_draws_every_chart_with_its_table_and_csv(client, centre):
    _, consultant = centre
    make_need(make_org(land="09", verified=True), topics=["eakte"])
    sign_in(client, consultant)
    page = client.get("/insights/").get_data(as_text=True)
    for slug in ("open-needs", "digital-check", "weakest-fields", "consultations", "needs-per-month"):
        assert f'aria-labelledby="{slug}-title"' in page and f'id="{slug}-table"' in page
        response = client.get(f"/insights/{slug}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
    csv_text = client.get("/insights/open-needs.csv").get_data(as_text=True)
    assert "Bavaria;–;–;–" in csv_text  # no share for one verified organisation; the Land in the reader's language (#24)
    assert client.get("/insights/nothing.csv").status_code == 404


def test_the_need_map_shows_shares_of_the_land_s_verified_organisations(client, centre):
    headers, consultant = centre
    bavarians = [make_org(land="09", verified=True) for _ in range(4)]
    for topic in (["eakte", "ozg"], ["eakte"]):
        make_need(bavarians[0], topics=topic)  # two needs of one organisation count once
    make_need(make_org(land="09"), topics=["eakte"])  # unverified: neither counted nor counting
    saxon = make_org(land="14", verified=True)
    make_need(saxon, topics=["eakte"])
    shares = {(r["topic"], r["land"]): r for r in client.get(API, headers=headers).get_json()["open_need_shares"]}
    assert shares[("eakte", "14")]["share_percent"] is None  # one verified organisation: no share
    assert shares[("eakte", "09")]["share_percent"] is None  # four are still too few
    make_org(land="09", verified=True)
    shares = {(r["topic"], r["land"]): r for r in client.get(API, headers=headers).get_json()["open_need_shares"]}
    assert shares[("eakte", "09")] == {"topic": "eakte", "land": "09", "organisations": 1, "of": 5,
                                       "share_percent": 20.0}
    sign_in(client, consultant, locale="de")
    csv_text = client.get("/insights/open-needs.csv").get_data(as_text=True)
    assert "Bayern;1;5;20" in csv_text


def test_figures_and_months_are_written_as_the_reader_writes_them(client, centre, app):
    _, consultant = centre
    _assessments("5k-20k", 5, 62.5)
    sign_in(client, consultant, locale="de")
    page = client.get("/insights/").get_data(as_text=True)
    assert ">62,5<" in page and ">62.5<" not in page
    assert "Dez. 2026" in page or "Dez 2026" in page
    assert '<details class="insights-data">' in page  # the tables wait behind a disclosure


def test_no_label_of_a_chart_is_cut_off():
    from community.insights import charts

    long_row, long_column = "Digitale Infrastruktur und Sicherheit", "Mecklenburg-Vorpommern"
    svg = str(charts.heatmap("t", "T", [long_row], [long_column], {(long_row, long_column): 1}))
    width = float(svg.split('viewBox="0 0 ')[1].split(" ")[0])
    label_width = width - 44  # one column
    assert label_width >= charts.text_width(long_row, 12)
    header = float(svg.split("<rect")[1].split('y="')[1].split('"')[0])
    assert header >= charts.text_width(long_column, 11) * 0.7
    bars = str(charts.bars("b", "B", [(long_row, 3)]))
    assert float(bars.split('<text x="')[1].split('"')[0]) >= charts.text_width(long_row, 12)


def test_the_change_with_and_without_a_consultation_is_shown_from_five_organisations(client, centre):
    from datetime import datetime

    from community.consultations.models import Consultation

    headers, _ = centre
    for n in range(5):
        consulted, plain = make_org(verified=True), make_org(verified=True)
        for organisation, start, end in ((consulted, 40.0, 60.0), (plain, 40.0, 45.0)):
            for when, overall in ((datetime(2026, 1, 10), start), (datetime(2026, 9, 10), end)):
                db.session.add(Assessment(organisation_id=organisation.id, status="submitted",
                                          questionnaire_version="1", overall=overall, submitted_at=when, scores={}))
        db.session.add(Consultation(organisation_id=consulted.id, subject="s", description="d", topics=["ozg"],
                                    urgency="normal", preferred_format="video", status="advised",
                                    created_at=datetime(2026, 3, 1)))
    db.session.commit()
    effect = client.get(API, headers=headers).get_json()["consultation_effect"]
    assert effect == {"with_consultation": {"organisations": 5, "mean_change": 20.0},
                      "without_consultation": {"organisations": 5, "mean_change": 5.0}}


def test_the_change_is_suppressed_below_five_organisations(client, centre):
    headers, _ = centre
    effect = client.get(API, headers=headers).get_json()["consultation_effect"]
    assert effect == {"with_consultation": None, "without_consultation": None}
