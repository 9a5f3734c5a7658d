"""E-mail addresses confirmed before an account may contact anyone, post or join (#24, point 3)."""
import re

from community import policy
from community.auth import confirmation
from community.auth.models import User
from community.extensions import db
from community.joining.models import JoinRequest
from community.mail.models import OutboxMail
from community.notifications.models import Notification
from community.auth.services import create_user
from tests.factories import PASSWORD, make_org, make_user, sign_in
from tests.test_auth import NEW_PASSWORD, registration


def _links() -> list[str]:
    texts = db.session.scalars(db.select(OutboxMail.text).order_by(OutboxMail.id)).all()
    return re.findall(r"http://localhost/confirm-email/\S+", "\n".join(texts))


def _path(link: str) -> str:
    return link.removeprefix("http://localhost")


def _registered(client) -> User:
    assert client.post("/register", data=registration()).status_code == 302
    return db.session.execute(db.select(User)).scalar_one()


def test_registration_leaves_the_address_unconfirmed_and_mails_a_link(client):
    user = _registered(client)

    assert not user.email_confirmed
    mail = db.session.execute(db.select(OutboxMail)).scalar_one()
    assert mail.recipient == "anna.muster@example.org" and mail.user_id == user.id
    assert "48" in mail.text and len(_links()) == 1
    page = client.get(f"/organisations/{user.organisation_id}").text
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in page or "Please confirm your e-mail address" in page


def test_the_link_opens_a_page_and_the_button_confirms_once(client):
    user = _registered(client)
    link = _path(_links()[0])

    assert client.get(link).status_code == 200
    db.session.refresh(user)
    assert not user.email_confirmed  # a mail scanner opening the link confirms nothing
    response = client.post(link)
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email_confirmed
    assert client.post(link).status_code == 302  # a second use changes nothing and is no error
    assert client.get(link).status_code == 200


def test_a_link_older_than_48_hours_or_tampered_is_refused(client, app):
    _registered(client)
    link = _path(_links()[0])
    assert app.config["EMAIL_CONFIRM_MAX_AGE"] == 48 * 3600
    app.config["EMAIL_CONFIRM_MAX_AGE"] = -1
    assert client.post(link).status_code == 400
    assert client.get("/confirm-email/not-a-token").status_code == 400


def test_resend_mails_a_new_link_and_the_page_explains_the_pending_state(client):
    user = _registered(client)
    client.get("/")
    sign_in(client, user)
    page = client.get("/confirm-email")
    assert page.status_code == 200
    assert "cannot yet contact other organisations" in page.text

    assert client.post("/confirm-email/resend").status_code == 302
    assert len(_links()) == 2
    client.post(_path(_links()[1]))
    db.session.refresh(user)
    assert user.email_confirmed
    assert client.post("/confirm-email/resend").status_code == 409  # nothing left to confirm


def test_unconfirmed_accounts_read_and_fill_in_their_own_profile_but_do_not_contact_post_or_join(app):
    own, other = make_org(verified=True), make_org(verified=True)
    waiting, confirmed = make_user(own, email_confirmed_at=None), make_user(own)

    for action, target in [("contact.create", other), ("consultation.request", None), ("report.create", None),
                           ("room.create_group", None), ("event.create", None), ("example.create", None)]:
        assert not policy.can(waiting, action, target), action
        assert policy.can(confirmed, action, target), action
    for action, target in [("entry.create", own), ("digitalcheck.create", own), ("organisation.view_members", own),
                           ("consultation.desk", None), ("members_only.view", None)]:
        assert policy.can(waiting, action, target), action


def test_accounts_an_operator_creates_and_existing_accounts_count_as_confirmed(app):
    org = make_org()
    made = create_user({"name": "Olaf Operator", "email": "olaf@example.org", "password": NEW_PASSWORD}, org)
    assert made.email_confirmed
    assert make_user(org).email_confirmed
    assert db.session.scalar(db.select(db.func.count(OutboxMail.id))) == 0


def test_an_invitation_to_this_address_proves_it(client):
    from community.members.services import create_invite

    org = make_org()
    admin = make_user(org, is_org_admin=True)
    _invite, token = create_invite(admin, org, "bea@example.org")
    db.session.query(OutboxMail).delete()
    db.session.commit()
    response = client.post("/register", data=registration(email="bea@example.org", invite=token))
    assert response.status_code == 302
    assert db.session.execute(db.select(User).filter_by(email="bea@example.org")).scalar_one().email_confirmed
    assert _links() == []


def test_a_join_request_reaches_its_deciders_only_once_the_address_is_confirmed(client):
    org = make_org(verified=True)
    org_admin = make_user(org, is_org_admin=True)
    response = client.post(f"/register/join/{org.id}", data={
        "name": "Jana Neu", "email": "jana@example.org", "password": PASSWORD, "password_confirmation": PASSWORD,
        "function": "IT-Leitung"})
    assert response.status_code == 302
    applicant = db.session.execute(db.select(User).filter_by(email="jana@example.org")).scalar_one()
    join_request = db.session.execute(db.select(JoinRequest)).scalar_one()

    def told() -> int:
        return db.session.scalar(db.select(db.func.count(Notification.id)).filter_by(user_id=org_admin.id))

    assert told() == 0
    sign_in(client, org_admin)
    assert "Jana Neu" not in client.get(f"/organisations/{org.id}/join-requests").text
    assert client.post(f"/join-requests/{join_request.id}/approve").status_code == 409

    client.post(_path(_links()[0]))
    db.session.refresh(applicant)
    assert applicant.email_confirmed and told() == 1
    assert "Jana Neu" in client.get(f"/organisations/{org.id}/join-requests").text


def test_the_api_says_when_only_the_confirmation_stands_in_the_way(client):
    from tests.factories import make_token

    waiting = make_user(make_org(verified=True), email_confirmed_at=None, locale="en")
    other = make_org(verified=True)
    make_user(other)
    headers = {"Authorization": f"Bearer {make_token(waiting)}", "Accept-Language": "en"}
    response = client.post("/api/v1/contact-requests", headers=headers,
                           json={"to_organisation_id": other.id, "message": "Hallo, wir suchen Austausch."})
    assert response.status_code == 403 and "confirm your e-mail address" in str(response.get_json())
    # A refusal for another reason keeps its own answer.
    own = client.post("/api/v1/contact-requests", headers=headers,
                      json={"to_organisation_id": waiting.organisation_id, "message": "Hallo an uns selbst."})
    assert own.status_code in (403, 422) and "confirm your e-mail address" not in str(own.get_json())
