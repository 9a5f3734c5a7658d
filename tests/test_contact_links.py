"""Contact from every place a partner is seen: organisation, need and offer pages, search hits."""
from tests.factories import make_need, make_offer, make_org, make_user, sign_in


def test_an_organisation_page_links_to_the_contact_form(client):
    vendor = make_org(name="Akten GmbH", kind="company", org_type="hersteller")
    sign_in(client, make_user(make_org()))
    page = client.get(f"/organisations/{vendor.id}").get_data(as_text=True)
    assert f'href="/contacts/new?to={vendor.id}"' in page and "Contact Akten GmbH" in page


def test_ones_own_organisation_page_has_no_contact_link(client):
    home = make_org()
    sign_in(client, make_user(home))
    assert "/contacts/new" not in client.get(f"/organisations/{home.id}").get_data(as_text=True)


def test_anonymous_visitors_are_asked_to_log_in_first(client):
    vendor = make_org(name="Akten GmbH", kind="company", org_type="hersteller")
    page = client.get(f"/organisations/{vendor.id}").get_data(as_text=True)
    assert "/login?next=/contacts/new?to%3D" in page.replace("%2F", "/")


def test_need_and_offer_pages_carry_the_entry_to_the_form(client):
    vendor = make_org(name="Akten GmbH", kind="company", org_type="hersteller")
    offer, need = make_offer(vendor), make_need(vendor)
    sign_in(client, make_user(make_org()))
    offer_page = client.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert f"/contacts/new?to={vendor.id}&amp;offer={offer.id}" in offer_page
    need_page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert f"/contacts/new?to={vendor.id}&amp;need={need.id}" in need_page
    form = client.get(f"/contacts/new?to={vendor.id}&offer={offer.id}").get_data(as_text=True)
    assert f'value="{offer.id}"' in form


def test_search_hits_link_to_the_contact_form(client):
    vendor = make_org(name="Akten GmbH", kind="company", org_type="hersteller")
    offer = make_offer(vendor, title="Dokumentenmanagement E-Akte")
    sign_in(client, make_user(make_org()))
    page = client.get("/search?q=Dokumentenmanagement").get_data(as_text=True)
    assert f"/contacts/new?to={vendor.id}&amp;offer={offer.id}" in page
