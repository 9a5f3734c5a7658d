"""The consultations' step on the start page (a public body's first consultation request) and the calendar
invitation that goes with the mail of a new date."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from community.consultations import bp, calendar, results, workflow
from community.consultations.models import Consultation
from community.consultations.services import CONSULT_STATUS
from community.extensions import db
from community.mail.outbox import register_calendar
from community.models_base import utcnow
from community.policy import is_consultant
from community.start.queues import Waiting, register_queue
from community.start.steps import PUBLIC_BODY, register_step


def _has_consultation(user) -> bool:
    return db.session.scalar(sa.select(Consultation.id).where(
        Consultation.organisation_id == user.organisation_id).limit(1)) is not None


register_step("consultation", _l("Ask for a first consultation"), lambda user: url_for("consultations.new"),
              _has_consultation, audience=PUBLIC_BODY, order=30)
register_calendar(CONSULT_STATUS, calendar.for_notification)


def _waiting(select, url: str) -> Waiting:
    count, oldest = db.session.execute(select.with_only_columns(sa.func.count(), sa.func.min(
        Consultation.created_at))).one()
    return Waiting(count, oldest, url)


def _new_requests(user):
    if not is_consultant(user):
        return None
    return _waiting(sa.select(Consultation).where(Consultation.status == workflow.REQUESTED),
                    url_for("consultations.desk", status=workflow.REQUESTED))


def _own_open(user):
    if not is_consultant(user):
        return None
    return _waiting(sa.select(Consultation).where(Consultation.assignee_id == user.id,
                                                  Consultation.status.in_(workflow.OPEN_STATUSES)),
                    url_for("consultations.desk", assignee="me"))


def _due_follow_ups(user):
    if not is_consultant(user):
        return None
    return _waiting(sa.select(Consultation).where(Consultation.status == workflow.ADVISED,
                                                  Consultation.follow_up_on <= utcnow().date()),
                    url_for("consultations.desk", status=workflow.ADVISED))


register_queue("consultation_requests", _l("New consultation requests"), _new_requests, order=20)
register_queue("consultations_mine", _l("Your open consultations"), _own_open, order=21)
register_queue("consultation_follow_ups", _l("Follow-ups due"), _due_follow_ups, order=22)


@bp.app_template_global("consultation_effect")
def _consultation_effect(assessment):
    """The Digital Compass result shows what changed since the check a consultation was based on (#26)."""
    return results.effect_on(assessment)
