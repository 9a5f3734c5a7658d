"""Registration, login with lockout and rate limit, logout, password reset and CSRF."""
import logging
import re
from urllib.parse import urlsplit

import pytest

from community import create_app
from community.auth import services
from community.auth.models import User
from community.errors import ValidationError
from community.extensions import db
from community.models_base import utcnow
from community.organisations.models import Organisation
from tests.conftest import config_with
from tests.factories import PASSWORD, login, make_org, make_user

NEW_PASSWORD = "Neues-Passwort-2025"


def registration(**overrides) -> dict:
    data = {
        "name": "Anna Muster",
        "email": "Anna.Muster@Example.org",
        "password": NEW_PASSWORD,
        "password_confirmation": NEW_PASSWORD,
        "organisation_name": "Gemeinde Musterhausen",
        "organisation_kind": "municipality",
        "organisation_type": "gemeinde",
        "organisation_land": "05",
    }
    data.update(overrides)
    return data


def is_logged_in(client) -> bool:
    return client.get("/account/").status_code == 200


def redirect_path(response) -> str:
    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", "localhost"), f"redirect leaves the site: {response.headers['Location']}"
    return location.path


# Registration

def test_register_creates_unverified_organisation_with_the_user_as_its_admin(client):
    response = client.post("/register", data=registration())

    assert response.status_code == 302
    user = db.session.execute(db.select(User)).scalar_one()
    assert user.email == "anna.muster@example.org"
    assert user.is_org_admin
    assert user.check_password(NEW_PASSWORD)
    org = user.organisation
    assert (org.name, org.kind, org.org_type, org.land, org.verified) == (
        "Gemeinde Musterhausen", "municipality", "gemeinde", "05", False)
    assert redirect_path(response) == "/"  # the start page with the next steps (#24)
    assert is_logged_in(client)


def test_register_rejects_an_email_that_exists_in_another_case(client):
    make_user(make_org(), email="anna.muster@example.org")

    response = client.post("/register", data=registration(email="ANNA.MUSTER@example.org"))

    assert response.status_code == 422
    assert "already exists" in response.text
    assert db.session.execute(db.select(db.func.count(User.id))).scalar_one() == 1


def test_register_rejects_mismatched_confirmation(client):
    response = client.post("/register", data=registration(password_confirmation="Etwas-Anderes-99"))

    assert response.status_code == 422
    assert "do not match" in response.text


def test_register_with_bad_organisation_writes_nothing(client):
    response = client.post("/register", data=registration(organisation_kind="company", organisation_type="gemeinde"))

    assert response.status_code == 422
    assert "does not fit" in response.text
    assert db.session.execute(db.select(db.func.count(User.id))).scalar_one() == 0
    assert db.session.execute(db.select(db.func.count(Organisation.id))).scalar_one() == 0


def test_register_requires_the_state_for_a_municipality(client):
    response = client.post("/register", data=registration(organisation_land=""))

    assert response.status_code == 422
    assert "Choose the state" in response.text


@pytest.mark.parametrize("password, problem", [
    ("kurz-123", "at least 10"),
    ("1234567890123", "only digits"),
    ("anna.muster@example.org", "email address"),
])
def test_register_rejects_weak_passwords(app, password, problem):
    with pytest.raises(ValidationError) as raised:
        services.register_user(registration(password=password, password_confirmation=password))
    assert problem in str(raised.value.fields["password"])


# Login and logout

def test_login_with_right_password_logs_in(client):
    user = make_user(make_org())

    response = login(client, user)

    assert response.status_code == 302
    assert is_logged_in(client)
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_login_email_is_case_insensitive(client):
    make_user(make_org(), email="case@example.org")

    response = client.post("/login", data={"email": "  CASE@Example.ORG ", "password": PASSWORD})

    assert response.status_code == 302
    assert is_logged_in(client)


def test_wrong_password_and_unknown_email_get_the_same_answer(client):
    user = make_user(make_org())

    wrong_password = client.post("/login", data={"email": user.email, "password": "falsch-falsch"})
    unknown_email = client.post("/login", data={"email": "nobody@example.org", "password": "falsch-falsch"})

    assert wrong_password.status_code == unknown_email.status_code == 401
    message = "Email address or password is wrong."
    assert message in wrong_password.text and message in unknown_email.text
    assert not is_logged_in(client)


def test_too_many_failures_slow_this_client_down_for_this_address(client, app):
    """Failures count per address and client; tests/test_security_login.py checks the owner elsewhere gets in."""
    user = make_user(make_org())
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"email": user.email, "password": "falsch-falsch"})

    response = login(client, user)

    assert response.status_code == 429
    assert "Too many failed attempts" in response.text
    assert not is_logged_in(client)


def test_deleted_user_cannot_log_in(client):
    user = make_user(make_org(), deleted_at=utcnow())

    response = login(client, user)

    assert response.status_code == 401
    assert "Email address or password is wrong." in response.text


def test_login_follows_a_local_next_path(client):
    user = make_user(make_org())

    response = client.post("/login?next=/account/", data={"email": user.email, "password": PASSWORD})

    assert redirect_path(response) == "/account/"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "/\t/evil.example",
])
def test_login_ignores_a_next_that_leaves_the_site(client, target):
    user = make_user(make_org())

    response = client.post("/login", query_string={"next": target}, data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert redirect_path(response) == "/"


def test_remember_me_sets_a_persistent_cookie(client):
    user = make_user(make_org())

    login(client, user, remember=True)

    assert client.get_cookie("remember_token") is not None


def test_without_remember_me_there_is_no_persistent_cookie(client):
    login(client, make_user(make_org()))

    assert client.get_cookie("remember_token") is None


def test_logout_is_post_only(client):
    login(client, make_user(make_org()))

    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert not is_logged_in(client)


# Hardening that needs a differently configured app

def _sqlite_app(**overrides):
    app = create_app(config_with(SQLALCHEMY_DATABASE_URI="sqlite://", **overrides))
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def rate_limited_app():
    yield from _sqlite_app(RATE_LIMITS_ENABLED=True, RATELIMIT_LOGIN="2 per minute")


@pytest.fixture
def csrf_app():
    yield from _sqlite_app(WTF_CSRF_ENABLED=True)


def test_login_is_rate_limited(rate_limited_app):
    client = rate_limited_app.test_client()
    data = {"email": "nobody@example.org", "password": "falsch-falsch"}

    statuses = [client.post("/login", data=data).status_code for _attempt in range(3)]

    assert statuses == [401, 401, 429]


def test_post_without_csrf_token_is_rejected(csrf_app):
    client = csrf_app.test_client()

    response = client.post("/login", data={"email": "nobody@example.org", "password": "falsch-falsch"})

    assert response.status_code == 400


def test_post_with_the_csrf_token_of_the_form_is_accepted(csrf_app):
    client = csrf_app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)

    response = client.post("/login", data={"email": "nobody@example.org", "password": "falsch-falsch",
                                           "csrf_token": token})

    assert response.status_code == 401


def test_logout_without_csrf_token_is_rejected(csrf_app):
    client = csrf_app.test_client()

    assert client.post("/logout").status_code == 400


# Password reset

def _reset_link(caplog) -> str:
    """The link in the newest mail of the outbox (no longer the log: a consumer delivers or writes it)."""
    from community.mail.models import OutboxMail

    texts = db.session.scalars(db.select(OutboxMail.text).order_by(OutboxMail.id)).all()
    links = re.findall(r"http://localhost/reset-password/\S+", "\n".join(texts))
    assert links, f"no reset link in the outbox: {texts!r}"
    return links[-1]


def test_reset_link_is_queued_without_mail_server_and_works_once(client, caplog):
    user = make_user(make_org())
    with caplog.at_level(logging.WARNING):
        client.post("/reset-password", data={"email": user.email})
    link = _reset_link(caplog)

    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD})
    assert redirect_path(response) == "/login"
    assert client.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302
    used_again = client.post(link, data={"password": "Drittes-Passwort-1", "password_confirmation": "Drittes-Passwort-1"})
    assert used_again.status_code == 400
    assert "already used" in used_again.text


def test_reset_ends_the_sessions_of_the_account(app, client, caplog):
    user = make_user(make_org())
    other_device = app.test_client()
    login(other_device, user)
    with caplog.at_level(logging.WARNING):
        client.post("/reset-password", data={"email": user.email})

    client.post(_reset_link(caplog), data={"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD})

    assert not is_logged_in(other_device)


def _without_csrf_tokens(page: str) -> str:
    """CSRF tokens carry the second they were signed in, so two pages differ by them alone."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1…", page)


def test_reset_answers_the_same_for_unknown_addresses(client, caplog):
    user = make_user(make_org())
    with caplog.at_level(logging.WARNING):
        known = client.post("/reset-password", data={"email": user.email}, follow_redirects=True)
        caplog.clear()
        unknown = client.post("/reset-password", data={"email": "nobody@example.org"}, follow_redirects=True)

    assert known.status_code == unknown.status_code == 200
    assert _without_csrf_tokens(known.text) == _without_csrf_tokens(unknown.text)
    assert "reset-password/" not in caplog.text


def test_reset_link_expires(client, app, caplog):
    user = make_user(make_org())
    with caplog.at_level(logging.WARNING):
        client.post("/reset-password", data={"email": user.email})
    link = _reset_link(caplog)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1  # the link is now older than allowed

    assert client.get(link).status_code == 400


def test_tampered_reset_link_is_rejected(client):
    assert client.get("/reset-password/not-a-real-token").status_code == 400


def test_reset_link_is_mailed_when_a_mail_server_is_configured(app, smtp_sink):
    """The link goes into the outbox; a consumer's delivery hands it to a real SMTP server."""
    from community.mail import delivery

    user = make_user(make_org())

    with app.test_request_context():
        link = services.request_password_reset(user.email)

    assert smtp_sink.messages == []  # the request itself never talks to the mail server
    delivery.deliver(delivery.due_mail_ids())
    assert len(smtp_sink.messages) == 1
    assert smtp_sink.messages[0]["To"] == user.email
    assert link in smtp_sink.messages[0].get_body(("plain",)).get_content()
