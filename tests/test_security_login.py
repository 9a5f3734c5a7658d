"""A lockout that slows the attacker, not the owner (docs/security.md, hole 5): failures count per account
and client, unknown and existing addresses get byte-identical answers, the owner elsewhere gets in; room
invites by e-mail do not tell which addresses have accounts."""
import re

import pytest

from community.extensions import db
from community.rooms.models import RoomMember
from tests.factories import PASSWORD, make_org, make_room, make_user, sign_in

WRONG = "falsch-falsch-falsch"
ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}
OWNER = {"REMOTE_ADDR": "198.51.100.4"}


def attempt(client, email: str, password: str = WRONG, where: dict = ATTACKER):
    return client.post("/login", data={"email": email, "password": password}, environ_base=where)


def neutral(response, email: str) -> tuple[int, bytes]:
    """Status and body with the typed address taken out (the form shows it back, whoever it belongs to),
    and the CSRF token (random per session, each attempt here is a new one)."""
    body = re.sub(rb'name="csrf_token" value="[^"]+"', b"CSRF", response.get_data())
    return response.status_code, body.replace(email.encode(), b"ADDRESS")


@pytest.fixture
def owner(app):
    return make_user(make_org(), email="owner@example.org")


def test_existing_and_unknown_addresses_get_identical_answers_before_and_after_the_limit(app, owner):
    unknown = "nobody@example.org"
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"] + 2):
        existing_answer = attempt(app.test_client(), owner.email)
        unknown_answer = attempt(app.test_client(), unknown)
        assert neutral(existing_answer, owner.email) == neutral(unknown_answer, unknown)
    assert existing_answer.status_code == 429  # the pair is slowed down now, whichever address it was


def test_the_owner_from_another_client_gets_in_while_the_attacker_is_slowed(app, owner):
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        attempt(app.test_client(), owner.email)
    assert attempt(app.test_client(), owner.email, PASSWORD).status_code == 429  # the attacker's client
    response = attempt(app.test_client(), owner.email, PASSWORD, where=OWNER)
    assert response.status_code == 302


def test_a_slowed_pair_does_not_slow_other_accounts_from_the_same_client(app, owner):
    other = make_user(make_org())
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        attempt(app.test_client(), owner.email)
    assert attempt(app.test_client(), other.email, PASSWORD).status_code == 302


def test_the_password_hash_runs_for_unknown_addresses_and_slowed_pairs_too(app, owner, monkeypatch):
    from community.auth import services

    checked = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda hashed, password: checked.append(1) or real(hashed, password))
    monkeypatch.setattr("community.auth.models.check_password_hash",
                        lambda hashed, password: checked.append(1) or real(hashed, password))
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        attempt(app.test_client(), owner.email)
        attempt(app.test_client(), "nobody@example.org")
    assert len(checked) == 2 * (app.config["LOGIN_MAX_FAILURES"] + 1)


def test_a_room_invite_answers_alike_whether_the_addresses_have_accounts_or_not(app, client, owner):
    inviter = make_user(make_org())
    room = make_room("partner", [inviter])
    sign_in(client, inviter)
    known = client.post(f"/rooms/{room.id}/invite", data={"emails": owner.email}, follow_redirects=True)
    unknown = client.post(f"/rooms/{room.id}/invite", data={"emails": "nobody@example.org"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert "nobody@example.org" not in unknown.text
    flashes = [text for text in (known.text, unknown.text)]
    assert flashes[0].count("The invitation has been sent") == flashes[1].count("The invitation has been sent") == 1
    assert db.session.get(RoomMember, (room.id, owner.id)) is not None  # the one with an account is in


def test_behind_a_trusted_proxy_the_clients_are_told_apart_by_their_forwarded_address():
    from community import create_app
    from tests.conftest import config_with

    app = create_app(config_with(SQLALCHEMY_DATABASE_URI="sqlite://", TRUSTED_PROXIES=1))
    with app.app_context():
        db.create_all()
        user = make_user(make_org())
        proxy = {"REMOTE_ADDR": "127.0.0.1"}
        for _attempt in range(app.config["LOGIN_MAX_FAILURES"]):
            app.test_client().post("/login", data={"email": user.email, "password": WRONG}, environ_base=proxy,
                                   headers={"X-Forwarded-For": "203.0.113.9"})
        response = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD},
                                          environ_base=proxy, headers={"X-Forwarded-For": "198.51.100.4"})
        assert response.status_code == 302
        db.session.remove()
