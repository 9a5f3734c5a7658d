"""User administration in the browser (community/useradmin): only admins, every act in the audit log,
a blocked account signed out everywhere and refused at sign-in, by password and by API token."""
import pytest

from community.auth import audit
from community.auth.models import AuditEntry
from community.extensions import db
from tests.factories import PASSWORD, login, make_org, make_token, make_user, sign_in


@pytest.fixture
def admin(app):
    return make_user(make_org(), role="admin", name="Ada Admin")


@pytest.fixture
def person(app):
    return make_user(make_org(name="Gemeinde Affing"), name="Paula Person", email="paula@example.org")


def acts() -> list[tuple]:
    return [(entry.actor_id, entry.act, entry.target_id, entry.detail)
            for entry in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


@pytest.mark.parametrize("role", ["member", "consultant", "moderator"])
def test_a_non_admin_gets_403_on_every_page_and_act(app, client, person, role):
    other = make_user(make_org(), role=role)
    sign_in(client, other)
    assert client.get("/admin/users").status_code == 403
    assert client.get(f"/admin/users/{person.id}").status_code == 403
    assert client.get("/admin/users/audit").status_code == 403
    for act in ("block", "unblock", "role", "reset-second-factor"):
        assert client.post(f"/admin/users/{person.id}/{act}", data={"role": "admin"}).status_code == 403
    db.session.refresh(person)
    assert person.role == "member" and not person.is_blocked and acts() == []


def test_an_anonymous_visitor_is_sent_to_the_login(app, client):
    assert client.get("/admin/users").status_code == 302


def test_the_list_shows_organisation_role_and_last_sign_in_and_searches(app, client, admin, person):
    make_user(make_org(), name="Otto Other")
    sign_in(client, admin)
    page = client.get("/admin/users?q=paula").get_data(as_text=True)
    assert "Paula Person" in page and "Gemeinde Affing" in page and "Otto Other" not in page
    assert "never" in page  # last sign-in
    assert client.get("/admin/users?q=" + "x" * 101).status_code == 422
    assert client.get("/admin/users?page=abc&per_page=-3").status_code == 200


def test_every_act_is_logged_with_actor_act_target_and_time(app, client, admin, person):
    from tests.test_signin_totp import enrolled

    enrolled(person)
    sign_in(client, admin)
    assert client.post(f"/admin/users/{person.id}/role", data={"role": "moderator"}).status_code == 302
    assert client.post(f"/admin/users/{person.id}/block").status_code == 302
    assert client.post(f"/admin/users/{person.id}/unblock").status_code == 302
    assert client.post(f"/admin/users/{person.id}/reset-second-factor").status_code == 302
    assert acts() == [
        (admin.id, audit.SET_ROLE, person.id, "member -> moderator"),
        (admin.id, audit.BLOCK, person.id, ""),
        (admin.id, audit.UNBLOCK, person.id, ""),
        (admin.id, audit.RESET_SECOND_FACTOR, person.id, ""),
    ]
    assert all(entry.created_at is not None for entry in db.session.scalars(db.select(AuditEntry)))
    db.session.refresh(person)
    assert person.role == "moderator" and not person.has_second_factor and not person.recovery_codes
    log = client.get("/admin/users/audit").get_data(as_text=True)
    assert log.count("Paula Person") >= 4 and "Ada Admin" in log


def test_a_blocked_user_is_signed_out_and_cannot_sign_in_or_use_a_token(app, admin, person):
    token = make_token(person)
    assert app.test_client().get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    own = app.test_client()
    assert login(own, person).status_code == 302
    assert own.get("/account/").status_code == 200
    admin_client = app.test_client()
    sign_in(admin_client, admin)
    admin_client.post(f"/admin/users/{person.id}/block")
    assert own.get("/account/").status_code == 302  # the session ended
    again = login(app.test_client(), person, PASSWORD)
    assert again.status_code == 403 and b"blocked" in again.data
    assert app.test_client().get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    admin_client.post(f"/admin/users/{person.id}/unblock")
    assert login(app.test_client(), person).status_code == 302


def test_an_admin_cannot_block_or_demote_themselves(app, client, admin):
    sign_in(client, admin)
    assert client.post(f"/admin/users/{admin.id}/block").status_code == 409
    assert client.post(f"/admin/users/{admin.id}/role", data={"role": "member"}).status_code == 409
    db.session.refresh(admin)
    assert admin.role == "admin" and not admin.is_blocked and acts() == []


def test_an_unknown_role_is_refused_with_a_message(app, client, admin, person):
    sign_in(client, admin)
    assert client.post(f"/admin/users/{person.id}/role", data={"role": "superuser"}).status_code == 422
    assert acts() == []


def test_acts_need_the_csrf_token(app, admin, person):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    sign_in(client, admin)
    client.post(f"/admin/users/{person.id}/block")
    db.session.refresh(person)
    assert not person.is_blocked and acts() == []


def test_a_role_set_on_the_command_line_is_logged_too(app, runner, person):
    result = runner.invoke(args=["users", "set-role", person.email, "consultant"])
    assert result.exit_code == 0, result.output
    assert acts() == [(None, audit.SET_ROLE, person.id, "member -> consultant (command line)")]
