"""Cooperation proposals: neighbours of the same Kreis with the same need, one request to several, one room."""
import pytest
import sqlalchemy as sa

from community.cooperation.models import CooperationProposal
from community.cooperation.services import MAX_PARTNERS
from community.extensions import db
from community.rooms.models import Room, RoomMember
from community.suggestions.models import ContactRequest
from tests.factories import make_need, make_org, make_token, make_user, sign_in

SECURITY_POST = dict(
    title="Gemeinsamen Informationssicherheitsbeauftragten finden",
    body="Wir suchen einen Informationssicherheitsbeauftragten für unsere Verwaltung, gern als geteilte Stelle "
         "mit Nachbargemeinden, und ein ISMS nach BSI-Grundschutz.",
    topics=["sicherheit"],
)
SIMILAR_POST = dict(
    title="Informationssicherheitsbeauftragter gesucht",
    body="Unsere Verwaltung braucht einen Informationssicherheitsbeauftragten und ein ISMS nach BSI-Grundschutz; "
         "eine geteilte Stelle mit Nachbargemeinden wäre ideal.",
    topics=["sicherheit"],
)
KREIS = "09175"


@pytest.fixture
def world(app):
    """Three municipalities of the Landkreis Ebersberg (09175) with the same need, one of another Kreis,
    and a company, each with the same need and an active member."""
    make_org(name="Landkreis Ebersberg", ags=KREIS, official_key=KREIS, land="09", verified=True)
    orgs = {
        "home": make_org(name="Gemeinde Aying", ags="09175111", official_key="091750111111", land="09", verified=True),
        "first": make_org(name="Markt Glonn", ags="09175122", official_key="091755122122", land="09", verified=True),
        "second": make_org(name="Gemeinde Baiern", ags="09175113", official_key="091755113113", land="09",
                           verified=True),
        "elsewhere": make_org(name="Stadt Erding", ags="09177117", official_key="091770117117", land="09",
                              verified=True),
        "company": make_org(name="Sicher GmbH", kind="company", org_type="beratung", ags="09175199", land="09"),
    }
    people = {name: make_user(org, name=f"Person {name}") for name, org in orgs.items()}
    needs = {"home": make_need(orgs["home"], **SECURITY_POST)}
    for name in ("first", "second", "elsewhere", "company"):
        needs[name] = make_need(orgs[name], **SIMILAR_POST)
    return {"orgs": orgs, "people": people, "needs": needs}


def api(client, user, method="get", body=None):
    headers = {"Authorization": f"Bearer {make_token(user)}"}
    if method == "get":
        return client.get("/api/v1/cooperation-proposals", headers=headers)
    return client.post("/api/v1/cooperation-proposals", json=body, headers=headers)


def partners_of(client, world) -> list[dict]:
    response = api(client, world["people"]["home"])
    assert response.status_code == 200
    item = next(i for i in response.get_json()["items"] if i["need_id"] == world["needs"]["home"].id)
    return item["partners"]


def propose(client, world, *names, user="home", **extra):
    return api(client, world["people"][user], "post", {
        "need_id": world["needs"][user].id, "partner_need_ids": [world["needs"][n].id for n in names], **extra})


# --- neighbours ------------------------------------------------------------------------------------------


def test_neighbours_are_the_municipalities_of_the_same_kreis(client, world):
    partners = partners_of(client, world)
    assert {p["organisation_id"] for p in partners} == {world["orgs"]["first"].id, world["orgs"]["second"].id}
    assert all(p["score"] >= 0.25 and p["terms"] for p in partners)
    assert {p["need_id"] for p in partners} == {world["needs"]["first"].id, world["needs"]["second"].id}


def test_need_page_shows_the_neighbours_to_its_own_members(client, world):
    sign_in(client, world["people"]["home"])
    page = client.get(f"/needs/{world['needs']['home'].id}").get_data(as_text=True)
    assert "Neighbours with the same need" in page and "Markt Glonn" in page and "Gemeinde Baiern" in page
    assert "Stadt Erding" not in page and "Sicher GmbH" not in page
    assert f"/needs/{world['needs']['home'].id}/cooperation" in page


def test_others_do_not_see_the_section(client, world):
    sign_in(client, world["people"]["first"])
    page = client.get(f"/needs/{world['needs']['home'].id}").get_data(as_text=True)
    assert "Neighbours with the same need" not in page
    client.get("/logout")
    assert "Neighbours with the same need" not in client.get(f"/needs/{world['needs']['home'].id}").get_data(
        as_text=True)


def test_a_need_kept_inside_its_organisation_never_appears(client, world):
    world["needs"]["first"].visibility = "organisation"
    db.session.commit()
    assert {p["organisation_id"] for p in partners_of(client, world)} == {world["orgs"]["second"].id}
    sign_in(client, world["people"]["home"])
    page = client.get(f"/needs/{world['needs']['home'].id}").get_data(as_text=True)
    assert "Markt Glonn" not in page
    response = propose(client, world, "first")
    assert response.status_code == 400
    assert "does not exist" in response.get_json()["error"]["fields"]["partner_need_ids"]


def test_a_solved_need_has_no_neighbours(client, world):
    world["needs"]["first"].status = "solved"
    db.session.commit()
    assert {p["organisation_id"] for p in partners_of(client, world)} == {world["orgs"]["second"].id}


# --- proposing and the shared room ----------------------------------------------------------------------


def test_a_proposal_sends_one_request_per_partner(client, world):
    response = propose(client, world, "first", "second", message="Teilen wir uns die Stelle?")
    assert response.status_code == 201
    items = response.get_json()["items"]
    assert {i["to_organisation"]["id"] for i in items} == {world["orgs"]["first"].id, world["orgs"]["second"].id}
    assert all(i["status"] == "pending" and i["room_id"] is None for i in items)
    assert all("Markt Glonn" in i["message"] and "Teilen wir uns die Stelle?" in i["message"] for i in items)
    assert {i["need_id"] for i in items} == {world["needs"]["first"].id, world["needs"]["second"].id}
    assert db.session.scalar(sa.select(sa.func.count(CooperationProposal.id))) == 1


def _accept(client, world, name):
    request = db.session.scalar(sa.select(ContactRequest).filter_by(to_org_id=world["orgs"][name].id))
    response = client.post(f"/api/v1/contact-requests/{request.id}/accept",
                           headers={"Authorization": f"Bearer {make_token(world['people'][name])}"})
    assert response.status_code == 200
    return response.get_json()


def _room_members(room_id) -> set[int]:
    return set(db.session.scalars(sa.select(RoomMember.user_id).filter_by(room_id=room_id)))


def test_the_room_opens_at_the_second_acceptance_and_later_ones_join_it(client, world):
    """The proposal is the proposer's acceptance; the first partner's is the second and opens the room."""
    people = world["people"]
    assert propose(client, world, "first", "second").status_code == 201
    assert db.session.scalar(sa.select(sa.func.count(Room.id)).filter(Room.kind == "partner")) == 0
    first = _accept(client, world, "first")
    assert first["room_id"] is not None
    assert _room_members(first["room_id"]) == {people["home"].id, people["first"].id}
    second = _accept(client, world, "second")
    assert second["room_id"] == first["room_id"]
    assert _room_members(first["room_id"]) == {people["home"].id, people["first"].id, people["second"].id}
    assert db.session.scalar(sa.select(sa.func.count(Room.id)).filter(Room.kind == "partner")) == 1
    assert db.session.scalar(sa.select(CooperationProposal.room_id)) == first["room_id"]
    sign_in(client, people["second"])
    assert client.get(f"/rooms/{first['room_id']}").status_code == 200


def test_a_declined_partner_stays_out_of_the_room(client, world):
    propose(client, world, "first", "second")
    request = db.session.scalar(sa.select(ContactRequest).filter_by(to_org_id=world["orgs"]["second"].id))
    client.post(f"/api/v1/contact-requests/{request.id}/decline",
                headers={"Authorization": f"Bearer {make_token(world['people']['second'])}"})
    room_id = _accept(client, world, "first")["room_id"]
    assert world["people"]["second"].id not in _room_members(room_id)


def test_an_ordinary_contact_request_still_opens_its_own_partner_room(client, world):
    response = client.post("/api/v1/contact-requests", json={"to_organisation_id": world["orgs"]["first"].id,
                                                             "message": "Hallo"},
                           headers={"Authorization": f"Bearer {make_token(world['people']['home'])}"})
    assert response.status_code == 201
    room_id = _accept(client, world, "first")["room_id"]
    assert room_id is not None
    assert db.session.scalar(sa.select(sa.func.count(CooperationProposal.id))) == 0


def test_proposing_in_the_browser(client, world):
    sign_in(client, world["people"]["home"])
    url = f"/needs/{world['needs']['home'].id}/cooperation"
    form = client.get(url)
    assert form.status_code == 200 and "Markt Glonn" in form.get_data(as_text=True)
    response = client.post(url, data={"partner_need_ids": [world["needs"]["first"].id, world["needs"]["second"].id],
                                      "message": "Gemeinsam ausschreiben?"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(ContactRequest.id))) == 2


def test_the_browser_form_shows_refusals(client, world):
    sign_in(client, world["people"]["home"])
    response = client.post(f"/needs/{world['needs']['home'].id}/cooperation",
                           data={"partner_need_ids": [world["needs"]["elsewhere"].id]})
    assert response.status_code == 400
    assert "outside your Kreis" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ContactRequest.id))) == 0


# --- refusals --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, words", [("elsewhere", "outside your Kreis"), ("company", "not a municipality"),
                                         ("home", "your own organisation")])
def test_partner_needs_are_of_other_municipalities_of_the_kreis(client, world, name, words):
    response = propose(client, world, name)
    assert response.status_code == 400
    assert words in response.get_json()["error"]["fields"]["partner_need_ids"]
    assert db.session.scalar(sa.select(sa.func.count(ContactRequest.id))) == 0


def test_one_bad_partner_sends_nothing(client, world):
    response = propose(client, world, "first", "elsewhere")
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(ContactRequest.id))) == 0


def test_the_list_is_bounded_before_any_work(client, world):
    response = api(client, world["people"]["home"], "post", {
        "need_id": world["needs"]["home"].id, "partner_need_ids": ["x"] * (MAX_PARTNERS + 1)})
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"partner_need_ids"}


@pytest.mark.parametrize("body, field", [
    ({"partner_need_ids": []}, "partner_need_ids"),
    ({"partner_need_ids": ["abc"]}, "partner_need_ids"),
    ({"partner_need_ids": [1], "colour": "red"}, "colour"),
    ({"need_id": None, "partner_need_ids": [1]}, "need_id"),
])
def test_bad_bodies_name_the_field(client, world, body, field):
    response = api(client, world["people"]["home"], "post", {"need_id": world["needs"]["home"].id, **body})
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


def test_own_need_kept_inside_cannot_be_proposed(client, world):
    world["needs"]["home"].visibility = "organisation"
    db.session.commit()
    response = propose(client, world, "first")
    assert response.status_code == 400 and "need_id" in response.get_json()["error"]["fields"]


def test_another_organisations_need_is_not_yours_to_propose(client, world):
    response = api(client, world["people"]["home"], "post", {
        "need_id": world["needs"]["first"].id, "partner_need_ids": [world["needs"]["second"].id]})
    assert response.status_code == 403
    missing = api(client, world["people"]["home"], "post", {"need_id": 999999, "partner_need_ids": [1]})
    assert missing.status_code == 404


def test_a_partner_without_members_is_no_recipient_and_nothing_is_sent(client, world):
    db.session.delete(world["people"]["second"])
    db.session.commit()
    response = propose(client, world, "first", "second")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "no_recipient"
    assert db.session.scalar(sa.select(sa.func.count(ContactRequest.id))) == 0
    forwarded = propose(client, world, "first", "second", forward_to_centre=True)
    assert forwarded.status_code == 201
    assert sorted(i["status"] for i in forwarded.get_json()["items"]) == ["forwarded", "pending"]


def test_a_pending_request_to_a_partner_refuses_the_whole_proposal(client, world):
    assert propose(client, world, "first").status_code == 201
    response = propose(client, world, "first", "second")
    assert response.status_code == 409 and "Markt Glonn" in response.get_json()["error"]["message"]
    assert db.session.scalar(sa.select(sa.func.count(ContactRequest.id))) == 1


# --- permissions -----------------------------------------------------------------------------------------


def test_companies_get_no_cooperation_proposals(client, world):
    assert api(client, world["people"]["company"]).status_code == 403
    response = propose(client, world, "first", user="company")
    assert response.status_code == 403


def test_without_an_organisation_it_is_409_and_without_a_token_401(client, world):
    assert api(client, make_user()).status_code == 409
    assert client.get("/api/v1/cooperation-proposals").status_code == 401


def test_the_proposal_page_is_for_the_needs_own_members(client, world):
    sign_in(client, world["people"]["first"])
    assert client.get(f"/needs/{world['needs']['home'].id}/cooperation").status_code == 403


# --- the Lagebild ----------------------------------------------------------------------------------------


def test_consultants_see_the_potentials_per_kreis(client, world):
    sign_in(client, make_user(role="consultant"))
    page = client.get("/insights/").get_data(as_text=True)
    assert "Cooperation potentials per Kreis" in page
    assert "Landkreis Ebersberg" in page and "Stadt Erding" not in page


def test_potentials_count_verified_municipalities_only(app, world):
    from community.cooperation.services import compute_potentials

    (row,) = compute_potentials()
    assert (row.kreis, row.organisations, row.pairs) == (KREIS, 3, 3)
    world["orgs"]["second"].verified = False
    world["needs"]["first"].visibility = "organisation"
    db.session.commit()
    assert compute_potentials() == []


def test_outside_tests_the_potentials_are_computed_in_the_background(app, world):
    import time

    from community.cooperation import services
    from tests.factories import make_user as person

    app.config["COOPERATION_POTENTIALS_BACKGROUND"] = True
    consultant = person(role="consultant")
    with app.test_request_context():
        assert services.potentials(consultant) is None  # the first time: being computed
        for _ in range(200):
            time.sleep(0.05)
            if services.potentials(consultant) is not None:
                break
        assert [row.kreis for row in services.potentials(consultant)] == [KREIS]
