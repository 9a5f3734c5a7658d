"""A verified badge does not survive a change of identity (docs/security.md, hole 3): renaming or re-keying a
verified organisation sends it back to the verification queue until a platform admin confirms it again."""
from datetime import datetime

import pytest

from community.extensions import db
from community.organisations.models import Organisation
from tests.factories import make_org, make_token, make_user, sign_in

BADGE = "✓"


def stored(org_id: int) -> Organisation:
    db.session.expire_all()
    return db.session.get(Organisation, org_id)


@pytest.fixture
def verified(app):
    org = make_org(name="Stadt Echtheim", official_key="05111000", verified=True, verified_at=datetime(2026, 1, 1))
    return org, make_user(org, is_org_admin=True)


def edit(client, org, **changes):
    data = {"name": org.name, "org_type": org.org_type, "official_key": org.official_key or "", "land": org.land,
            "description_visibility": "public", "contact_visibility": "members", "topics": ["ozg"], **changes}
    return client.post(f"/organisations/{org.id}/edit", data=data)


def in_queue(client, org) -> bool:
    return f'<a href="/organisations/{org.id}">' in client.get("/admin/organisations?verified=0").get_data(as_text=True)


@pytest.mark.parametrize("change", [{"name": "Stadt Anderswo"}, {"official_key": "05112000"}])
def test_renaming_or_rekeying_sends_the_organisation_back_to_verification(app, client, verified, change):
    org, member = verified
    sign_in(client, member)
    assert edit(client, org, **change).status_code == 302
    assert stored(org.id).verified is False and stored(org.id).verified_at is None
    assert BADGE not in client.get(f"/organisations/{org.id}").get_data(as_text=True)

    admin = make_user(None, role="admin")
    sign_in(client, admin)
    assert in_queue(client, org)
    client.post(f"/admin/organisations/{org.id}/verification", data={"verified": "1"})
    assert stored(org.id).verified is True
    assert BADGE in client.get(f"/organisations/{org.id}").get_data(as_text=True)


def test_a_rename_through_the_api_drops_the_badge_too(app, client, verified):
    org, member = verified
    response = client.patch("/api/v1/profile", json={"name": "Stadt Anderswo"},
                            headers={"Authorization": f"Bearer {make_token(member)}"})
    assert response.status_code == 200
    assert response.json["verified"] is False


def test_other_edits_keep_the_badge(app, client, verified):
    org, member = verified
    sign_in(client, member)
    assert edit(client, org, description="Neue Beschreibung", name=" Stadt Echtheim ").status_code == 302
    assert stored(org.id).verified is True


def test_a_platform_admin_may_rename_without_losing_the_verification(app, verified):
    from community.organisations.services import update_organisation

    org, _member = verified
    update_organisation(make_user(None, role="admin"), org, {"name": "Stadt Echtheim (Kreisstadt)"}, partial=True)
    assert stored(org.id).verified is True
