"""Funding programmes: eligibility (Land, org type, deadline), ranking for a need, the API and its errors,
permissions, the opt-in reminder (once per deadline), the import and the places they are matched."""
import json
from datetime import timedelta

import pytest

from community.digitalcheck import recommendations as digitalcheck_sources
from community.extensions import db
from community.mail.models import MailPreference
from community.notifications.models import Notification
from community.programmes import services
from community.programmes.models import Programme
from community.signals import entry_changed
from tests.factories import make_need, make_org, make_token, make_user, sign_in

TODAY = services.today()  # anchored once: no test depends on the clock crossing midnight
PREFIX = "/api/v1"
ITEM_FIELDS = {"id", "title", "funder", "level", "land", "eligible_org_types", "kind", "rate_percent",
               "max_amount_eur", "deadline", "rolling", "url", "stand", "topics", "description"}


def auth(user) -> dict:
    return {"Authorization": f"Bearer {make_token(user)}"}


def make_programme(title, description, topics=("eakte",), level="bund", land=None, types=(), days=None,
                   rolling=False, **fields) -> Programme:
    programme = Programme(title=title, funder=fields.pop("funder", "Ministerium"), level=level, land=land,
                          eligible_org_types=list(types), topics=list(topics), description=description,
                          deadline=TODAY + timedelta(days=days) if days is not None else None, rolling=rolling,
                          url="https://example.org/richtlinie", stand=TODAY, **fields)
    db.session.add(programme)
    db.session.commit()
    entry_changed.send(programme)
    return programme


@pytest.fixture
def world(app):
    centre = make_user(make_org(name="Kompetenzzentrum", kind="state", org_type="behoerde"), role="consultant")
    bavarian = make_org(name="Markt Beispielhausen", land="09", org_type="gemeinde", verified=True)
    member = make_user(bavarian)
    need = make_need(bavarian, title="Elektronische Akte einführen",
                     body="Wir wollen die elektronische Akte und ein Dokumentenmanagementsystem einführen.")
    entry_changed.send(need)
    programmes = {
        "bund": make_programme("E-Akte für Kommunen", "Zuschuss für die Einführung der elektronischen Akte und "
                               "eines Dokumentenmanagementsystems in Kommunen.", days=60),
        "bavaria": make_programme("Digitales Rathaus Bayern", "Zuschuss für Dokumentenmanagement und elektronische "
                                  "Akte in bayerischen Gemeinden.", level="land", land="09", types=["gemeinde"],
                                  rolling=True),
        "hesse": make_programme("Elektronische Akte Hessen", "Zuschuss für die elektronische Akte und "
                                "Dokumentenmanagement in hessischen Kommunen.", level="land", land="06"),
        "districts": make_programme("Akte für Landkreise", "Elektronische Akte und Dokumentenmanagement für "
                                    "Landkreise.", types=["landkreis"]),
        "expired": make_programme("Abgelaufene E-Akte-Förderung", "Elektronische Akte und "
                                  "Dokumentenmanagementsystem, Frist vorbei.", days=-1),
        "broadband": make_programme("Glasfaser", "Breitbandausbau mit Glasfaser in weißen Flecken.",
                                    topics=["infrastruktur"], rolling=True),
    }
    return {"centre": centre, "bavarian": bavarian, "member": member, "need": need, **programmes}


# --- eligibility ----------------------------------------------------------------------------------------------


def test_a_land_programme_is_for_its_own_land_only(world):
    assert services.is_eligible(world["bavaria"], world["bavarian"], TODAY)
    assert not services.is_eligible(world["hesse"], world["bavarian"], TODAY)


def test_federal_and_eu_programmes_are_for_every_land(world):
    assert services.is_eligible(world["bund"], world["bavarian"], TODAY)
    world["bund"].level = "eu"
    assert services.is_eligible(world["bund"], world["bavarian"], TODAY)


def test_a_programme_naming_org_types_excludes_the_others(world):
    assert not services.is_eligible(world["districts"], world["bavarian"], TODAY)
    world["bavarian"].org_type = "landkreis"
    assert services.is_eligible(world["districts"], world["bavarian"], TODAY)


def test_a_passed_deadline_ends_eligibility_and_marks_the_programme_expired(world):
    programme = world["expired"]
    assert programme.expired_on(TODAY) and not services.is_eligible(programme, world["bavarian"], TODAY)
    assert not programme.expired_on(TODAY - timedelta(days=1))
    assert not world["bavaria"].expired_on(TODAY + timedelta(days=3650))  # rolling: never


def test_a_retired_programme_is_neither_eligible_nor_listed(client, world):
    services.retire_programme(world["centre"], world["bund"])
    assert not services.is_eligible(world["bund"], world["bavarian"], TODAY)
    listed = client.get(f"{PREFIX}/programmes", headers=auth(world["member"])).get_json()
    assert world["bund"].id not in [item["id"] for item in listed["items"]]


# --- ranking --------------------------------------------------------------------------------------------------


def test_for_a_need_only_eligible_programmes_ranked_with_score_and_terms(client, world):
    response = client.get(f"{PREFIX}/programmes?need_id={world['need'].id}", headers=auth(world["member"]))
    assert response.status_code == 200
    items = response.get_json()["items"]
    ids = [item["id"] for item in items]
    assert set(ids) == {world["bund"].id, world["bavaria"].id}  # not Hesse, not districts, not expired
    assert all(set(item) == ITEM_FIELDS | {"score", "terms"} for item in items)
    scores = [item["score"] for item in items]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    assert items[0]["terms"], items  # the explaining words
    assert world["broadband"].id not in ids  # eligible, but nothing to do with the need


def test_a_need_the_caller_may_not_see_is_not_found(client, world):
    hidden = make_need(world["bavarian"], title="Kein Backup", visibility="organisation")
    outsider = make_user(make_org(land="06"))
    response = client.get(f"{PREFIX}/programmes?need_id={hidden.id}", headers=auth(outsider))
    assert response.status_code == 404


def test_the_need_page_shows_the_programmes_its_organisation_may_apply_for(client, world):
    sign_in(client, world["member"])
    page = client.get(f"/needs/{world['need'].id}").get_data(as_text=True)
    assert 'id="need-programmes"' in page
    assert f"/programmes/{world['bavaria'].id}" in page and f"/programmes/{world['bund'].id}" in page
    assert f"/programmes/{world['hesse'].id}" not in page and f"/programmes/{world['expired'].id}" not in page


def test_the_digital_check_recommends_only_eligible_programmes(app, world):
    with app.test_request_context():
        found = dict((source.kind, items) for source, items in
                     digitalcheck_sources.recommendations_for(world["bavarian"], "prozesse", ("eakte",), limit=10))
    titles = [item["title"] for item in found.get("programme", [])]
    assert "Digitales Rathaus Bayern" in titles and "E-Akte für Kommunen" in titles
    assert "Elektronische Akte Hessen" not in titles and "Abgelaufene E-Akte-Förderung" not in titles


# --- API ------------------------------------------------------------------------------------------------------


def test_the_list_filters_by_land_org_type_topic_and_open(client, world):
    headers = auth(world["member"])

    def ids(query):
        response = client.get(f"{PREFIX}/programmes?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return {item["id"] for item in response.get_json()["items"]}

    assert world["hesse"].id not in ids("land=09") and world["bavaria"].id in ids("land=09")
    assert world["districts"].id not in ids("org_type=gemeinde") and world["bund"].id in ids("org_type=gemeinde")
    assert ids("topic=infrastruktur") == {world["broadband"].id}
    assert world["expired"].id not in ids("open=true") and world["expired"].id in ids("")


def test_a_programme_has_exactly_the_fields_of_the_contract(client, world):
    item = client.get(f"{PREFIX}/programmes/{world['bavaria'].id}", headers=auth(world["member"])).get_json()
    assert set(item) == ITEM_FIELDS
    assert item["level"] == "land" and item["land"] == "09" and item["rolling"] is True
    assert item["stand"] == TODAY.isoformat() and item["deadline"] is None


def test_bad_filters_are_400_naming_the_field(client, world):
    response = client.get(f"{PREFIX}/programmes?land=99&colour=red", headers=auth(world["member"]))
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"land", "colour"}


BODY = {"title": "Förderung Informationssicherheit", "funder": "Land", "level": "land", "land": "09",
        "eligible_org_types": ["gemeinde"], "kind": "grant", "rate_percent": 75, "max_amount_eur": 50000,
        "rolling": False, "url": "https://example.org/isms", "stand": TODAY.isoformat(), "topics": ["sicherheit"],
        "description": "ISMS und Informationssicherheitsbeauftragte."}


def test_a_consultant_creates_and_changes_a_programme(client, world):
    headers = auth(world["centre"])
    body = {**BODY, "deadline": (TODAY + timedelta(days=30)).isoformat()}
    created = client.post(f"{PREFIX}/programmes", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["rate_percent"] == 75 and created.get_json()["deadline"] == body["deadline"]
    changed = client.patch(f"{PREFIX}/programmes/{created.get_json()['id']}", json={"rate_percent": 80.5},
                           headers=headers)
    assert changed.status_code == 200 and changed.get_json()["rate_percent"] == 80.5


@pytest.mark.parametrize("role", ["member", "org_admin"])
def test_others_may_not_create_or_change(client, world, role):
    other = make_user(world["bavarian"], is_org_admin=role == "org_admin")
    assert client.post(f"{PREFIX}/programmes", json=BODY, headers=auth(other)).status_code == 403
    assert client.patch(f"{PREFIX}/programmes/{world['bund'].id}", json={"rate_percent": 10},
                        headers=auth(other)).status_code == 403


def test_a_deadline_in_the_past_is_400_naming_the_field(client, world):
    body = {**BODY, "deadline": (TODAY - timedelta(days=1)).isoformat()}
    response = client.post(f"{PREFIX}/programmes", json=body, headers=auth(world["centre"]))
    assert response.status_code == 400 and set(response.get_json()["error"]["fields"]) == {"deadline"}


@pytest.mark.parametrize("rate", [-1, 100.5, "viel", True])
def test_a_rate_outside_0_to_100_is_400_naming_the_field(client, world, rate):
    response = client.patch(f"{PREFIX}/programmes/{world['bund'].id}", json={"rate_percent": rate},
                            headers=auth(world["centre"]))
    assert response.status_code == 400 and set(response.get_json()["error"]["fields"]) == {"rate_percent"}


def test_a_land_programme_without_its_land_is_refused(client, world):
    response = client.post(f"{PREFIX}/programmes", json={**BODY, "land": None}, headers=auth(world["centre"]))
    assert response.status_code == 400 and set(response.get_json()["error"]["fields"]) == {"land"}


def test_a_changed_programme_whose_old_deadline_passed_can_still_be_edited(client, world):
    response = client.patch(f"{PREFIX}/programmes/{world['expired'].id}", json={"description": "Neue Runde folgt."},
                            headers=auth(world["centre"]))
    assert response.status_code == 200


# --- pages ----------------------------------------------------------------------------------------------------


def test_consultants_maintain_programmes_in_the_ui(client, world):
    sign_in(client, world["centre"])
    form = {"title": "Neues Programm", "funder": "Bund", "level": "bund", "land": "", "kind": "grant",
            "rate_percent": "50,5", "max_amount_eur": "", "deadline": "", "url": "https://example.org/neu",
            "stand": TODAY.isoformat(), "topics": ["ozg"], "description": ""}
    response = client.post("/programmes/new", data=form)
    assert response.status_code == 302
    programme = db.session.scalar(db.select(Programme).filter_by(title="Neues Programm"))
    assert programme.rate_percent == 50.5
    bad = client.post(f"/programmes/{programme.id}/edit", data={**form, "rate_percent": "120"})
    assert bad.status_code == 400 and "kern-error" in bad.get_data(as_text=True)
    assert client.post(f"/programmes/{programme.id}/retire").status_code == 302
    assert db.session.get(Programme, programme.id).retired_at is not None


def test_members_may_not_open_the_maintenance_pages(client, world):
    sign_in(client, world["member"])
    assert client.get("/programmes/new").status_code == 403
    assert client.post(f"/programmes/{world['bund'].id}/retire").status_code == 403


def test_the_programme_page_names_own_needs_and_counts_others_k_anonymously(client, world):
    sign_in(client, world["member"])
    page = client.get(f"/programmes/{world['bund'].id}").get_data(as_text=True)
    assert f"/needs/{world['need'].id}" in page
    assert "Fewer than 5 verified organisations" in page  # one other organisation is no number to show
    for n in range(5):
        org = make_org(land="03", verified=n < 4)  # the unverified fifth moves no count
        entry_changed.send(make_need(org, title="E-Akte", body="Elektronische Akte und Dokumentenmanagementsystem."))
    page = client.get(f"/programmes/{world['bund'].id}").get_data(as_text=True)
    assert "Fewer than 5 verified organisations" in page
    org = make_org(land="03", verified=True)
    entry_changed.send(make_need(org, title="E-Akte", body="Elektronische Akte und Dokumentenmanagementsystem."))
    page = client.get(f"/programmes/{world['bund'].id}").get_data(as_text=True)
    assert "5 verified organisations that may apply have a matching open need" in page


# --- reminders ------------------------------------------------------------------------------------------------


def test_the_opt_in_reminder_goes_once_per_deadline(app, world):
    opted_out = make_user(world["bavarian"])
    db.session.add(MailPreference(user_id=world["member"].id, category="programmes", frequency="immediately"))
    db.session.commit()
    programme = world["bund"]
    programme.deadline = TODAY + timedelta(days=10)
    db.session.commit()

    def reminders(user):
        return db.session.scalar(db.select(db.func.count()).select_from(Notification).filter_by(
            user_id=user.id, kind=services.PROGRAMME_DEADLINE))

    assert services.send_deadline_reminders(on=TODAY) == 1
    assert services.send_deadline_reminders(on=TODAY) == 0
    assert services.send_deadline_reminders(on=TODAY + timedelta(days=1)) == 0
    assert reminders(world["member"]) == 1 and reminders(opted_out) == 0
    programme.deadline = TODAY + timedelta(days=12)  # a new deadline is a new reminder
    db.session.commit()
    assert services.send_deadline_reminders(on=TODAY) == 1
    assert reminders(world["member"]) == 2


def test_no_reminder_far_from_the_deadline_or_without_a_matching_need(app, world):
    db.session.add(MailPreference(user_id=world["member"].id, category="programmes", frequency="immediately"))
    world["bund"].deadline = TODAY + timedelta(days=services.REMIND_DAYS + 1)
    world["broadband"].rolling, world["broadband"].deadline = False, TODAY + timedelta(days=5)
    db.session.commit()
    assert services.send_deadline_reminders(on=TODAY) == 0


# --- import ---------------------------------------------------------------------------------------------------


def test_the_curated_starting_set_imports_with_sources(app, runner):
    result = runner.invoke(args=["programmes", "import"])
    assert result.exit_code == 0, result.output
    rows = db.session.scalars(db.select(Programme)).all()
    assert len(rows) >= 40
    assert len({row.land for row in rows if row.level == "land"}) >= 12
    assert {"eu", "bund"} <= {row.level for row in rows}
    assert all(row.url.startswith("http") and row.stand for row in rows)
    again = runner.invoke(args=["programmes", "import"])
    assert "created: 0" in again.output and db.session.scalar(db.select(db.func.count(Programme.id))) == len(rows)


def test_a_csv_import_reads_lists_and_reports_bad_rows(app, runner, tmp_path):
    path = tmp_path / "programme.csv"
    path.write_text("\ufefftitle;funder;level;land;eligible_org_types;kind;rate_percent;stand;topics;url\r\n"
                    "Digitalbonus;Land;land;09;gemeinde,stadt;grant;80;2026-01-01;ozg|eakte;https://example.org\r\n"
                    "Kaputt;Land;land;;;grant;180;2026-01-01;;https://example.org\r\n", encoding="utf-8")
    result = runner.invoke(args=["programmes", "import", str(path)])
    assert result.exit_code == 1 and "row 2" in result.output and "rate_percent" in result.output
    programme = db.session.scalar(db.select(Programme).filter_by(title="Digitalbonus"))
    assert programme.eligible_org_types == ["gemeinde", "stadt"] and programme.topics == ["ozg", "eakte"]


def test_a_json_import_takes_a_list(app, runner, tmp_path):
    path = tmp_path / "programme.json"
    path.write_text(json.dumps([{**BODY, "title": "Aus JSON", "deadline": "2020-01-01"}]), encoding="utf-8")
    result = runner.invoke(args=["programmes", "import", str(path)])
    assert result.exit_code == 0, result.output
    imported = db.session.scalar(db.select(Programme).filter_by(title="Aus JSON"))
    assert imported.expired_on(TODAY)  # the importer takes expired programmes and marks them


def test_a_consultations_result_lists_the_programmes_for_its_needs(client, world):
    from community.consultations.models import Consultation, ConsultationNeed

    case = Consultation(organisation_id=world["bavarian"].id, requester_id=world["member"].id, subject="E-Akte",
                        description="Wie anfangen?", urgency="medium", preferred_format="online", status="advised",
                        advice="Mit dem Aktenplan beginnen.")
    case.need_links = [ConsultationNeed(need_id=world["need"].id)]
    db.session.add(case)
    db.session.commit()
    sign_in(client, world["member"])
    page = client.get(f"/consultations/{case.id}").get_data(as_text=True)
    assert 'id="case-programmes"' in page and f"/programmes/{world['bavaria'].id}" in page
    assert f"/programmes/{world['hesse'].id}" not in page


# --- good examples name the programme that funded them ----------------------------------------------------


def test_a_good_example_names_the_programme_that_funded_it(client, world):
    from tests.test_examples_reuse import make_example

    author = make_user(world["bavarian"])
    example = make_example(world["bavarian"], author)
    outsider = make_user(make_org(land="06"))
    sign_in(client, outsider)
    assert client.post(f"/programmes/funding/{example.id}", data={"programme_id": world["bavaria"].id}).status_code == 403
    sign_in(client, author)
    assert client.post(f"/programmes/funding/{example.id}", data={"programme_id": world["bavaria"].id}).status_code == 302
    page = client.get(f"/examples/{example.id}").get_data(as_text=True)
    assert 'id="example-funding"' in page and f"/programmes/{world['bavaria'].id}" in page
    sign_in(client, outsider)
    programme_page = client.get(f"/programmes/{world['bavaria'].id}").get_data(as_text=True)
    assert f"/examples/{example.id}" in programme_page
    sign_in(client, author)
    client.post(f"/programmes/funding/{example.id}", data={"programme_id": world["bavaria"].id, "remove": "1"})
    assert services.funding_of(example) == []


def test_the_digital_check_field_of_finance_is_answered_by_every_eligible_programme(app, world):
    with app.test_request_context():
        found = dict((source.kind, items) for source, items in digitalcheck_sources.recommendations_for(
            world["bavarian"], "strategie", ("organisation", "finanzen"), limit=10))
    titles = [item["title"] for item in found.get("programme", [])]
    assert "Glasfaser" in titles and "Elektronische Akte Hessen" not in titles


def test_the_list_page_filters_and_names_a_bad_filter(client, world):
    page = client.get("/programmes?land=09&open=true").get_data(as_text=True)
    assert "Digitales Rathaus Bayern" in page and "Elektronische Akte Hessen" not in page
    assert "Abgelaufene E-Akte-Förderung" not in page
    bad = client.get("/programmes?land=99")
    assert bad.status_code == 400 and 'id="land-error"' in bad.get_data(as_text=True)


def test_a_programme_page_lists_no_need_of_an_organisation_that_may_not_apply(client, world):
    sign_in(client, world["member"])
    page = client.get(f"/programmes/{world['hesse'].id}").get_data(as_text=True)
    assert f"/needs/{world['need'].id}" not in page
