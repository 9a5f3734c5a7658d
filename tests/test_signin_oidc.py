"""Sign-in through a real OpenID Connect provider: the npm package oidc-provider (pinned in
tests/oidc/package-lock.json, installed with `npm ci` when missing) runs on loopback with one static
client that must use PKCE, and the test plays the browser between the provider and the app.

Claims map to an existing account only by a verified e-mail address; otherwise a new account without an
organisation is made, which asks to join one; roles come from claims only through a configured mapping.
"""
import fcntl
import json
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from community.auth import audit, oidc
from community.auth.models import AuditEntry, ExternalIdentity, User
from community.extensions import db
from tests.conftest import service_unavailable
from tests.factories import make_org, make_user

OIDC_DIR = Path(__file__).resolve().parent / "oidc"
PASSWORD = "test-password"
APP = "http://localhost"
MAPPED, UNMAPPED = "amt", "plain"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _install() -> None:
    """`npm ci` on a fresh clone; the lock keeps parallel test workers from installing at once."""
    if not shutil.which("node") or not shutil.which("npm"):
        service_unavailable("node and npm are needed for the OpenID provider of the tests")
    with open(OIDC_DIR / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
            return
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=OIDC_DIR, capture_output=True,
                              text=True, timeout=600)
    if done.returncode != 0:
        service_unavailable(f"npm ci in tests/oidc failed: {done.stderr[-500:]}")


@pytest.fixture(scope="session")
def provider_url():
    _install()
    port = _free_port()
    redirects = ",".join(f"{APP}/login/oidc/{name}/callback" for name in (MAPPED, UNMAPPED))
    process = subprocess.Popen(["node", str(OIDC_DIR / "provider.mjs"), str(port), redirects],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/.well-known/openid-configuration", timeout=2).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.2)
        if process.poll() is not None:
            service_unavailable(f"the OpenID provider did not start: {process.stderr.read()[-500:]}")
    else:
        process.kill()
        service_unavailable("the OpenID provider did not answer within 30 s")
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def sso(app, provider_url):
    """The app with two providers on the same real one: one maps the group claim to a role, one maps nothing."""
    common = {"discovery_url": f"{provider_url}/.well-known/openid-configuration", "client_id": "kommunalnetz",
              "client_secret": "kommunalnetz-test-secret", "scope": "openid email profile groups"}
    app.config["OIDC_PROVIDERS"] = json.dumps([
        {**common, "name": MAPPED, "label": "Amt-Login", "role_claim": "groups",
         "role_map": {"kn-consultants": "consultant", "kn-admins": "moderator"}},
        {**common, "name": UNMAPPED, "label": "Landesportal"},
    ])
    oidc.init_app(app)
    return app


def through_provider(client, name: str, login: str, password: str = PASSWORD):
    """Start at the app, sign in at the provider as `login`, and return the app's answer to the callback."""
    start = client.get(f"/login/oidc/{name}")
    assert start.status_code == 302, start.data
    browser = requests.Session()
    url = start.location
    for _step in range(12):
        answer = browser.get(url, allow_redirects=False, timeout=10)
        if answer.status_code == 200 and answer.json().get("prompt") == "login":
            answer = browser.post(urljoin(url, f"/interaction/{answer.json()['uid']}/login"),
                                  data={"login": login, "password": password}, allow_redirects=False, timeout=10)
        assert answer.status_code in (302, 303), (answer.status_code, answer.text[:300])
        url = urljoin(url, answer.headers["Location"])
        if url.startswith(APP + "/"):
            parts = urlsplit(url)
            return client.get(f"{parts.path}?{parts.query}")
    raise AssertionError("the provider never sent the browser back")


def signed_in(client) -> bool:
    return client.get("/account/").status_code == 200


def test_the_login_page_shows_a_button_per_provider(sso, client):
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Amt-Login" in page and "Sign in with Landesportal" in page


def test_a_login_through_the_real_provider_makes_a_new_account_that_asks_to_join(sso, client):
    answer = through_provider(client, UNMAPPED, "alice")
    assert answer.status_code == 302 and answer.location.endswith("/register/find")
    assert signed_in(client)
    user = db.session.scalar(db.select(User).filter_by(email="alice@amt.example"))
    assert user.name == "Alice Amt" and user.organisation_id is None and user.last_login_at is not None
    assert not user.check_password("")  # no password: only the provider (or a reset) signs in
    identity = db.session.scalar(db.select(ExternalIdentity).filter_by(user_id=user.id))
    assert identity.subject == "alice" and identity.provider == UNMAPPED
    # The second time the subject finds the same account.
    again = sso.test_client()
    assert through_provider(again, UNMAPPED, "alice").status_code == 302 and signed_in(again)
    assert db.session.scalar(db.select(db.func.count(User.id)).filter_by(email="alice@amt.example")) == 1


def test_a_claim_without_a_configured_mapping_gets_no_role(sso, client):
    carol = make_user(make_org(), email="carol@example.org")
    answer = through_provider(client, UNMAPPED, "carol")  # groups: kn-admins, but this provider maps nothing
    assert answer.status_code == 302 and signed_in(client)
    db.session.refresh(carol)
    assert carol.role == "member" and [identity.subject for identity in carol.identities] == ["carol"]
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == 0


def test_a_mapped_claim_gives_its_role_is_logged_and_then_the_second_factor_is_required(sso, client):
    carol = make_user(make_org(), email="carol@example.org")
    answer = through_provider(client, MAPPED, "carol")
    assert answer.status_code == 302 and answer.location.endswith("/login/second-factor")
    assert not signed_in(client)  # a moderator enrols first
    db.session.refresh(carol)
    assert carol.role == "moderator"
    entry = db.session.scalar(db.select(AuditEntry))
    assert (entry.actor_id, entry.act, entry.target_id) == (None, audit.ROLE_FROM_PROVIDER, carol.id)


def test_an_unverified_email_does_not_link_to_an_existing_account(sso, client):
    bob = make_user(make_org(), email="bob@example.org")
    answer = through_provider(client, UNMAPPED, "bob")
    assert answer.status_code == 403
    assert b"has not confirmed your e-mail address" in answer.data
    assert not signed_in(client)
    assert db.session.scalar(db.select(db.func.count(ExternalIdentity.id))) == 0
    assert db.session.scalar(db.select(db.func.count(User.id)).filter_by(email="bob@example.org")) == 1
    db.session.refresh(bob)
    assert bob.identities == []


def test_a_blocked_account_cannot_sign_in_through_the_provider(sso, client):
    carol = make_user(make_org(), email="carol@example.org")
    carol.blocked_at = carol.created_at
    db.session.commit()
    assert through_provider(client, UNMAPPED, "carol").status_code == 403
    assert not signed_in(client)


def test_a_callback_without_the_state_of_this_session_is_refused(sso, client):
    client.get(f"/login/oidc/{UNMAPPED}")  # a flow started here ...
    forged = sso.test_client()  # ... and a callback in another browser (login CSRF)
    answer = forged.get(f"/login/oidc/{UNMAPPED}/callback?code=abc&state=not-the-state")
    assert answer.status_code == 400 and not signed_in(forged)
    assert client.get(f"/login/oidc/{UNMAPPED}/callback?code=abc&state=wrong").status_code == 400
    assert client.get("/login/oidc/unknown").status_code == 404


def test_a_broken_provider_setting_stops_the_start():
    with pytest.raises(ValueError):
        oidc.parse_providers(json.dumps([{"name": "x", "client_id": "c"}]))
    with pytest.raises(ValueError):
        oidc.parse_providers(json.dumps([{"name": "x", "client_id": "c", "issuer": "https://id.example",
                                          "role_claim": "groups", "role_map": {"g": "emperor"}}]))


def test_an_unreachable_provider_gets_a_message_not_a_500(app, client):
    app.config["OIDC_PROVIDERS"] = json.dumps([{"name": "down", "label": "Weg", "client_id": "c",
                                                "discovery_url": f"http://127.0.0.1:{_free_port()}/.well-known/x"}])
    oidc.init_app(app)
    answer = client.get("/login/oidc/down")
    assert answer.status_code == 503 and b"Weg cannot be reached" in answer.data
