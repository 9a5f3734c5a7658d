"""The desk's division of work: consultants declare their topics and Länder; each new request is suggested to the
consultant who fits it best, and the requester is told by when the centre answers."""
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from community import policy
from community.auth.models import User
from community.consultations import workflow
from community.consultations.models import Consultation, ConsultantFocus
from community.errors import InvalidInput, PermissionDenied, ValidationError
from community.extensions import db
from community.taxonomy import LAENDER, TOPICS
from community.validation import ManyOf, Schema

FOCUS_SCHEMA = Schema({
    "topics": ManyOf([topic.slug for topic in TOPICS], max_items=len(TOPICS)),
    "laender": ManyOf([land.slug for land in LAENDER], max_items=len(LAENDER)),
})


def focus_of(user) -> ConsultantFocus | None:
    return db.session.get(ConsultantFocus, user.id)


def set_focus(user, data) -> ConsultantFocus:
    if not policy.is_consultant(user):
        raise PermissionDenied(_l("Only consultants declare what they advise on."))
    try:
        values = FOCUS_SCHEMA.clean(data)
    except ValidationError as error:
        raise InvalidInput(error.message, fields=error.fields) from None
    focus = focus_of(user) or ConsultantFocus(user_id=user.id)
    focus.topics, focus.laender = values["topics"] or [], values["laender"] or []
    db.session.add(focus)
    db.session.commit()
    return focus


def _consultants() -> list[tuple[User, ConsultantFocus | None]]:
    return db.session.execute(sa.select(User, ConsultantFocus).outerjoin(
        ConsultantFocus, ConsultantFocus.user_id == User.id).where(
        User.role == "consultant", User.deleted_at.is_(None)).order_by(User.id)).all()


def suggestions(cases) -> dict[int, User]:
    """Per case the consultant who fits best: two points per shared topic, one for the Land; of equals, the one
    with the fewest open cases. No suggestion when nobody fits at all."""
    consultants = [(user, focus) for user, focus in _consultants() if focus is not None]
    if not consultants:
        return {}
    load = dict(db.session.execute(sa.select(Consultation.assignee_id, sa.func.count()).where(
        Consultation.status.in_(workflow.OPEN_STATUSES), Consultation.assignee_id.is_not(None))
        .group_by(Consultation.assignee_id)).all())
    found = {}
    for case in cases:
        scored = [(2 * len(set(case.topics) & set(focus.topics)) + (case.organisation.land in focus.laender),
                   -load.get(user.id, 0), -user.id, user) for user, focus in consultants]
        best = max(scored, key=lambda item: item[:3])
        if best[0] > 0:
            found[case.id] = best[3]
    return found


def answer_due_on(case: Consultation) -> date | None:
    """The working day by which the centre promises a first answer to a request (CONSULTATION_ANSWER_DAYS)."""
    if case.status != workflow.REQUESTED:
        return None
    day, left = case.created_at.date(), current_app.config.get("CONSULTATION_ANSWER_DAYS", 5)
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day
