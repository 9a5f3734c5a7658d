"""The demo competence centre: its consultants among the printed accounts, cases in several states."""
from community.consultations.demo import CENTRE_NAME, CONSULTANTS
from community.consultations.models import Consultation
from community.extensions import db
from community.notifications.models import Notification
from tests.test_seed_demo import accounts, demo, organisations  # noqa: F401  (the seeded demo, once per module)


def test_the_centre_and_its_consultants_are_seeded_and_printed(demo):  # noqa: F811
    centre = organisations(name=CENTRE_NAME)[0]
    assert centre.is_demo and centre.verified
    consultants = [user for user in centre.members if user.role == "consultant"]
    assert len(consultants) == len(CONSULTANTS)
    printed = {email for email, _ in accounts(demo)}
    assert {user.email for user in consultants} <= printed


def test_demo_cases_cover_the_workflow_and_notify_nobody(demo):  # noqa: F811
    cases = db.session.scalars(db.select(Consultation)).all()
    assert {case.status for case in cases} >= {"requested", "accepted", "scheduled", "advised", "closed", "declined"}
    assert all(case.is_demo and case.history for case in cases)
    assert db.session.scalar(db.select(db.func.count(Notification.id)).filter(
        Notification.kind.like("consult_%"))) == 0
