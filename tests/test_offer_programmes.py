"""Funding programmes belong to public funders (#24): a company or a municipality cannot offer one, in the
browser or through the API; the Länder, the Bund and the competence centre (a state body) can."""
import pytest

from community.profiles.models import Offer
from tests.factories import make_offer, make_org, make_token, make_user, sign_in

PREFIX = "/api/v1"
OFFER = {"title": "Zuschüsse für Online-Dienste", "body": "Gefördert werden Online-Dienste der Kommunen.",
         "topics": ["ozg"], "visibility": "public"}


@pytest.mark.parametrize("kind, org_type, allowed", [("company", "hersteller", False),
                                                     ("municipality", "gemeinde", False),
                                                     ("state", "ministerium", True), ("federal", "behoerde", True)])
def test_only_public_funders_offer_programmes(client, kind, org_type, allowed):
    org = make_org(kind=kind, org_type=org_type, land="09" if kind in ("municipality", "state") else None)
    user = make_user(org)
    sign_in(client, user)
    form = client.get(f"/organisations/{org.id}/offers/new").get_data(as_text=True)
    assert ('value="programme"' in form) is allowed
    response = client.post(f"/organisations/{org.id}/offers/new", data={**OFFER, "offer_kind": "programme"})
    assert (response.status_code == 302) is allowed
    if not allowed:
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and ("Only public funders" in page or "Förderprogramme" in page)
    api = client.post(f"{PREFIX}/offers", json={**OFFER, "offer_kind": "programme"},
                      headers={"Authorization": f"Bearer {make_token(user)}"})
    assert (api.status_code == 201) is allowed
    if not allowed:
        assert api.status_code == 422 and "offer_kind" in str(api.get_json())
    assert (Offer.query.filter_by(organisation_id=org.id, offer_kind="programme").count() > 0) is allowed


def test_a_company_cannot_turn_an_offer_into_a_programme_but_keeps_an_old_one_editable(client):
    company = make_org(kind="company", org_type="hersteller", land=None)
    user = make_user(company)
    sign_in(client, user)
    service = make_offer(company, offer_kind="service")
    response = client.post(f"/offers/{service.id}/edit", data={**OFFER, "offer_kind": "programme"})
    assert response.status_code == 422
    legacy = make_offer(company, offer_kind="programme")  # from before the rule
    assert 'value="programme"' in client.get(f"/offers/{legacy.id}/edit").get_data(as_text=True)
    assert client.post(f"/offers/{legacy.id}/edit", data={**OFFER, "title": "Neuer Titel",
                                                          "offer_kind": "programme"}).status_code == 302
