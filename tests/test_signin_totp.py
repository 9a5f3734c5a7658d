"""The second factor (community/auth/totp.py): required for privileged roles at their next sign-in,
recovery codes that work once, wrong codes throttled like wrong passwords."""
import re
import time

import pyotp
import pytest

from community.auth.models import RecoveryCode
from community.extensions import db
from tests.factories import login, make_org, make_user, sign_in

HERE = {"REMOTE_ADDR": "198.51.100.7"}


def current_code(user) -> str:
    return pyotp.TOTP(user.totp_secret).now()


def enrolled(user) -> list[str]:
    """Enrol `user` through the account page and return the recovery codes it showed."""
    from community.auth import totp

    totp.begin_enrolment(user)
    return totp.confirm_enrolment(user, current_code(user))


def shown_codes(response) -> list[str]:
    return re.findall(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>", response.get_data(as_text=True))


def test_a_consultant_without_second_factor_must_enrol_before_anything_else(app, client):
    consultant = make_user(make_org(), role="consultant")
    response = login(client, consultant, second_factor=False)
    assert response.status_code == 302 and response.location.endswith("/login/second-factor")
    # Not signed in yet: every other page still asks for a login.
    assert client.get("/account/").status_code == 302
    assert "/login" in client.get("/account/").location
    page = client.get("/login/second-factor")
    assert page.status_code == 200 and b"<svg" in page.data  # the QR code, made on the server
    db.session.refresh(consultant)
    wrong = client.post("/login/second-factor", data={"code": "000000", "action": "enrol"})
    assert wrong.status_code == 422
    done = client.post("/login/second-factor", data={"code": current_code(consultant), "action": "enrol"})
    assert done.status_code == 200 and len(shown_codes(done)) == 10
    assert client.get("/account/").status_code == 200
    db.session.refresh(consultant)
    assert consultant.has_second_factor and consultant.last_login_at is not None


def test_a_member_without_second_factor_signs_in_with_the_password_alone(app, client):
    member = make_user(make_org())
    response = login(client, member)
    assert response.status_code == 302 and not response.location.endswith("/login/second-factor")
    assert client.get("/account/").status_code == 200


def test_an_enrolled_member_needs_the_code_and_a_code_works_only_once(app, client):
    member = make_user(make_org())
    enrolled(member)
    assert login(client, member, second_factor=False).location.endswith("/login/second-factor")
    assert client.get("/account/").status_code == 302
    code = pyotp.TOTP(member.totp_secret).at(time.time() + 30)  # the next step: not used at enrolment
    assert client.post("/login/second-factor", data={"code": code}).status_code == 302
    assert client.get("/account/").status_code == 200
    other = app.test_client()
    login(other, member, second_factor=False)
    assert other.post("/login/second-factor", data={"code": code}).status_code == 401  # replayed


def test_a_recovery_code_works_once(app):
    member = make_user(make_org())
    codes = enrolled(member)
    first = app.test_client()
    login(first, member, second_factor=False)
    assert first.post("/login/second-factor", data={"code": codes[0].upper()}).status_code == 302
    assert first.get("/account/").status_code == 200
    second = app.test_client()
    login(second, member, second_factor=False)
    assert second.post("/login/second-factor", data={"code": codes[0]}).status_code == 401
    assert second.get("/account/").status_code == 302
    assert db.session.scalar(db.select(db.func.count(RecoveryCode.id)).filter(
        RecoveryCode.user_id == member.id, RecoveryCode.used_at.is_not(None))) == 1
    assert all(codes[0] not in code.code_hash for code in member.recovery_codes)  # only hashes stored


def test_wrong_codes_are_throttled_like_wrong_passwords(app):
    member = make_user(make_org())
    enrolled(member)
    client = app.test_client()
    login(client, member, second_factor=False)
    limit = app.config["LOGIN_MAX_FAILURES"]
    answers = [client.post("/login/second-factor", data={"code": "123456"}, environ_base=HERE).status_code
               for _ in range(limit + 1)]
    assert answers[:limit] == [401] * limit and answers[limit] == 429
    # Even the right code waits now, from this client.
    right = client.post("/login/second-factor", data={"code": current_code(member)}, environ_base=HERE)
    assert right.status_code == 429


def test_enrolment_from_the_account_settings_shows_an_inline_svg_and_no_other_host(app, client):
    member = make_user(make_org())
    sign_in(client, member)
    page = client.get("/account/second-factor")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", "")
    db.session.refresh(member)
    answer = client.post("/account/second-factor", data={"code": current_code(member), "action": "enrol"})
    assert answer.status_code == 200 and len(shown_codes(answer)) == 10
    db.session.refresh(member)
    assert member.has_second_factor


def test_a_required_role_cannot_switch_the_second_factor_off(app, client):
    admin = make_user(make_org(), role="admin")
    enrolled(admin)
    sign_in(client, admin)
    code = pyotp.TOTP(admin.totp_secret).at(time.time() + 30)
    assert client.post("/account/second-factor", data={"code": code, "action": "off"}).status_code == 409
    db.session.refresh(admin)
    assert admin.has_second_factor


@pytest.mark.parametrize("role", ["admin", "moderator"])
def test_admins_and_moderators_must_enrol_too(app, client, role):
    user = make_user(make_org(), role=role)
    assert login(client, user, second_factor=False).location.endswith("/login/second-factor")


def test_each_view_of_the_set_up_page_makes_a_new_secret(app, client):
    """A secret seen at an abandoned set-up (by whoever had the password) is never the one confirmed later."""
    member = make_user(make_org())
    sign_in(client, member)
    client.get("/account/second-factor")
    db.session.refresh(member)
    seen = member.totp_secret
    client.get("/account/second-factor")
    db.session.refresh(member)
    assert member.totp_secret != seen
    answer = client.post("/account/second-factor", data={"code": pyotp.TOTP(seen).now(), "action": "enrol"})
    assert answer.status_code == 422
    db.session.refresh(member)
    assert not member.has_second_factor
