"""API: token authentication, the organisation directory, one organisation, the caller's own profile."""
import pytest

from community import create_app
from community.extensions import db
from community.models_base import utcnow
from tests.conftest import config_with
from tests.factories import make_need, make_offer, make_org, make_token, make_user


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {make_token(user)}"}


@pytest.fixture
def member(app):
    return make_user(make_org(name="Gemeinde Aachtal"))


# --- authentication -----------------------------------------------------------------------------


def test_missing_token_is_401_json(client):
    response = client.get("/api/v1/organisations")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_unknown_token_is_401(client):
    response = client.get("/api/v1/organisations", headers={"Authorization": "Bearer kn_not-a-real-token"})
    assert response.status_code == 401


def test_token_outside_the_bearer_scheme_is_401(client, member):
    token = make_token(member)
    response = client.get("/api/v1/organisations", headers={"Authorization": f"Basic {token}"})
    assert response.status_code == 401


def test_token_of_a_deleted_account_is_401(client, member):
    headers = bearer(member)
    member.deleted_at = utcnow()
    db.session.commit()
    assert client.get("/api/v1/organisations", headers=headers).status_code == 401


def test_a_valid_token_does_not_carry_over_to_the_next_request(client, member):
    assert client.get("/api/v1/profile", headers=bearer(member)).status_code == 200
    assert client.get("/api/v1/profile").status_code == 401


# --- directory ----------------------------------------------------------------------------------


def test_directory_is_a_page_of_organisations(client, member):
    body = client.get("/api/v1/organisations", headers=bearer(member)).get_json()
    assert body["total"] == 1
    assert (body["page"], body["per_page"]) == (1, 20)
    assert [org["name"] for org in body["items"]] == ["Gemeinde Aachtal"]


def test_directory_filters_by_kind(client, member):
    make_org(name="Digitalministerium", kind="state")
    body = client.get("/api/v1/organisations?kind=state", headers=bearer(member)).get_json()
    assert [org["name"] for org in body["items"]] == ["Digitalministerium"]


def test_directory_combines_topic_and_verified_filters(client, member):
    make_org(name="Stadt Verifiziert", topics=["energie"], verified=True)
    make_org(name="Stadt Offen", topics=["energie"])
    body = client.get("/api/v1/organisations?topic=energie&verified=true", headers=bearer(member)).get_json()
    assert [org["name"] for org in body["items"]] == ["Stadt Verifiziert"]


def test_directory_pages_through_results(client, member):
    for n in range(4):
        make_org(name=f"Zweckverband {n}")
    body = client.get("/api/v1/organisations?q=zweckverband&page=2&per_page=3", headers=bearer(member)).get_json()
    assert (body["total"], body["page"], body["per_page"]) == (4, 2, 3)
    assert [org["name"] for org in body["items"]] == ["Zweckverband 3"]


def test_directory_caps_per_page_at_100(client, member):
    body = client.get("/api/v1/organisations?per_page=5000", headers=bearer(member)).get_json()
    assert body["per_page"] == 100


def test_unknown_filter_value_is_422_naming_the_field(client, member):
    response = client.get("/api/v1/organisations?kind=castle&land=99", headers=bearer(member))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"kind", "land"}


# --- one organisation ---------------------------------------------------------------------------


def test_organisation_shows_members_only_fields_to_token_holders(client, member):
    other = make_org(description="Nur für Mitglieder", description_visibility="members",
                     contact_email="it@beispiel.de", contact_visibility="members")
    body = client.get(f"/api/v1/organisations/{other.id}", headers=bearer(member)).get_json()
    assert (body["description"], body["contact_email"]) == ("Nur für Mitglieder", "it@beispiel.de")


def test_organisation_lists_its_open_needs_and_offers_only(client, member):
    other = make_org()
    make_need(other, title="Offener Bedarf")
    make_need(other, title="Gelöster Bedarf", status="solved")
    make_offer(other, title="Internes Angebot", visibility="members")
    body = client.get(f"/api/v1/organisations/{other.id}", headers=bearer(member)).get_json()
    assert [need["title"] for need in body["needs"]] == ["Offener Bedarf"]
    assert [offer["title"] for offer in body["offers"]] == ["Internes Angebot"]


def test_unknown_organisation_is_404_json(client, member):
    response = client.get("/api/v1/organisations/999999", headers=bearer(member))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_serialiser_hides_members_only_fields_from_anonymous_viewers(app):
    from flask_login import AnonymousUserMixin

    from community.api.serializers import organisation_to_dict

    org = make_org(description="Intern", description_visibility="members", contact_email="a@b.de")
    data = organisation_to_dict(org, AnonymousUserMixin())
    assert (data["description"], data["contact_email"]) == (None, None)


# --- own profile --------------------------------------------------------------------------------


def test_profile_is_the_token_users_organisation(client, member):
    body = client.get("/api/v1/profile", headers=bearer(member)).get_json()
    assert body["id"] == member.organisation_id
    assert body["needs"] == [] and body["offers"] == []


def test_profile_without_organisation_is_409(client):
    response = client.get("/api/v1/profile", headers=bearer(make_user()))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"


def test_org_admin_updates_only_the_fields_sent(client):
    admin = make_user(make_org(name="Gemeinde Vorher", website="https://vorher.de"), is_org_admin=True)
    response = client.patch("/api/v1/profile", headers=bearer(admin), json={"name": "Gemeinde Nachher"})
    assert response.status_code == 200
    assert (response.get_json()["name"], response.get_json()["website"]) == ("Gemeinde Nachher", "https://vorher.de")


def test_plain_member_may_not_update_the_profile(client, member):
    response = client.patch("/api/v1/profile", headers=bearer(member), json={"name": "Übernommen"})
    assert response.status_code == 403
    assert member.organisation.name == "Gemeinde Aachtal"


def test_profile_update_with_bad_fields_is_422_and_changes_nothing(client):
    admin = make_user(make_org(name="Gemeinde Bleibt"), is_org_admin=True)
    response = client.patch("/api/v1/profile", headers=bearer(admin),
                            json={"name": "Neu", "land": "99", "colour": "blau"})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"land", "colour"}
    assert client.get("/api/v1/profile", headers=bearer(admin)).get_json()["name"] == "Gemeinde Bleibt"


# --- rate limit ---------------------------------------------------------------------------------


@pytest.fixture
def limited_client():
    """An app with the API limited to 3 calls a minute; limits are about keys, not the database."""
    application = create_app(config_with(RATE_LIMITS_ENABLED=True, RATELIMIT_API="3 per minute"))
    with application.app_context():
        db.create_all()
        yield application.test_client()
        db.session.remove()
        db.engine.dispose()


def test_fourth_call_in_a_minute_is_429_json(limited_client):
    headers = bearer(make_user(make_org()))
    statuses = [limited_client.get("/api/v1/profile", headers=headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert limited_client.get("/api/v1/profile", headers=headers).get_json()["error"]["code"] == "rate_limited"


def test_rate_limit_counts_all_tokens_of_one_user_together(limited_client):
    user = make_user(make_org())
    for _ in range(3):
        limited_client.get("/api/v1/organisations", headers=bearer(user))
    assert limited_client.get("/api/v1/profile", headers=bearer(user)).status_code == 429


def test_rate_limit_is_per_user(limited_client):
    exhausted = bearer(make_user(make_org()))
    for _ in range(4):
        limited_client.get("/api/v1/profile", headers=exhausted)
    assert limited_client.get("/api/v1/profile", headers=bearer(make_user(make_org()))).status_code == 200
