"""Logout, password change and reset, and token revocation end access already open (docs/security.md, hole 4):
a per-user session version (User.auth_version) in every session, checked on every request and socket event."""
import pytest
from flask import g

from community.auth import services
from community.auth.models import ApiToken
from community.extensions import db
from tests.factories import PASSWORD, login, make_org, make_token, make_user, socket_client

NEW_PASSWORD = "Ganz-Neu-Und-Lang-2026"


@pytest.fixture
def user(app):
    return make_user(make_org())


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def replayed(app, cookie: str):
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def signed_out(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_session_cookie_replayed_after_logout_is_refused(app, client, user):
    login(client, user)
    cookie = session_cookie(client)
    assert client.get("/account/").status_code == 200
    client.post("/logout")
    g.pop("_login_user", None)
    thief = replayed(app, cookie)
    assert signed_out(thief.get("/account/"))
    assert signed_out(thief.post("/account/profile", data={"name": "Übernommen"}))
    assert db.session.get(type(user), user.id).name != "Übernommen"


def test_logout_ends_the_sessions_on_other_devices_too(app, client, user):
    login(client, user)
    laptop = app.test_client()
    login(laptop, user)
    client.post("/logout")
    g.pop("_login_user", None)
    assert signed_out(laptop.get("/account/"))


def test_a_password_reset_ends_sessions_and_revokes_api_tokens(app, client, user):
    login(client, user)
    cookie = session_cookie(client)
    token = make_token(user)
    with app.test_request_context():
        link = services.request_password_reset(user.email)
    reset = app.test_client()
    response = reset.post(link.removeprefix("http://localhost"),
                          data={"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD})
    assert response.status_code == 302
    g.pop("_login_user", None)
    assert signed_out(replayed(app, cookie).get("/account/"))
    assert db.session.scalars(db.select(ApiToken).filter_by(user_id=user.id)).all() == []
    assert app.test_client().get("/api/v1/profile", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_password_change_ends_the_other_sessions(app, client, user):
    login(client, user)
    other = app.test_client()
    login(other, user)
    client.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                           "new_password_confirmation": NEW_PASSWORD})
    g.pop("_login_user", None)
    assert signed_out(other.get("/account/"))
    assert client.get("/account/").status_code == 200  # the one that changed it goes on


def test_logout_closes_the_users_open_sockets(app, client, user):
    login(client, user)
    by_cookie = socket_client(app, user)
    by_token = socket_client(app, token=make_token(user))
    bystander = socket_client(app, make_user(make_org()))
    assert by_cookie.is_connected() and by_token.is_connected()
    client.post("/logout")
    assert not by_cookie.is_connected() and not by_token.is_connected()
    assert bystander.is_connected()


def test_revoking_a_token_closes_the_sockets_opened_with_it(app, client, user):
    from tests.factories import sign_in

    token = make_token(user)
    record = db.session.scalars(db.select(ApiToken).filter_by(user_id=user.id)).one()
    by_token, by_cookie = socket_client(app, token=token), socket_client(app, user)
    sign_in(client, user)
    assert client.post(f"/account/tokens/{record.id}/revoke").status_code == 302
    assert not by_token.is_connected()
    assert by_cookie.is_connected()


def test_every_socket_event_checks_the_session_version_and_the_token(app, user):
    by_cookie, by_token = socket_client(app, user), socket_client(app, token=make_token(user))
    db.session.execute(db.delete(ApiToken))  # gone without a word to the sockets
    db.session.commit()
    ack = by_token.emit("join", {"room_id": 1}, callback=True)
    assert ack["error"]["code"] == "unauthenticated"
    user.auth_version += 1  # a session ended elsewhere, by another process
    db.session.commit()
    ack = by_cookie.emit("join", {"room_id": 1}, callback=True)
    assert ack["error"]["code"] == "unauthenticated"
