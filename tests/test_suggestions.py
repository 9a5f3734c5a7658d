"""The partner suggestions page: matches for needs and offers, explanations, filters, feedback."""
import re

import pytest
import sqlalchemy as sa

from community.extensions import db
from community.suggestions.models import SuggestionFeedback
from tests.factories import (
    make_need,
    make_offer,
    make_org,
    make_user,
    sign_in,
)

EAKTE_NEED = dict(
    title="Elektronische Akte einführen",
    body="Wir wollen die elektronische Akte in allen Fachbereichen einführen und suchen Erfahrungen "
         "mit Aktenplan, Scannen und Schulung.",
    topics=["eakte"],
)
EAKTE_OFFER = dict(
    title="E-Akte und Dokumentenmanagement für Kommunen",
    body="Wir führen die elektronische Akte ein: Aktenplan, Scannen, Schulung der Beschäftigten.",
    topics=["eakte"],
)
BROADBAND_OFFER = dict(title="Breitbandausbau im ländlichen Raum",
                       body="Glasfaser für Gewerbegebiete, Förderanträge und Bauplanung.", topics=["infrastruktur"])



@pytest.fixture
def world(app):
    home = make_org(name="Gemeinde Aachtal", land="05")
    member = make_user(home)
    need = make_need(home, **EAKTE_NEED)
    vendor = make_org(name="Akten GmbH", kind="company", org_type="hersteller", land="09")
    offer = make_offer(vendor, **EAKTE_OFFER)
    other_vendor = make_org(name="Netz AG", kind="company", org_type="hersteller", land="05")
    make_offer(other_vendor, **BROADBAND_OFFER)
    peer = make_org(name="Stadt Beispielburg", land="09", population_class="20k-100k", verified=True)
    peer_need = make_need(peer, title="Elektronische Akte und Aktenplan", body="Einführung der elektronischen Akte, "
                          "Scannen der Altakten.", topics=["eakte"])
    return {"home": home, "member": member, "need": need, "vendor": vendor, "offer": offer, "peer": peer,
            "peer_need": peer_need}


def page_of(client, url="/suggestions") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_requires_login(client):
    response = client.get("/suggestions")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_user_without_organisation_is_told_why_there_is_nothing(client):
    sign_in(client, make_user())
    assert "does not belong to an organisation" in page_of(client)


def test_need_is_matched_with_an_offer_of_another_organisation(client, world):
    sign_in(client, world["member"])
    page = page_of(client)
    offers = page.split("Offers that could help", 1)[1].split("Organisations with the same need", 1)[0]
    assert world["offer"].title in offers
    assert "Akten GmbH" in offers
    assert "Breitbandausbau" not in page


def test_need_is_matched_with_peers_that_have_the_same_need(client, world):
    sign_in(client, world["member"])
    peers = page_of(client).split("Organisations with the same need", 1)[1].split('id="saved-heading"', 1)[0]
    assert world["peer_need"].title in peers
    assert "Stadt Beispielburg" in peers
    assert "verified" in peers  # a verified municipality shows its badge
    assert "Baden-Württemberg" not in peers and "Bavaria" in peers  # Länder in English (#24)


def test_each_suggestion_shows_score_and_explanation(client, world):
    sign_in(client, world["member"])
    page = page_of(client)
    assert re.search(r"\d+ % match", page)
    explanation = re.search(r"Shared words: ([^;<]+); topics: ([^<]+)", page)
    assert explanation, "no explanation with shared words and topics"
    assert "Akte" in explanation.group(1).split(", ")
    assert "E-files" in explanation.group(2)


def test_own_organisation_is_never_suggested(client, world):
    make_offer(world["home"], title="Unsere E-Akte-Erfahrungen", body="Elektronische Akte, Aktenplan, Scannen.",
               topics=["eakte"])
    sign_in(client, world["member"])
    needs_section = page_of(client).split('id="needs-heading"', 1)[1].split('id="offers-heading"', 1)[0]
    assert "Unsere E-Akte-Erfahrungen" not in needs_section


def test_offers_get_matching_needs_of_others(client, world):
    vendor_member = make_user(world["vendor"])
    sign_in(client, vendor_member)
    page = page_of(client)
    section = page.split("Needs of others that your offers could meet", 1)[1]
    assert world["need"].title in section and "Gemeinde Aachtal" in section


def test_members_only_entries_are_suggested_to_signed_in_members(client, world):
    make_offer(world["vendor"], title="Scan-Dienst für Altakten", body="Scannen von Altakten für die elektronische "
               "Akte.", topics=["eakte"], visibility="members")
    sign_in(client, world["member"])
    assert "Scan-Dienst für Altakten" in page_of(client)


def test_closed_offers_are_not_suggested(client, world):
    world["offer"].status = "closed"
    db.session.commit()
    sign_in(client, world["member"])
    assert world["offer"].title not in page_of(client)


@pytest.mark.parametrize("query, shown, hidden", [
    ("kind=municipality", "Stadt Beispielburg", "Akten GmbH"),
    ("land=05", None, "Stadt Beispielburg"),
    ("population_class=20k-100k", "Stadt Beispielburg", "Akten GmbH"),
    ("topic=infrastruktur", None, "Stadt Beispielburg"),
])
def test_filters_narrow_the_suggestions(client, world, query, shown, hidden):
    sign_in(client, world["member"])
    page = page_of(client, f"/suggestions?{query}")
    if shown:
        assert shown in page
    assert hidden not in page


def test_unknown_filter_value_is_400_with_the_field_marked(client, world):
    sign_in(client, world["member"])
    response = client.get("/suggestions?land=99")
    assert response.status_code == 400
    assert 'id="land-error"' in response.get_data(as_text=True)


def test_filters_load_candidates_without_a_query_per_suggestion(app, client, world):
    for n in range(6):
        vendor = make_org(name=f"Anbieter {n}", kind="company", land="09")
        make_offer(vendor, **{**EAKTE_OFFER, "title": f"E-Akte Paket {n}"})
    sign_in(client, world["member"])
    page_of(client)  # builds the index
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        page_of(client, "/suggestions?land=09")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    offer_queries = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM offer" in s]
    assert len(offer_queries) <= 2, offer_queries


def test_dismissed_suggestion_is_never_shown_again_and_kept_as_feedback(client, world):
    sign_in(client, world["member"])
    response = client.post("/suggestions/dismiss", data={"source": f"need:{world['need'].id}",
                                                          "target": f"offer:{world['offer'].id}"})
    assert response.status_code == 302
    assert world["offer"].title not in page_of(client)
    feedback = db.session.scalars(sa.select(SuggestionFeedback)).one()
    assert feedback.action == "dismissed" and feedback.score > 0 and feedback.terms


def test_dismissal_by_a_colleague_hides_it_for_the_whole_organisation(client, world):
    sign_in(client, world["member"])
    client.post("/suggestions/dismiss", data={"source": f"need:{world['need'].id}",
                                              "target": f"offer:{world['offer'].id}"})
    sign_in(client, make_user(world["home"]))
    assert world["offer"].title not in page_of(client)


def test_saved_suggestion_is_listed_under_saved_and_can_be_removed(client, world):
    sign_in(client, world["member"])
    pair = {"source": f"need:{world['need'].id}", "target": f"offer:{world['offer'].id}"}
    client.post("/suggestions/save", data=pair)
    saved = page_of(client).split('id="saved-heading"', 1)[1]
    assert world["offer"].title in saved
    client.post("/suggestions/unsave", data=pair)
    assert world["offer"].title not in page_of(client).split('id="saved-heading"', 1)[1]


def test_feedback_on_another_organisations_entry_is_404(client, world):
    sign_in(client, world["member"])
    response = client.post("/suggestions/save", data={"source": f"need:{world['peer_need'].id}",
                                                      "target": f"offer:{world['offer'].id}"})
    assert response.status_code == 404


def test_feedback_with_a_malformed_record_id_is_404(client, world):
    sign_in(client, world["member"])
    response = client.post("/suggestions/dismiss", data={"source": "need:abc", "target": "<script>"})
    assert response.status_code == 404
