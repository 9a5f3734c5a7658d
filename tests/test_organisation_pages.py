"""The organisation page (profile, visibility, needs and offers) and profile editing."""
import pytest

from community.extensions import db
from community.organisations.models import Organisation
from community.signals import organisation_changed
from tests.factories import login, make_need, make_offer, make_org, make_user


def page_of(client, org) -> str:
    response = client.get(f"/organisations/{org.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def profile_form(**overrides) -> dict:
    data = {
        "name": "Stadt Musterhausen", "org_type": "stadt", "official_key": "05315000", "land": "05",
        "population_class": "100k-500k", "description": "Wir digitalisieren.", "description_visibility": "public",
        "website": "https://musterhausen.example", "contact_email": "digital@musterhausen.example",
        "contact_visibility": "public", "topics": ["ozg", "daten"],
    }
    data.update(overrides)
    return data


# The organisation page


def test_shows_the_profile(client):
    org = make_org(name="Stadt Musterhausen", org_type="stadt", official_key="05315000",
                   population_class="100k-500k", website="https://musterhausen.example", topics=["daten"])
    page = page_of(client, org)
    assert "<h1" in page and "Stadt Musterhausen" in page
    assert "Town or city" in page and "North Rhine-Westphalia" in page  # English all the way (#24)
    assert "05315000" in page
    assert "100,000 to 500,000" in page
    assert '<a href="https://musterhausen.example" rel="nofollow noopener noreferrer">' in page
    assert "Data &" in page


def test_unknown_organisation_is_404(client):
    assert client.get("/organisations/4711").status_code == 404


def test_public_description_and_contact_are_shown_to_visitors(client):
    org = make_org(description="Offen für alle", contact_email="info@gemeinde.example", contact_visibility="public")
    page = page_of(client, org)
    assert "Offen für alle" in page
    assert "mailto:info@gemeinde.example" in page


def test_members_only_description_and_contact_are_hidden_from_visitors(client):
    org = make_org(description="Nur intern", description_visibility="members",
                   contact_email="intern@gemeinde.example", contact_visibility="members")
    page = page_of(client, org)
    assert "Nur intern" not in page
    assert "intern@gemeinde.example" not in page
    assert "Visible to logged-in members." in page


def test_members_only_description_and_contact_are_shown_to_logged_in_users(client):
    org = make_org(description="Nur intern", description_visibility="members",
                   contact_email="intern@gemeinde.example", contact_visibility="members")
    login(client, make_user(make_org()))
    page = page_of(client, org)
    assert "Nur intern" in page
    assert "mailto:intern@gemeinde.example" in page


def test_description_is_escaped(client):
    org = make_org(description="<script>alert('x')</script>")
    page = page_of(client, org)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_lists_open_needs_and_offers_with_topics_and_ozg_services(client):
    org = make_org()
    need = make_need(org, title="Bauantrag digital", topics=["ozg"], ozg_ids=[10000])
    offer = make_offer(org, title="Fachverfahren Bau")
    page = page_of(client, org)
    assert f'<a href="/needs/{need.id}">Bauantrag digital</a>' in page
    assert f'<a href="/offers/{offer.id}">Fachverfahren Bau</a>' in page
    assert "OZG services: Elterngeld" in page
    assert "Citizen services / OZG" in page


def test_closed_entries_sit_in_a_collapsed_section(client):
    org = make_org()
    make_need(org, title="Längst gelöst", status="solved")
    make_offer(org, title="Ausgelaufen", status="closed")
    page = page_of(client, org)
    solved = page.index("<summary>Solved needs (1)</summary>")
    assert solved < page.index("Längst gelöst") < page.index("</details>", solved)
    assert "<summary>Closed offers (1)</summary>" in page
    assert "No open needs." in page


def test_members_only_entries_are_hidden_from_visitors(client):
    org = make_org()
    make_need(org, title="Geheimer Bedarf", visibility="members")
    make_offer(org, title="Geheimes Angebot", visibility="members")
    page = page_of(client, org)
    assert "Geheimer Bedarf" not in page
    assert "Geheimes Angebot" not in page


def test_members_only_entries_are_shown_to_logged_in_users(client):
    org = make_org()
    make_need(org, title="Geheimer Bedarf", visibility="members")
    login(client, make_user(make_org()))
    assert "Geheimer Bedarf" in page_of(client, org)


def test_org_admin_sees_edit_add_and_members_links(client):
    org = make_org()
    login(client, make_user(org, is_org_admin=True))
    page = page_of(client, org)
    assert f'href="/organisations/{org.id}/edit"' in page
    assert f'href="/organisations/{org.id}/needs/new"' in page
    assert f'href="/organisations/{org.id}/offers/new"' in page
    assert f'href="/organisations/{org.id}/members"' in page


def test_member_can_add_entries_but_not_edit_the_profile(client):
    org = make_org()
    login(client, make_user(org))
    page = page_of(client, org)
    assert f'href="/organisations/{org.id}/needs/new"' in page
    assert f'href="/organisations/{org.id}/edit"' not in page


@pytest.mark.parametrize("viewer", ["anonymous", "other_member"])
def test_outsiders_see_no_member_links(client, viewer):
    org = make_org()
    if viewer == "other_member":
        login(client, make_user(make_org(), is_org_admin=True))
    page = page_of(client, org)
    for path in ("edit", "needs/new", "offers/new", "members"):
        assert f'href="/organisations/{org.id}/{path}"' not in page


# Editing the profile


def _editor(role: str, org):
    """A user in `role` relative to `org`, or None for an anonymous visitor."""
    return {
        "anonymous": lambda: None,
        "member": lambda: make_user(org),
        "org_admin": lambda: make_user(org, is_org_admin=True),
        "other_org_admin": lambda: make_user(make_org(), is_org_admin=True),
        "platform_admin": lambda: make_user(None, role="admin"),
    }[role]()


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("member", 403), ("org_admin", 200), ("other_org_admin", 403), ("platform_admin", 200)],
)
def test_edit_page_permissions(client, role, status):
    org = make_org()
    user = _editor(role, org)
    if user:
        login(client, user)
    assert client.get(f"/organisations/{org.id}/edit").status_code == status


@pytest.mark.parametrize("role", ["anonymous", "member", "other_org_admin"])
def test_outsiders_cannot_save_the_profile(client, role):
    org = make_org(name="Gemeinde Original")
    user = _editor(role, org)
    if user:
        login(client, user)
    response = client.post(f"/organisations/{org.id}/edit", data=profile_form(name="Übernommen"))
    assert response.status_code in (302, 403)
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).name == "Gemeinde Original"


def test_anonymous_editor_is_sent_to_login(client):
    org = make_org()
    response = client.get(f"/organisations/{org.id}/edit")
    assert response.headers["Location"].startswith("/login")


def test_edit_form_shows_the_current_values_and_topic_checkboxes(client):
    org = make_org(name="Stadt Alt", topics=["energie"])
    login(client, make_user(org, is_org_admin=True))
    page = client.get(f"/organisations/{org.id}/edit").get_data(as_text=True)
    assert 'value="Stadt Alt"' in page
    assert 'checked class="kern-form-check__checkbox" id="topics-6" name="topics" type="checkbox" value="energie">' in page


@pytest.mark.parametrize("role", ["org_admin", "platform_admin"])
def test_saving_the_profile_stores_every_field(client, role):
    org = make_org()
    login(client, _editor(role, org))
    response = client.post(f"/organisations/{org.id}/edit", data=profile_form())
    assert response.status_code == 302
    assert response.headers["Location"] == f"/organisations/{org.id}"
    db.session.expire_all()
    saved = db.session.get(Organisation, org.id)
    assert (saved.name, saved.org_type, saved.official_key, saved.population_class) == (
        "Stadt Musterhausen", "stadt", "05315000", "100k-500k")
    assert (saved.website, saved.contact_email, saved.contact_visibility) == (
        "https://musterhausen.example", "digital@musterhausen.example", "public")
    assert saved.topics == ["daten", "ozg"]


def test_unchecking_every_topic_clears_them(client):
    org = make_org(topics=["ozg"])
    login(client, make_user(org, is_org_admin=True))
    data = profile_form()
    del data["topics"]
    client.post(f"/organisations/{org.id}/edit", data=data)
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).topics == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", ""), ("name", "x" * 201), ("topics", ["ozg", "astrologie"]), ("land", "99"),
     ("official_key", "123"), ("website", "javascript:alert(1)"), ("contact_email", "kein-at")],
)
def test_invalid_profile_shows_the_error_on_the_field_and_saves_nothing(client, field, value):
    org = make_org(name="Gemeinde Original")
    login(client, make_user(org, is_org_admin=True))
    response = client.post(f"/organisations/{org.id}/edit", data=profile_form(**{field: value}))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).name == "Gemeinde Original"


def test_company_cannot_declare_a_municipal_type_or_change_its_kind(client):
    company = make_org(kind="company", org_type="hersteller")
    login(client, make_user(company, is_org_admin=True))
    data = profile_form(org_type="gemeinde", kind="municipality", population_class="")
    response = client.post(f"/organisations/{company.id}/edit", data=data)
    assert response.status_code == 422
    assert 'id="org_type-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, company.id).kind == "company"


def test_company_form_has_no_population_class(client):
    company = make_org(kind="company", org_type="hersteller")
    login(client, make_user(company, is_org_admin=True))
    page = client.get(f"/organisations/{company.id}/edit").get_data(as_text=True)
    assert 'name="population_class"' not in page
    assert 'value="hersteller"' in page and 'value="gemeinde"' not in page


def test_saving_announces_the_change(client):
    org = make_org()
    login(client, make_user(org, is_org_admin=True))
    changed = []
    with organisation_changed.connected_to(lambda sender: changed.append(sender.id)):
        client.post(f"/organisations/{org.id}/edit", data=profile_form())
    assert changed == [org.id]


def test_a_rejected_save_announces_nothing(client):
    org = make_org()
    login(client, make_user(org, is_org_admin=True))
    changed = []
    with organisation_changed.connected_to(lambda sender: changed.append(sender)):
        client.post(f"/organisations/{org.id}/edit", data=profile_form(name=""))
    assert changed == []
