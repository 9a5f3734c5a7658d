"""The consultation's structured result (Ergebnisbericht), its measures that the municipality carries on, the
follow-up and the measured effect on the next Digital-Check.

A result is given with the move to `advised`: situation, fields of action (Digital-Check dimensions), measures,
funding options and next steps. Each measure becomes a row of its own (ConsultationMeasure) with a status the
requesting organisation keeps up to date. On `follow_up_on` both sides are reminded once; the effect compares the
assessment the consultation was based on with the organisation's latest one submitted after it.
"""
from datetime import date, timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l

from community import policy
from community.auth.models import User
from community.consultations import links
from community.consultations.models import Consultation, ConsultationMeasure
from community.consultations.rules import is_requester_side
from community.errors import InvalidInput, NotFound, PermissionDenied, ValidationError
from community.extensions import db
from community.i18n import N_, lazy_plain
from community.models_base import utcnow
from community.notifications import kinds
from community.notifications.services import notify, organisation_member_ids
from community.validation import Number, OneOf, Schema, Text, sane_date

MAX_MEASURES = 20
MAX_MEASURE_LINKS = 10
DEFAULT_FOLLOW_UP = timedelta(days=182)  # about six months
RESPONSIBLE = ("requester", "centre", "both")
PROPOSED = "proposed"  # as the centre wrote it down; the municipality then marks it
MEASURE_STATUSES = ("planned", "in_progress", "done", "dropped")
CONSULT_FOLLOW_UP, CONSULT_ASSIGNED = "consult_follow_up", "consult_assigned"
for _kind in (CONSULT_FOLLOW_UP, CONSULT_ASSIGNED):
    kinds.register_kind(_kind, kinds.CONSULTATIONS)

STATUS_WORDS = {PROPOSED: N_("proposed"), "planned": N_("planned"), "in_progress": N_("in progress"),
                "done": N_("done"), "dropped": N_("dropped")}
RESPONSIBLE_WORDS = {"requester": N_("the municipality"), "centre": N_("the competence centre"),
                     "both": N_("both together")}


class FieldSlugs:
    """The Digital Compass's dimension slugs of every version (a case may rest on an older check), read when a
    result is checked: the questionnaire is data."""

    def __iter__(self):
        from community.digitalcheck.questionnaire import all_dimension_slugs

        return iter(all_dimension_slugs())


class FieldList:
    max_items = 12

    def clean(self, value):
        if value in (None, ""):
            return []
        if not isinstance(value, list):
            raise ValueError(_l("Must be a list."))
        known, chosen = set(FieldSlugs()), []
        for slug in value:
            if not isinstance(slug, str) or slug not in known:
                raise ValueError(lazy_plain("Unknown value: %(value)s.", value=str(slug)[:50]))
            if slug not in chosen:
                chosen.append(slug)
        return chosen


MEASURE_SCHEMA = Schema({
    "title": Text(200, required=True),
    "field": OneOf(FieldSlugs()),
    "priority": Number(1, 3, required=True),
    "horizon_months": Number(1, 60, required=True),
    "responsible": OneOf(RESPONSIBLE, required=True),
    "links": links.LinkList(MAX_MEASURE_LINKS),
})


class MeasureList:
    max_items = MAX_MEASURES

    def clean(self, value):
        if value in (None, ""):
            return []
        if not isinstance(value, list):
            raise ValueError(_l("Must be a list."))
        cleaned = []
        for position, item in enumerate(value, start=1):
            try:
                cleaned.append(MEASURE_SCHEMA.clean(item))
            except ValidationError as error:
                problems = "; ".join(f"{name}: {message}" for name, message in (error.fields or {}).items())
                raise ValueError(lazy_plain("Measure %(n)s: %(problems)s", n=position,
                                            problems=problems or str(error.message))) from None
        return cleaned


class ResultValue:
    """The `result` object of the move to advised."""

    SCHEMA = Schema({
        "situation": Text(10000, multiline=True),
        "fields": FieldList(),
        "measures": MeasureList(),
        "funding": Text(5000, multiline=True),
        "next_steps": Text(5000, multiline=True),
    })

    def clean(self, value):
        if value is None:
            return None
        try:
            return self.SCHEMA.clean(value)
        except ValidationError as error:
            problems = "; ".join(f"{name}: {message}" for name, message in (error.fields or {}).items())
            raise ValueError(problems or error.message) from None


class FollowUpDate:
    def clean(self, value):
        if value in (None, ""):
            return None
        if not isinstance(value, str) or len(value) > 10:
            raise ValueError(_l("Enter a date such as 2027-06-30."))
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError(_l("Enter a date such as 2027-06-30.")) from None
        return sane_date(day)


def apply_result(case: Consultation, result: dict | None, follow_up_on: date | None) -> None:
    """Store the result of the move to advised (the caller commits)."""
    if follow_up_on is not None and follow_up_on <= utcnow().date():
        raise InvalidInput(_l("Please correct the marked fields."),
                           fields={"follow_up_on": _l("The follow-up must lie in the future.")})
    case.follow_up_on = follow_up_on or (utcnow() + DEFAULT_FOLLOW_UP).date()
    case.follow_up_sent_at = None
    if result is None:
        return
    measures = result.pop("measures")
    case.result = result
    case.measures = [ConsultationMeasure(position=position, status=PROPOSED, **measure)
                     for position, measure in enumerate(measures, start=1)]


MEASURE_PATCH = Schema({"status": OneOf(MEASURE_STATUSES, required=True)})


def may_mark(user, case: Consultation) -> bool:
    return is_requester_side(user, case) or policy.is_consultant(user)


def update_measure(user, case: Consultation, measure_id: int, data) -> ConsultationMeasure:
    """The requesting organisation's members (and consultants) mark how a measure stands."""
    measure = next((row for row in case.measures if row.id == measure_id), None)
    if measure is None or not may_mark(user, case):
        raise NotFound(_l("This measure does not exist."))
    try:
        values = MEASURE_PATCH.clean(data)
    except ValidationError as error:
        raise InvalidInput(error.message, fields=error.fields) from None
    measure.status = values["status"]
    measure.updated_at = utcnow()
    db.session.commit()
    return measure


def measure_to_dict(measure: ConsultationMeasure, viewer) -> dict:
    return {"id": measure.id, "title": measure.title, "field": measure.field, "priority": measure.priority,
            "horizon_months": measure.horizon_months, "responsible": measure.responsible,
            "links": [links.describe(link, viewer) for link in measure.links], "status": measure.status}


def result_to_dict(case: Consultation, viewer) -> dict | None:
    if case.result is None:
        return None
    return {**case.result, "measures": [measure_to_dict(measure, viewer) for measure in case.measures]}


def effect_on(assessment) -> dict | None:
    """For a submitted Digital Compass: the organisation's latest advised consultation that rests on an earlier
    check, and per dimension that check's score and this one's ({"case", "changes": {slug: {"before", "after"}}})."""
    from community.digitalcheck.models import Assessment
    from community.digitalcheck.services import scores_of

    if assessment.submitted_at is None:
        return None
    case = db.session.scalar(db.select(Consultation).join(Assessment, Assessment.id == Consultation.assessment_id)
                             .filter(Consultation.organisation_id == assessment.organisation_id,
                                     Consultation.status.in_(("advised", "closed")),
                                     Assessment.submitted_at < assessment.submitted_at)
                             .order_by(Assessment.submitted_at.desc(), Consultation.id.desc()).limit(1))
    if case is None:
        return None
    old, new = scores_of(db.session.get(Assessment, case.assessment_id)), scores_of(assessment)
    changes = {slug: {"before": old[slug], "after": new[slug]} for slug in new
               if old.get(slug) is not None and new[slug] is not None}
    return {"case": case, "changes": changes} if changes else None


def effect(case: Consultation) -> dict | None:
    """Per dimension the score of the assessment the consultation was based on and of the organisation's
    latest assessment submitted after the consultation was advised; None until there is such a pair."""
    from community.digitalcheck.models import Assessment
    from community.digitalcheck.services import latest_submitted, scores_of

    if case.assessment_id is None:
        return None
    before = db.session.get(Assessment, case.assessment_id)
    after = latest_submitted(case.organisation_id)
    if before is None or after is None or after.id == before.id or after.submitted_at is None \
            or before.submitted_at is None or after.submitted_at <= before.submitted_at:
        return None
    old, new = scores_of(before), scores_of(after)
    return {slug: {"before": old[slug], "after": new[slug]} for slug in old
            if slug in new and old[slug] is not None and new[slug] is not None} or None


def assign(user, case: Consultation, data) -> Consultation:
    """Give the case to a consultant (consultants only; the target must be a consultant)."""
    if not policy.is_consultant(user):
        raise PermissionDenied(_l("Only consultants assign consultations."))
    try:
        values = Schema({"consultant_id": Number(1, 2**31 - 1, required=True)}).clean(data)
    except ValidationError as error:
        raise InvalidInput(error.message, fields=error.fields) from None
    target = db.session.get(User, values["consultant_id"])
    if target is None or target.deleted_at is not None or not policy.is_consultant(target):
        raise InvalidInput(_l("Please correct the marked fields."),
                           fields={"consultant_id": _l("Choose a consultant of the competence centre.")})
    case.assignee_id = target.id
    db.session.commit()
    if target.id != user.id:
        notify([target.id], CONSULT_ASSIGNED,
               N_("%(name)s gave you the consultation \u201c%(subject)s\u201d."),
               url_for("consultations.show", case_id=case.id), name=user.name, subject=case.subject)
    return case


def remind_follow_ups(today: date | None = None) -> int:
    """Tell both sides of every advised case whose follow-up day has come, once per follow-up date."""
    today = today or utcnow().date()
    due = db.session.scalars(db.select(Consultation).filter(
        Consultation.follow_up_on.is_not(None), Consultation.follow_up_on <= today,
        Consultation.follow_up_sent_at.is_(None), Consultation.status.in_(("advised", "closed")))).all()
    for case in due:
        case.follow_up_sent_at = utcnow()
        db.session.commit()  # claimed before telling, so a second run never tells twice
        recipients = organisation_member_ids(case.organisation_id) + ([case.assignee_id] if case.assignee_id else [])
        notify(recipients, CONSULT_FOLLOW_UP,
               N_("Time for the follow-up of the consultation \u201c%(subject)s\u201d: how far are the measures?"),
               url_for("consultations.show", case_id=case.id), subject=case.subject)
    return len(due)

