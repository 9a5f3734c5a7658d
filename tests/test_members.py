"""Organisation membership: member list, invitations, joining, removing members, organisation admins."""
import re
from datetime import timedelta

import pytest

from community.auth.models import User
from community.errors import Conflict
from community.extensions import db
from community.members import services
from community.models_base import utcnow
from community.organisations.models import Invite, Organisation
from tests.factories import login, make_org, make_user

NEW_PASSWORD = "Neues-Passwort-2025"


def logged_in_client(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def new_invite(org, admin, email: str = "") -> str:
    """An invitation token created through the service, as an organisation admin would."""
    _invite, token = services.create_invite(admin, org, email)
    return token


def register_with(client, token: str, **overrides):
    data = {"name": "Neue Kollegin", "email": "neu@example.org", "password": NEW_PASSWORD,
            "password_confirmation": NEW_PASSWORD, "invite": token}
    data.update(overrides)
    return client.post("/register", data=data)


def user_by_email(email: str) -> User | None:
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()


@pytest.fixture
def org():
    return make_org(name="Stadt Beispiel")


@pytest.fixture
def admin(org):
    return make_user(org, is_org_admin=True, name="Ada Admin")


# Who sees the member list

def test_members_see_their_colleagues(app, org, admin):
    member = make_user(org, name="Mia Mitglied")

    response = logged_in_client(app, member).get(f"/organisations/{org.id}/members")

    assert response.status_code == 200
    assert "Ada Admin" in response.text and "Mia Mitglied" in response.text
    assert "Create invitation link" not in response.text


def test_platform_admin_sees_any_member_list(app, org, admin):
    platform_admin = make_user(make_org(), role="admin")

    assert logged_in_client(app, platform_admin).get(f"/organisations/{org.id}/members").status_code == 200


def test_member_of_another_organisation_is_refused(app, org, admin):
    outsider = make_user(make_org())

    assert logged_in_client(app, outsider).get(f"/organisations/{org.id}/members").status_code == 403


def test_anonymous_visitor_is_sent_to_login(client, org):
    response = client.get(f"/organisations/{org.id}/members")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# Invitations

def test_admin_gets_an_invite_link_once_and_only_its_hash_is_stored(app, org, admin):
    client = logged_in_client(app, admin)

    response = client.post(f"/organisations/{org.id}/members/invites", data={"email": ""})

    assert response.status_code == 201
    link = re.search(r"http://localhost/invite/([\w-]+)", response.text)
    token = link.group(1)
    invite = db.session.execute(db.select(Invite)).scalar_one()
    assert invite.token_hash == services.hash_token(token)
    assert invite.organisation_id == org.id
    assert invite.expires_at - invite.created_at == timedelta(seconds=app.config["INVITE_MAX_AGE"])
    assert token not in client.get(f"/organisations/{org.id}/members").text


def test_plain_member_cannot_create_invites(app, org, admin):
    member = make_user(org)

    response = logged_in_client(app, member).post(f"/organisations/{org.id}/members/invites", data={"email": ""})

    assert response.status_code == 403
    assert db.session.execute(db.select(db.func.count(Invite.id))).scalar_one() == 0


def test_invite_page_names_the_organisation(client, org, admin):
    token = new_invite(org, admin)

    response = client.get(f"/invite/{token}")

    assert response.status_code == 200
    assert "Stadt Beispiel" in response.text
    assert f"/register?invite={token}" in response.text


def test_invite_page_escapes_the_organisation_name(client, admin):
    hostile = make_org(name="<script>alert(1)</script>")
    token = new_invite(hostile, make_user(hostile, is_org_admin=True))

    response = client.get(f"/invite/{token}")

    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)" in response.text


def test_registering_with_an_invite_joins_that_organisation_as_member(client, org, admin):
    token = new_invite(org, admin)

    response = register_with(client, token)

    assert response.status_code == 302
    newcomer = user_by_email("neu@example.org")
    assert newcomer.organisation_id == org.id
    assert not newcomer.is_org_admin
    invite = db.session.execute(db.select(Invite)).scalar_one()
    assert (services.invite_status(invite), invite.used_by_id) == ("used", newcomer.id)


def test_an_invite_never_leads_into_another_organisation(client, org, admin):
    other = make_org(name="Andere Gemeinde")
    token = new_invite(org, admin)

    register_with(client, token, organisation_name="Fremde Firma", organisation_kind="company",
                  organisation_type="beratung", org_id=str(other.id), organisation_id=str(other.id))

    newcomer = user_by_email("neu@example.org")
    assert newcomer.organisation_id == org.id
    assert db.session.execute(db.select(db.func.count(Organisation.id))).scalar_one() == 2


def test_used_invite_gives_a_clear_message(client, org, admin):
    token = new_invite(org, admin)
    register_with(client, token)
    client.post("/logout")

    response = client.get(f"/invite/{token}")

    assert response.status_code == 410
    assert "already been used" in response.text
    assert register_with(client, token, email="zweite@example.org").status_code == 410
    assert user_by_email("zweite@example.org") is None


def test_expired_invite_gives_a_clear_message(client, org, admin):
    token = new_invite(org, admin)
    invite = db.session.execute(db.select(Invite)).scalar_one()
    invite.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    response = client.get(f"/invite/{token}")

    assert response.status_code == 410
    assert "expired" in response.text


def test_revoked_invite_gives_a_clear_message(app, org, admin):
    token = new_invite(org, admin)
    invite_id = db.session.execute(db.select(Invite.id)).scalar_one()
    client = logged_in_client(app, admin)

    assert client.post(f"/organisations/{org.id}/members/invites/{invite_id}/revoke").status_code == 302

    response = app.test_client().get(f"/invite/{token}")
    assert response.status_code == 410
    assert "withdrawn" in response.text


def test_unknown_invite_is_not_found(client):
    assert client.get("/invite/no-such-token").status_code == 404


def test_invite_for_an_address_cannot_be_used_with_another(client, org, admin):
    token = new_invite(org, admin, email="Gemeint@Example.org")

    response = register_with(client, token, email="jemand.anders@example.org")

    assert response.status_code == 422
    assert "different email address" in response.text
    assert register_with(client, token, email="gemeint@example.org").status_code == 302


def test_invite_of_another_organisation_cannot_be_revoked_through_ours(app, org, admin):
    other = make_org()
    other_admin = make_user(other, is_org_admin=True)
    token = new_invite(other, other_admin)
    invite_id = db.session.execute(db.select(Invite.id)).scalar_one()
    client = logged_in_client(app, admin)

    assert client.post(f"/organisations/{org.id}/members/invites/{invite_id}/revoke").status_code == 404
    assert client.post(f"/organisations/{other.id}/members/invites/{invite_id}/revoke").status_code == 403
    assert app.test_client().get(f"/invite/{token}").status_code == 200


def test_signed_in_user_without_organisation_accepts_directly(app, org, admin):
    loner = make_user(None)
    token = new_invite(org, admin)

    response = logged_in_client(app, loner).post(f"/invite/{token}")

    assert response.status_code == 302
    db.session.refresh(loner)
    assert loner.organisation_id == org.id


def test_member_of_an_organisation_cannot_accept_another_invite(app, org, admin):
    other_member = make_user(make_org())
    token = new_invite(org, admin)

    response = logged_in_client(app, other_member).post(f"/invite/{token}")

    assert response.status_code == 409
    db.session.refresh(other_member)
    assert other_member.organisation_id != org.id


# Removing members and organisation admins

def test_admin_removes_a_member(app, org, admin):
    member = make_user(org)
    member_client = logged_in_client(app, member)

    response = logged_in_client(app, admin).post(f"/organisations/{org.id}/members/{member.id}/remove")

    assert response.status_code == 302
    db.session.refresh(member)
    assert member.organisation_id is None
    assert member_client.get(f"/organisations/{org.id}/members").status_code == 403


def test_plain_member_cannot_remove_anyone(app, org, admin):
    member = make_user(org)

    response = logged_in_client(app, member).post(f"/organisations/{org.id}/members/{admin.id}/remove")

    assert response.status_code == 403
    assert db.session.get(User, admin.id).organisation_id == org.id


def test_admin_cannot_remove_a_member_of_another_organisation(app, org, admin):
    other = make_org()
    stranger = make_user(other)
    client = logged_in_client(app, admin)

    assert client.post(f"/organisations/{other.id}/members/{stranger.id}/remove").status_code == 403
    assert client.post(f"/organisations/{org.id}/members/{stranger.id}/remove").status_code == 404
    assert db.session.get(User, stranger.id).organisation_id == other.id


def test_last_admin_cannot_remove_themselves(app, org, admin):
    make_user(org)

    response = logged_in_client(app, admin).post(f"/organisations/{org.id}/members/{admin.id}/remove",
                                                 follow_redirects=True)

    assert "last administrator" in response.text
    db.session.refresh(admin)
    assert (admin.organisation_id, admin.is_org_admin) == (org.id, True)


def test_admin_promotes_and_demotes_a_member(app, org, admin):
    member = make_user(org)
    client = logged_in_client(app, admin)

    client.post(f"/organisations/{org.id}/members/{member.id}/admin", data={"org_admin": "1"})
    assert db.session.get(User, member.id).is_org_admin

    client.post(f"/organisations/{org.id}/members/{member.id}/admin", data={"org_admin": "0"})
    assert not db.session.get(User, member.id).is_org_admin


def test_the_last_admin_cannot_be_demoted(app, org, admin):
    with pytest.raises(Conflict):
        services.set_org_admin(admin, org, admin.id, False)

    assert db.session.get(User, admin.id).is_org_admin


def test_admin_flag_must_be_a_yes_or_no(app, org, admin):
    member = make_user(org)

    response = logged_in_client(app, admin).post(f"/organisations/{org.id}/members/{member.id}/admin",
                                                 data={"org_admin": "maybe"})

    assert response.status_code == 422
