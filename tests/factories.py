"""Test data factories: plain functions that create and commit models with sensible defaults."""
import itertools
from functools import lru_cache

from flask import g
from werkzeug.security import generate_password_hash

from community.auth.models import ApiToken, User
from community.extensions import db
from community.organisations.models import Organisation
from community.profiles.models import Need, Offer

PASSWORD = "Richtig-Geheim-2024"
_sequence = itertools.count(1)


@lru_cache(maxsize=1)
def _password_hash() -> str:
    # scrypt is deliberately slow; hash once per test session, not per user.
    return generate_password_hash(PASSWORD)


def make_org(**fields) -> Organisation:
    n = next(_sequence)
    fields.setdefault("name", f"Gemeinde Beispiel {n}")
    fields.setdefault("kind", "municipality")
    fields.setdefault("org_type", "gemeinde" if fields["kind"] == "municipality" else "")
    fields.setdefault("land", "05")
    topics = fields.pop("topics", ["ozg"])
    org = Organisation(**fields)
    org.topics = topics
    db.session.add(org)
    db.session.commit()
    return org


def make_user(organisation: Organisation | None = None, **fields) -> User:
    n = next(_sequence)
    fields.setdefault("email", f"person{n}@example.org")
    fields.setdefault("name", f"Person {n}")
    user = User(organisation=organisation, password_hash=_password_hash(), **fields)
    db.session.add(user)
    db.session.commit()
    return user


def make_need(organisation: Organisation, **fields) -> Need:
    fields.setdefault("title", "E-Akte einführen")
    fields.setdefault("body", "Wir suchen Erfahrungen mit der Einführung der elektronischen Akte.")
    fields.setdefault("topics", ["eakte"])
    need = Need(organisation=organisation, **fields)
    db.session.add(need)
    db.session.commit()
    return need


def make_offer(organisation: Organisation, **fields) -> Offer:
    fields.setdefault("title", "Dokumentenmanagementsystem für Kommunen")
    fields.setdefault("body", "Wir bieten ein DMS mit Schnittstellen zu Fachverfahren.")
    fields.setdefault("topics", ["eakte"])
    offer = Offer(organisation=organisation, **fields)
    db.session.add(offer)
    db.session.commit()
    return offer


def make_token(user: User) -> str:
    _, token = ApiToken.issue(user, name="test")
    db.session.commit()
    return token


def login(client, user: User, password: str = PASSWORD, remember: bool = False, second_factor: bool = True):
    """The login form's answer; a role that must set up a second factor then does so at once (as its owner
    would, with the code of an authenticator app), unless `second_factor` is False."""
    response = client.post(
        "/login", data={"email": user.email, "password": password, "remember": "y" if remember else ""}
    )
    if second_factor and response.status_code == 302 and response.location.endswith("/login/second-factor") \
            and not user.has_second_factor:
        enrol_at_sign_in(client, user)
    return response


def enrol_at_sign_in(client, user: User):
    """Finish a sign-in that requires setting up the second factor: the page makes the secret, the app's code
    confirms it. Returns the page with the recovery codes."""
    import pyotp

    client.get("/login/second-factor")
    db.session.refresh(user)
    response = client.post("/login/second-factor", data={"code": pyotp.TOTP(user.totp_secret).now(), "action": "enrol"})
    assert response.status_code == 200, response.status_code
    return response


def sign_in(client, user: User, locale: str = "en") -> None:
    """Sign a test client in as `user` without the login form (no slow password hash per test).

    The locale defaults to English, so assertions can read the English message ids.
    """
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["locale"] = locale


def make_room(kind: str = "partner", members=(), **fields):
    """A room of `kind` with these users as members (topic rooms: members are those who joined)."""
    from community.rooms.models import Room, RoomMember

    fields.setdefault("title", f"Raum {next(_sequence)}")
    room = Room(kind=kind, **fields)
    room.memberships = [RoomMember(user_id=user.id) for user in members]
    db.session.add(room)
    db.session.commit()
    return room


def socket_client(app, user: User | None = None, token: str | None = None):
    """A Socket.IO test client, signed in by session cookie (user) or by API token (token).

    Flask-Login caches the user in `g`, which every socket event of a test shares with the test's
    app context; forgetting it makes each client's connect see its own session.
    """
    from community.extensions import socketio

    g.pop("_login_user", None)
    flask_client = app.test_client()
    if user is not None:
        sign_in(flask_client, user)
    return socketio.test_client(app, flask_test_client=flask_client, auth={"token": token} if token else None)
