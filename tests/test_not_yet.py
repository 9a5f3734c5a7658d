"""Pages made for members say when they open, instead of a bare refusal or "not for companies" (#24, point 4)."""
import pytest

from community.extensions import db
from community.joining.models import JoinRequest
from tests.factories import make_org, make_user, sign_in


@pytest.fixture
def pending(app):
    """A municipal employee whose request to join the Stadt waits for its admins."""
    town = make_org(name="Stadt Bamberg", org_type="kreisfreie_stadt", verified=True)
    person = make_user(None)
    db.session.add(JoinRequest(user_id=person.id, organisation_id=town.id, status="pending", function="IT-Leitung"))
    db.session.commit()
    return person


@pytest.mark.parametrize("path", ["/digital-check/", "/consultations/new"])
def test_a_pending_member_is_told_the_page_opens_after_approval(client, pending, path):
    sign_in(client, pending)
    page = client.get(path)
    assert page.status_code == 403
    assert "This opens once your join request is approved" in page.text
    assert "Stadt Bamberg" in page.text and "/join-requests/mine" in page.text
    assert "Companies" not in page.text


def test_someone_without_organisation_or_request_is_sent_to_the_register(client):
    sign_in(client, make_user(None))
    page = client.get("/digital-check/")
    assert page.status_code == 403 and "First find your organisation" in page.text and "/register/find" in page.text


def test_an_unconfirmed_municipal_member_takes_the_check_and_is_told_to_confirm_before_a_consultation(client):
    sign_in(client, make_user(make_org(verified=True), email_confirmed_at=None))
    assert client.get("/digital-check/").status_code == 200
    page = client.get("/consultations/new")
    assert page.status_code == 403 and "First confirm your e-mail address" in page.text


def test_a_company_is_still_told_the_check_is_for_municipalities(client):
    sign_in(client, make_user(make_org(kind="company", org_type="hersteller", land=None)))
    page = client.get("/digital-check/")
    assert page.status_code == 403 and "Only for municipalities" in page.text  # the Digital Compass (#25)
    assert client.get("/consultations/new").status_code == 403
