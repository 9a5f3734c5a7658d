"""Advice that fits the municipality (#25): funding left to the structured programmes; one card
per distinct offer with its providers; peers ahead of the same org type; trainings whose audience fits;
examples mainly about the field; "Erstberatung anfragen" with the check attached; each adopted need's own
suggestions."""
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from community.consultations.models import Consultation
from community.digitalcheck import builtin_sources, recommendations, services
from community.events.models import Event
from community.examples.models import Example
from community.extensions import db
from community.models_base import utcnow
from community.profiles.models import Need
from tests.factories import make_offer, make_org, make_user, sign_in


@pytest.fixture
def city(app):
    return make_org(name="Stadt Rosenheim", org_type="kreisfreie_stadt", population_class="100k-500k", land="09")


def _weak_in_first_field(member):
    """A submitted check whose first field is the top one (priority 3, every answer 0)."""
    first = services.questionnaire().dimensions[0]
    answers = {q: 0 for q in services.questionnaire_for(organisation=member.organisation).questions}  # its type's
    return services.create(member, answers, {first.slug: 3}, submit=True), first


def _first_need_template():
    first = services.questionnaire().dimensions[0]
    return next(q.need for q in first.questions if q.need is not None)


def _offers_for(app, organisation, dimension):
    with app.test_request_context():
        return builtin_sources._offers(organisation, dimension.slug, dimension.topics, 3)


def test_funding_offers_are_left_to_the_programmes_source(app, city):
    """Free-text "programme" offers never become offer cards: funding is answered by the structured programmes,
    filtered by Land, Bund and EU (tests/test_programmes.py), so no other Land's programme can slip in here."""
    need = _first_need_template()
    providers = {
        "Thüringen": make_org(name="Thüringer Aufbaubank", kind="state", org_type="foerderprogramm", land="16"),
        "Bayern": make_org(name="Bayerisches Digitalministerium", kind="state", org_type="ministerium", land="09"),
    }
    for name, provider in providers.items():
        make_offer(provider, title=f"Förderung {name}: {need.title.de}", body=str(need.text.de), offer_kind="programme",
                   topics=list(need.topics))
    member = make_user(city)
    _assessment, first = _weak_in_first_field(member)
    with app.test_request_context():
        found = builtin_sources._offers(city, first.slug, first.topics, 10)
    assert not [card for card in found if card["title"].startswith("Förderung")]


def test_the_same_offer_of_several_providers_is_one_card_with_their_names(app, client, city):
    need = _first_need_template()
    resellers = [make_org(name=f"Systemhaus {name}", kind="company", org_type="it_dienstleister")
                 for name in ("Nord", "Süd", "West")]
    for reseller in resellers:
        make_offer(reseller, title=str(need.title.de), body=str(need.text.de), topics=list(need.topics))
    other = make_org(name="Beratung Eigenständig", kind="company", org_type="beratung")
    make_offer(other, title=f"Begleitung: {need.title.de}", body=str(need.text.de) + " Mit Workshop.",
               topics=list(need.topics))
    member = make_user(city)
    assessment, first = _weak_in_first_field(member)
    found = _offers_for(app, city, first)
    same = [card for card in found if card["title"] == str(need.title.de)]
    assert len(same) == 1
    assert sorted(p["name"] for p in same[0]["providers"]) == ["Systemhaus Nord", "Systemhaus Süd", "Systemhaus West"]
    single = [card for card in found if card["title"].startswith("Begleitung")]
    assert single and [p["name"] for p in single[0]["providers"]] == ["Beratung Eigenständig"]
    sign_in(client, member)
    html = client.get(f"/digital-check/{assessment.id}").get_data(as_text=True)
    first_field = html.split('<h3 class="kern-heading-small">')[1]  # the top field's recommendations
    assert first_field.count(f">{need.title.de}</a>") == 1
    assert "3 providers:" in first_field and "Systemhaus Süd" in first_field


def _peer(level, **fields):
    peer = make_org(verified=True, **fields)
    answers = {q: level for q in services.questionnaire_for(organisation=peer).questions}
    return services.create(make_user(peer), answers, submit=True, show_to_peers=True)


def test_peers_ahead_are_of_the_same_org_type(app, client, city):
    _peer(4, name="Landkreis Vorreiter", org_type="landkreis", population_class="100k-500k", land="09")
    _peer(4, name="Stadt Vorreiter", org_type="kreisfreie_stadt", population_class="100k-500k", land="05")
    member = make_user(city)
    assessment, first = _weak_in_first_field(member)
    names = [peer["name"] for peer in services.peers_ahead(city, first.slug)]
    assert names == ["Stadt Vorreiter"]
    sign_in(client, member)
    html = client.get(f"/digital-check/{assessment.id}").get_data(as_text=True)
    assert "Stadt Vorreiter" in html and "Landkreis Vorreiter" not in html


@pytest.mark.parametrize("audience, fits", [
    ([], True),
    (["municipality"], True),
    (["municipality", "100k-500k"], True),
    (["municipality", "lt5k", "5k-20k"], False),
    (["state"], False),
    (["landkreis"], False),
    (["kreisfreie_stadt", "stadt"], True),
])
def test_audience_fits_org_kind_type_and_size(audience, fits):
    city = SimpleNamespace(kind="municipality", org_type="kreisfreie_stadt", population_class="100k-500k")
    assert recommendations.audience_fits(audience, city) is fits


def test_trainings_for_small_towns_are_not_recommended_to_a_city(app, client, city):
    centre = make_user(make_org(name="Kompetenzzentrum", kind="state", org_type="behoerde"), role="consultant")
    first = services.questionnaire().dimensions[0]
    start = utcnow().replace(microsecond=0) + timedelta(days=10)
    for title, audience in (("Schulung für kleine Gemeinden", ["municipality", "lt5k", "5k-20k"]),
                            ("Schulung für Großstädte", ["municipality", "100k-500k"])):
        db.session.add(Event(title=title, description="Onlinedienste einführen", topics=list(first.topics),
                             audience=audience, starts_at=start, ends_at=start + timedelta(hours=2), capacity=20,
                             organiser_id=centre.id, organisation_id=centre.organisation_id))
    db.session.commit()
    member = make_user(city)
    assessment, _first = _weak_in_first_field(member)
    sign_in(client, member)
    html = client.get(f"/digital-check/{assessment.id}").get_data(as_text=True)
    assert "Schulung für Großstädte" in html and "Schulung für kleine Gemeinden" not in html


def test_topic_fit_is_the_share_of_the_item_about_the_field():
    assert recommendations.topic_fit(["sicherheit"], ("sicherheit",)) == 1
    assert recommendations.topic_fit(["organisation", "infrastruktur"], ("sicherheit",)) == 0
    assert recommendations.topic_fit(["organisation", "eakte", "sicherheit"], ("sicherheit",)) < recommendations.MIN_TOPIC_FIT
    assert recommendations.topic_fit([], ("sicherheit",)) == 0


def _example(organisation, title, topics):
    published = {"title": title, "summary": "", "topics": topics}
    example = Example(organisation_id=organisation.id, title=title, topics=topics, project_status="done",
                      status="published", published=published, published_at=utcnow())
    db.session.add(example)
    db.session.commit()
    return example


def test_examples_are_mainly_about_the_field_the_most_about_it_first(app, city):
    from community.examples.hooks import _for_handlungsfeld

    other = make_org(name="Landkreis Beispiel", org_type="landkreis")
    _example(other, "Hybride Ratssitzungen mit Tablets", ["organisation", "eakte", "sicherheit"])
    _example(other, "Notfallplan und Offline-Backup", ["sicherheit"])
    _example(other, "Phishing-Übungen für alle", ["sicherheit", "organisation"])
    _example(other, "Ummeldung online", ["ozg"])
    with app.test_request_context():
        titles = [item["title"] for item in _for_handlungsfeld(city, "sicherheit", ("sicherheit",), 5)]
    assert titles == ["Notfallplan und Offline-Backup", "Phishing-Übungen für alle"]


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_request_a_first_consultation_from_the_result_with_the_check_attached(client, city):
    member = make_user(city)
    assessment, first = _weak_in_first_field(member)
    services.adopt(member, assessment, [services.proposed_needs(assessment)[0]["key"]])
    need = Need.query.filter_by(organisation_id=city.id).one()
    sign_in(client, member)
    html = client.get(f"/digital-check/{assessment.id}").get_data(as_text=True)
    link = f"/consultations/new?assessment={assessment.id}"
    assert f'href="{link}"' in html and "Request a first consultation" in html
    form = client.get(link)
    page = form.get_data(as_text=True)
    assert form.status_code == 200
    assert re.search(rf'name="attach_assessment" value="{assessment.id}"[^>]*checked', page)
    assert re.search(rf'name="need_ids" value="{need.id}"[^>]*checked', page)
    assert "First consultation on our Digital Compass" in page and str(first.label.en) in page
    response = client.post("/consultations/new", data={
        "csrf_token": _csrf(page), "subject": "Erstberatung zum Digital-Check", "description": "Bitte beraten Sie uns.",
        "topics": list(first.topics), "urgency": "normal", "preferred_format": "video",
        "attach_assessment": str(assessment.id), "need_ids": [str(need.id)]})
    assert response.status_code == 302
    case = Consultation.query.filter_by(organisation_id=city.id).one()
    assert case.assessment_id == assessment.id and case.need_ids == [need.id]


def test_a_stale_or_foreign_assessment_is_not_prefilled(client, city):
    member = make_user(city)
    foreign, _first = _weak_in_first_field(make_user(make_org(name="Andere Stadt")))
    sign_in(client, member)
    page = client.get(f"/consultations/new?assessment={foreign.id}").get_data(as_text=True)
    assert "First consultation on our Digital Compass" not in page


def test_each_adopted_need_leads_to_its_own_suggestions(client, city):
    member = make_user(city)
    assessment, _first = _weak_in_first_field(member)
    key = services.proposed_needs(assessment)[0]["key"]
    services.adopt(member, assessment, [key])
    need = Need.query.filter_by(organisation_id=city.id).one()
    sign_in(client, member)
    html = client.get(f"/digital-check/{assessment.id}").get_data(as_text=True)
    assert f'href="/suggestions/needs/{need.id}"' in html  # the need's own suggestions
    assert client.get(f"/suggestions/needs/{need.id}").status_code == 200
