"""The consultations' step on the start page (a public body's first consultation request) and the calendar
invitation that goes with the mail of a new date."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from community.consultations import calendar
from community.consultations.models import Consultation
from community.consultations.services import CONSULT_STATUS
from community.extensions import db
from community.mail.outbox import register_calendar
from community.start.steps import PUBLIC_BODY, register_step


def _has_consultation(user) -> bool:
    return db.session.scalar(sa.select(Consultation.id).where(
        Consultation.organisation_id == user.organisation_id).limit(1)) is not None


register_step("consultation", _l("Ask for a first consultation"), lambda user: url_for("consultations.new"),
              _has_consultation, audience=PUBLIC_BODY, order=30)
register_calendar(CONSULT_STATUS, calendar.for_notification)
