"""Account settings: profile, password change, API tokens, data export and account deletion."""
import json
from datetime import timedelta

from community.auth.models import ApiToken, User
from community.auth.services import user_for_api_token
from community.extensions import db
from community.models_base import utcnow
from tests.factories import (
    PASSWORD, login, make_need, make_offer, make_org, make_token, make_user, sign_in,
)
from community.account import services as account_services

NEW_PASSWORD = "Neues-Passwort-2025"


def logged_in_client(app, user, remember: bool = False):
    client = app.test_client()
    assert login(client, user, remember=remember).status_code == 302
    return client


def is_logged_in(client) -> bool:
    return client.get("/account/").status_code == 200


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirmation=NEW_PASSWORD):
    return client.post("/account/password", data={
        "current_password": current, "new_password": new, "new_password_confirmation": confirmation,
    })


def test_settings_require_login(client):
    response = client.get("/account/")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_profile_can_be_edited_and_switches_the_language(app):
    user = make_user(make_org())
    client = logged_in_client(app, user)

    response = client.post("/account/profile", data={
        "name": "Anna Neu", "job_title": "CDO", "phone": "+49 221 123-45", "locale": "en",
    })

    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.job_title, user.phone, user.locale) == ("Anna Neu", "CDO", "+49 221 123-45", "en")
    assert '<html lang="en">' in client.get("/account/").text


def test_profile_rejects_a_bad_phone_number(app):
    user = make_user(make_org(), phone="")
    client = logged_in_client(app, user)

    response = client.post("/account/profile", data={"name": "Anna", "job_title": "", "phone": "call me", "locale": "de"})

    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    db.session.refresh(user)
    assert user.phone == ""


# Password change

def test_password_change_keeps_this_session_and_ends_the_others(app):
    user = make_user(make_org())
    this_device = logged_in_client(app, user)
    other_device = logged_in_client(app, user)

    assert change_password(this_device).status_code == 302

    assert is_logged_in(this_device)
    assert not is_logged_in(other_device)
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)


def test_password_change_ends_remembered_logins_elsewhere(app):
    user = make_user(make_org())
    other_device = logged_in_client(app, user, remember=True)
    other_device.delete_cookie("session", domain="localhost")  # as after closing the browser
    assert is_logged_in(other_device)

    change_password(logged_in_client(app, user))

    other_device.delete_cookie("session", domain="localhost")
    assert not is_logged_in(other_device)


def test_password_change_requires_the_current_password(app):
    user = make_user(make_org())
    client = logged_in_client(app, user)

    response = change_password(client, current="falsch-falsch")

    assert response.status_code == 422
    assert "current password is wrong" in response.text
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_password_change_applies_the_password_rules(app):
    client = logged_in_client(app, make_user(make_org()))

    response = change_password(client, new="0123456789", confirmation="0123456789")

    assert response.status_code == 422
    assert "only digits" in response.text


# API tokens

def test_new_token_is_shown_once_and_stored_hashed(app):
    user = make_user(make_org())
    client = logged_in_client(app, user)

    response = client.post("/account/tokens", data={"token_name": "Fachverfahren"})

    assert response.status_code == 201
    token = response.text.split('kn-secret">', 1)[1].split("<", 1)[0]
    record = db.session.execute(db.select(ApiToken)).scalar_one()
    assert record.token_hash == ApiToken.hash(token)
    assert token not in (record.name, record.prefix, record.token_hash)
    listing = client.get("/account/").text
    assert token not in listing
    assert record.prefix in listing and "Fachverfahren" in listing


def test_token_can_be_revoked(app):
    user = make_user(make_org())
    token = make_token(user)
    record = db.session.execute(db.select(ApiToken)).scalar_one()
    client = logged_in_client(app, user)

    assert client.post(f"/account/tokens/{record.id}/revoke").status_code == 302

    assert user_for_api_token(token) is None


def test_token_of_someone_else_cannot_be_revoked(app):
    owner = make_user(make_org())
    token = make_token(owner)
    record_id = db.session.execute(db.select(ApiToken.id)).scalar_one()
    client = logged_in_client(app, make_user(make_org()))

    assert client.post(f"/account/tokens/{record_id}/revoke").status_code == 404

    assert user_for_api_token(token) == owner


def test_token_use_is_recorded_at_most_once_a_minute(app):
    user = make_user(make_org())
    token = make_token(user)
    record = db.session.execute(db.select(ApiToken)).scalar_one()

    user_for_api_token(token)
    first_use = record.last_used_at
    user_for_api_token(token)
    assert record.last_used_at == first_use

    record.last_used_at = first_use - timedelta(minutes=2)
    db.session.commit()
    user_for_api_token(token)
    assert record.last_used_at > first_use - timedelta(minutes=2)


# DSGVO: export

def test_export_is_a_json_attachment_of_everything_about_the_user(app):
    org = make_org()
    user = make_user(org, job_title="CDO")
    colleague = make_user(org)
    token = make_token(user)
    mine = make_need(org, author=user, title="Mein Bedarf")
    make_need(org, author=colleague, title="Fremder Bedarf")
    offer = make_offer(org, author=user)
    client = logged_in_client(app, user)

    response = client.get("/account/export")

    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.data)
    assert data["profile"]["email"] == user.email and data["profile"]["job_title"] == "CDO"
    assert data["organisation"]["id"] == org.id
    assert [t["prefix"] for t in data["api_tokens"]] == [token[:10]]
    assert token not in response.text
    assert [need["id"] for need in data["needs"]] == [mine.id]
    assert [entry["id"] for entry in data["offers"]] == [offer.id]


# DSGVO: deletion

def delete_account(client, password=PASSWORD):
    return client.post("/account/delete", data={"password": password})


def test_deletion_needs_the_password(app):
    user = make_user(make_org())
    client = logged_in_client(app, user)

    response = delete_account(client, password="falsch-falsch")

    assert response.status_code == 422
    db.session.refresh(user)
    assert user.deleted_at is None


def test_deletion_anonymises_the_account_and_logs_out(app):
    org = make_org()
    user = make_user(org, job_title="CDO", phone="0221 1", is_org_admin=True)
    old_email = user.email
    token = make_token(user)
    client = logged_in_client(app, user)

    assert delete_account(client).status_code == 302

    db.session.refresh(user)
    assert user.deleted_at is not None
    assert user.email == f"deleted-{user.id}@invalid"
    assert user.name == f"deleted user #{user.id}" and user.display_name == "Deleted account"
    assert (user.job_title, user.phone, user.is_org_admin) == ("", "", False)
    assert not user.check_password(PASSWORD)
    assert user_for_api_token(token) is None
    assert db.session.execute(db.select(db.func.count(ApiToken.id))).scalar_one() == 0
    assert not is_logged_in(client)
    assert client.post("/login", data={"email": old_email, "password": PASSWORD}).status_code == 401


def test_content_of_a_deleted_account_stays_and_pages_still_render(app):
    org = make_org()
    user = make_user(org)
    need = make_need(org, author=user)
    delete_account(logged_in_client(app, user))

    db.session.expire_all()
    assert db.session.get(type(need), need.id).author.display_name == "Deleted account"
    assert app.test_client().get(f"/organisations/{org.id}").status_code == 200


def test_deleted_address_can_register_again(app):
    user = make_user(make_org(), email="wieder@example.org")
    delete_account(logged_in_client(app, user))

    response = app.test_client().post("/register", data={
        "name": "Wieder Da", "email": "wieder@example.org", "password": NEW_PASSWORD,
        "password_confirmation": NEW_PASSWORD, "organisation_name": "Firma Neu", "organisation_kind": "company",
        "organisation_type": "beratung",
    })

    assert response.status_code == 302


def test_last_admin_leaving_hands_over_to_the_longest_standing_member(app):
    org = make_org()
    admin = make_user(org, is_org_admin=True)
    veteran = make_user(org, created_at=utcnow() - timedelta(days=300))
    newcomer = make_user(org, created_at=utcnow() - timedelta(days=3))

    delete_account(logged_in_client(app, admin))

    assert db.session.get(User, veteran.id).is_org_admin
    assert not db.session.get(User, newcomer.id).is_org_admin
    assert app.test_client().get(f"/organisations/{org.id}").status_code == 200


def test_the_last_admin_names_who_takes_over_when_deleting_the_account(client):
    from community.notifications.models import Notification

    org = make_org(name="Gemeinde Hagenau")
    admin = make_user(org, is_org_admin=True)
    first, chosen = make_user(org, name="Erste Person"), make_user(org, name="Gewählte Person")
    sign_in(client, admin)
    page = client.get("/account/").get_data(as_text=True)
    assert "Who takes over as administrator" in page and "Gewählte Person" in page
    client.post("/account/delete", data={"password": PASSWORD, "successor": str(chosen.id)})
    assert db.session.get(User, chosen.id).is_org_admin and not db.session.get(User, first.id).is_org_admin
    notice = db.session.scalars(db.select(Notification).filter_by(user_id=chosen.id, kind="admin_handover")).one()
    assert "administrator of Gemeinde Hagenau" in notice.display_text


def test_a_successor_from_another_organisation_is_refused(client):
    org = make_org()
    admin, member = make_user(org, is_org_admin=True), make_user(org)
    stranger = make_user(make_org())
    sign_in(client, admin)
    response = client.post("/account/delete", data={"password": PASSWORD, "successor": str(stranger.id)})
    assert response.status_code == 422 and "Choose a member of your organisation." in response.get_data(as_text=True)
    assert db.session.get(User, admin.id).deleted_at is None and not db.session.get(User, stranger.id).is_org_admin
    assert not db.session.get(User, member.id).is_org_admin


def test_without_a_choice_the_longest_standing_member_takes_over(app):
    org = make_org()
    admin, oldest, newer = make_user(org, is_org_admin=True), make_user(org), make_user(org)
    account_services.delete_account(admin, PASSWORD)
    assert db.session.get(User, oldest.id).is_org_admin and not db.session.get(User, newer.id).is_org_admin


def test_when_the_only_member_leaves_the_platform_takes_over_the_organisation(client):
    from community.joining.models import JoinRequest
    from community.notifications.models import Notification

    org = make_org(name="Markt Alleinhausen")
    admin = make_user(org, is_org_admin=True)
    platform = make_user(role="admin")
    account_services.delete_account(admin, PASSWORD)
    notice = db.session.scalars(db.select(Notification).filter_by(user_id=platform.id, kind="admin_handover")).one()
    assert "Markt Alleinhausen has no members any more" in notice.display_text
    newcomer = make_user(None)
    sign_in(client, newcomer)
    client.post(f"/register/join/{org.id}", data={"function": "Bürgermeisterin"})
    request = db.session.scalars(db.select(JoinRequest).filter_by(user_id=newcomer.id)).one()
    sign_in(client, platform)
    client.post(f"/join-requests/{request.id}/approve")
    newcomer = db.session.get(User, newcomer.id)
    assert newcomer.organisation_id == org.id and newcomer.is_org_admin  # the first approved member leads it
