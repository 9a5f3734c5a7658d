"""Verification of organisations by platform admins, and who carries the verified badge."""
import re
from datetime import datetime, timedelta

import pytest

from community.errors import PermissionDenied
from community.extensions import db
from community.organisations import services
from community.organisations.models import Organisation
from community.signals import organisation_changed
from tests.factories import login, make_org, make_user

BADGE = "✓"


def stored(org_id: int) -> Organisation:
    db.session.expire_all()
    return db.session.get(Organisation, org_id)


def names_on(response) -> list[str]:
    return re.findall(r'<a href="/organisations/\d+">([^<]+)</a>', response.get_data(as_text=True))


@pytest.fixture
def admin(client):
    user = make_user(None, role="admin")
    login(client, user)
    return user


# The review queue


def test_admin_sees_unverified_organisations_newest_first(client, admin):
    start = datetime(2026, 1, 1)
    make_org(name="Gemeinde Älter", created_at=start)
    make_org(name="Gemeinde Neuer", created_at=start + timedelta(days=1))
    make_org(name="Gemeinde Geprüft", verified=True, created_at=start + timedelta(days=2))
    assert names_on(client.get("/admin/organisations?verified=0")) == ["Gemeinde Neuer", "Gemeinde Älter"]


def test_queue_is_paged_and_links_keep_the_filter(client, admin):
    for n in range(3):
        make_org(name=f"Gemeinde {n}")
    page = client.get("/admin/organisations?verified=0&per_page=2").get_data(as_text=True)
    assert 'href="/admin/organisations?page=2&amp;verified=0&amp;per_page=2"' in page


def test_bad_queue_filter_is_400_with_a_message(client, admin):
    response = client.get("/admin/organisations?verified=perhaps")
    assert response.status_code == 400
    assert "Must be true or false." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["member", "org_admin", "moderator"])
def test_queue_is_for_platform_admins_only(client, role):
    org = make_org()
    platform_role = "moderator" if role == "moderator" else "member"
    login(client, make_user(org, is_org_admin=role == "org_admin", role=platform_role))
    assert client.get("/admin/organisations?verified=0").status_code == 403


def test_queue_sends_visitors_to_login(client):
    response = client.get("/admin/organisations?verified=0")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# Verifying


def test_admin_verifies_an_organisation(client, admin):
    org = make_org()
    response = client.post(f"/admin/organisations/{org.id}/verification",
                           data={"verified": "1", "next": "/admin/organisations?verified=0"})
    assert response.headers["Location"] == "/admin/organisations?verified=0"
    assert stored(org.id).verified is True
    assert stored(org.id).verified_at is not None


def test_admin_removes_a_verification(client, admin):
    org = make_org(verified=True, verified_at=datetime(2026, 1, 1))
    client.post(f"/admin/organisations/{org.id}/verification", data={"verified": "0"})
    assert stored(org.id).verified is False
    assert stored(org.id).verified_at is None


def test_verification_does_not_redirect_off_site(client, admin):
    org = make_org()
    response = client.post(f"/admin/organisations/{org.id}/verification",
                           data={"verified": "1", "next": "//evil.example/"})
    assert response.headers["Location"] == "/admin/organisations?verified=0"


def test_verification_value_must_be_0_or_1(client, admin):
    org = make_org()
    assert client.post(f"/admin/organisations/{org.id}/verification", data={"verified": "yes!"}).status_code == 400
    assert stored(org.id).verified is False


@pytest.mark.parametrize("role", ["org_admin", "moderator"])
def test_only_platform_admins_may_verify(client, role):
    org = make_org()
    login(client, make_user(org, is_org_admin=True, role="moderator" if role == "moderator" else "member"))
    response = client.post(f"/admin/organisations/{org.id}/verification", data={"verified": "1"})
    assert response.status_code == 403
    assert stored(org.id).verified is False


def test_service_sets_the_time_and_announces_the_change(app):
    org = make_org()
    changed = []
    with organisation_changed.connected_to(lambda sender: changed.append(sender.id)):
        services.verify_organisation(make_user(None, role="admin"), org, True)
    assert stored(org.id).verified_at is not None
    assert changed == [org.id]


def test_service_refuses_other_users(app):
    org = make_org()
    with pytest.raises(PermissionDenied):
        services.verify_organisation(make_user(org, is_org_admin=True), org, True)
    assert stored(org.id).verified is False


def test_admin_sees_a_verify_button_on_the_organisation_page(client, admin):
    org = make_org()
    page = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert f'action="/admin/organisations/{org.id}/verification"' in page


def test_members_see_no_verify_button(client):
    org = make_org()
    login(client, make_user(org, is_org_admin=True))
    page = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "/verification" not in page


# The badge


def test_verified_municipality_shows_the_badge(client):
    org = make_org(verified=True)
    assert BADGE in client.get(f"/organisations/{org.id}").get_data(as_text=True)


def test_unverified_municipality_shows_no_badge(client):
    org = make_org()
    assert BADGE not in client.get(f"/organisations/{org.id}").get_data(as_text=True)


def test_verified_company_shows_no_badge(client, admin):
    company = make_org(kind="company", org_type="hersteller", name="Hersteller GmbH")
    client.post(f"/admin/organisations/{company.id}/verification", data={"verified": "1"})
    assert stored(company.id).verified is True
    assert BADGE not in client.get(f"/organisations/{company.id}").get_data(as_text=True)
    directory = client.get("/organisations?verified=1").get_data(as_text=True)
    assert "Hersteller GmbH" in directory and BADGE not in directory
