"""Every absolute link from one configured public URL, and Host headers beyond it refused (docs/security.md, hole 2)."""
import pytest

from community import create_app
from tests.conftest import config_with
from tests.factories import make_org, make_user, sign_in

PUBLIC = "https://kommunalnetz.example"


class Outbox:
    """The mails written so far, as (recipient, text) pairs (they go out through the outbox, docs/mail.md)."""

    def _rows(self):
        from community.extensions import db
        from community.mail.models import OutboxMail

        return [(mail.recipient, mail.text) for mail in db.session.scalars(db.select(OutboxMail).order_by(OutboxMail.id))]

    def __iter__(self):
        return iter(self._rows())

    def __eq__(self, other):
        return self._rows() == other


@pytest.fixture
def mails(app):
    app.config["PUBLIC_URL"] = PUBLIC
    return Outbox()


def test_a_reset_requested_with_a_foreign_host_is_refused_and_mails_nothing(app, client, mails):
    user = make_user(make_org())
    response = client.post("/reset-password", data={"email": user.email}, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert mails == []


def test_the_reset_link_comes_from_the_public_url_not_the_request(app, client, mails):
    user = make_user(make_org())
    client.post("/reset-password", data={"email": user.email}, base_url="http://localhost:8443")
    [(to, body)] = mails
    assert to == user.email and f"{PUBLIC}/reset-password/" in body and "localhost" not in body


def test_an_invitation_link_comes_from_the_public_url(app, client, mails):
    org = make_org()
    admin = make_user(org, is_org_admin=True)
    sign_in(client, admin)
    client.post(f"/organisations/{org.id}/members/invites", data={"email": "neu@example.org"})
    [(_to, body)] = mails
    assert f"{PUBLIC}/invite/" in body


@pytest.mark.parametrize("host", ["evil.example", "localhost.evil.example", "kommunalnetz.example.evil"])
def test_any_other_host_header_gets_400(client, host):
    assert client.get("/login", headers={"Host": host}).status_code == 400


def test_trusted_hosts_come_from_the_public_url_and_the_extra_list():
    app = create_app(config_with(PUBLIC_URL="https://kommunalnetz.example:8443/",
                                 TRUSTED_HOSTS_EXTRA="intern.example, 10.0.0.5"))
    assert app.config["TRUSTED_HOSTS"] == ["kommunalnetz.example", "intern.example", "10.0.0.5"]
    assert app.config["PUBLIC_URL"] == "https://kommunalnetz.example:8443"
    with app.test_client() as client:
        assert client.get("/login", headers={"Host": "kommunalnetz.example:8443"}).status_code == 200
        assert client.get("/login", headers={"Host": "intern.example"}).status_code == 200
        assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
