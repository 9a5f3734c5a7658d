"""The staff's start pages show their work (#26): each role its queues with the count and the oldest item's time,
empty queues too; members without such a role see none; staff are never asked to find an organisation."""
import re
from datetime import timedelta

from community.consultations.models import Consultation
from community.extensions import db
from community.joining.models import JoinRequest
from community.mail.models import FAILED, OutboxMail
from community.models_base import utcnow
from tests.factories import make_org, make_user, sign_in


def work(client) -> dict[str, str]:
    page = client.get("/").get_data(as_text=True)
    return {name: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()
            for name, text in re.findall(r'<li data-queue="([a-z_]+)">(.*?)</li>', page, re.S)}


def test_a_consultant_sees_new_requests_own_cases_and_due_follow_ups(client):
    town = make_org(name="Gemeinde Aachtal")
    consultant = make_user(make_org(kind="state", org_type="behoerde"), role="consultant")
    old = Consultation(organisation_id=town.id, subject="E-Akte", description="d", topics=["eakte"],
                       urgency="normal", preferred_format="video", created_at=utcnow() - timedelta(days=3))
    mine = Consultation(organisation_id=town.id, subject="OZG", description="d", topics=["ozg"], urgency="normal",
                        preferred_format="video", status="accepted", assignee_id=consultant.id)
    due = Consultation(organisation_id=town.id, subject="Cloud", description="d", topics=["ozg"], urgency="normal",
                       preferred_format="video", status="advised", follow_up_on=utcnow().date())
    db.session.add_all([old, mine, due])
    db.session.commit()
    sign_in(client, consultant)
    queues = work(client)
    assert queues["consultation_requests"].startswith("New consultation requests: 1 waits, the oldest since")
    assert queues["consultations_mine"].startswith("Your open consultations: 1 waits")
    assert queues["consultation_follow_ups"].startswith("Follow-ups due: 1 waits")
    assert "moderation" not in queues and "failed_mails" not in queues
    assert "Find your organisation" not in client.get("/").get_data(as_text=True)


def test_a_moderator_sees_the_reports_and_an_empty_queue_says_none_waits(client):
    moderator = make_user(role="moderator")
    sign_in(client, moderator)
    assert work(client)["moderation"] == "Reports and posts to decide: 0 wait"
    assert "consultation_requests" not in work(client)


def test_an_admin_sees_failed_mails(client):
    admin = make_user(role="admin")
    db.session.add(OutboxMail(recipient="a@example.org", kind="account", subject="s", text="t", message_id="<1@x>",
                              status=FAILED))
    db.session.commit()
    sign_in(client, admin)
    queues = work(client)
    assert queues["failed_mails"].startswith("Failed mails: 1 waits")
    assert "platform_join_requests" in queues and "examples_review" in queues


def test_an_organisation_admin_sees_who_wants_to_join(client):
    town = make_org(name="Gemeinde Aachtal")
    admin = make_user(town, is_org_admin=True)
    applicant = make_user()
    db.session.add(JoinRequest(user_id=applicant.id, organisation_id=town.id))
    db.session.commit()
    sign_in(client, admin)
    assert work(client)["join_requests"].startswith("Join requests for your organisation: 1 waits")


def test_members_without_a_staff_role_see_no_work(client):
    sign_in(client, make_user(make_org()))
    assert work(client) == {}
    assert 'id="start-work"' not in client.get("/").get_data(as_text=True)


def test_a_land_body_is_not_asked_to_take_the_digital_compass(client):
    ministry = make_org(name="Innenministerium", kind="state", org_type="ministerium", land="09")
    sign_in(client, make_user(ministry))
    page = client.get("/").get_data(as_text=True)
    assert "Take the Digital Compass" not in page
    town = make_org(name="Gemeinde Aachtal")
    sign_in(client, make_user(town))
    assert "Take the Digital Compass" in client.get("/").get_data(as_text=True)
