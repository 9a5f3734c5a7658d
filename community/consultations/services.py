"""Requesting, listing and working first consultations; every move of the workflow is one call here.

The acting user is always an argument. Moves are checked against workflow.TRANSITIONS: a move the
acting side may never make is PermissionDenied (403), a move the case's status does not allow is
Conflict (409). Every move is stored in the history and notified to the other side; internal notes
are never notified and never leave the consultants' view.
"""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import lazy_gettext as _l

from community import policy
from community.auth.models import User
from community.consultations import links, results, workflow
from community.consultations.models import Consultation, ConsultationEvent, ConsultationMessage, ConsultationNeed
from community.consultations.rules import is_requester_side
from community.errors import Conflict, InvalidInput, NotFound, PermissionDenied, ValidationError
from community.extensions import db
from community.i18n import N_, lazy_plain
from community.models_base import get_or_not_found, utcnow
from community.notifications import kinds
from community.notifications.models import MOMENT_PATTERN
from community.notifications.services import Translatable, When, notify, organisation_member_ids
from community.organisations.models import Organisation
from community.pagination import Page, paginate
from community.profiles.models import Need
from community.taxonomy import LAENDER, TOPICS
from community.validation import Flag, Id, IdList, ManyOf, Number, OneOf, Schema, Text, sane_date

URGENCIES = ("low", "normal", "high")
FORMATS = ("phone", "video", "onsite")
MAX_NEEDS = 20
MAX_RECOMMENDATIONS = 30
NOTIFICATION_KINDS = (
    CONSULT_REQUEST := "consult_request",
    CONSULT_STATUS := "consult_status",
    CONSULT_MESSAGE := "consult_message",
    CONSULT_RATING := "consult_rating",
)
for _kind in NOTIFICATION_KINDS:
    kinds.register_kind(_kind, kinds.CONSULTATIONS)


# The centre and the municipalities meet in German local time: a time without offset is meant there.
LOCAL_ZONE = ZoneInfo("Europe/Berlin")


class DateTimeValue:
    """An ISO 8601 date and time, stored naive in UTC. A trailing Z or offset says where it is; without
    one it is Europe/Berlin local time (what the form's datetime-local field and people type)."""

    def clean(self, value):
        if value in (None, ""):
            return None
        if not isinstance(value, str) or len(value) > 40:
            raise ValueError(_l("Enter a date and time such as 2026-03-01T10:00."))
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(_l("Enter a date and time such as 2026-03-01T10:00.")) from None
        sane_date(parsed)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=LOCAL_ZONE)
        return parsed.astimezone(timezone.utc).replace(tzinfo=None)


TOPIC_SLUGS = [topic.slug for topic in TOPICS]
class PhoneNumber:
    """A phone number as people write it: digits with spaces, +, /, - and brackets; at least six digits."""

    def clean(self, value):
        text = Text(40).clean(value)
        if text and (not all(char.isdigit() or char in " +/-()" for char in text)
                     or sum(char.isdigit() for char in text) < 6):
            raise ValueError(_l("Enter a phone number such as 0351 123456."))
        return text


REQUEST_SCHEMA = Schema({
    "subject": Text(200, required=True),
    "description": Text(5000, required=True, multiline=True),
    "topics": ManyOf(TOPIC_SLUGS, max_items=len(TOPIC_SLUGS), required=True),
    "urgency": OneOf(URGENCIES, required=True),
    "preferred_format": OneOf(FORMATS, required=True),
    "assessment_id": Id(),
    "need_ids": IdList(MAX_NEEDS),
    # With the format "phone": where the centre calls (it goes into the meeting details the consultant confirms).
    "phone": PhoneNumber(),
})
TRANSITION_SCHEMA = Schema({
    "to": OneOf(workflow.STATUSES, required=True),
    "reason": Text(2000, multiline=True),
    "scheduled_for": DateTimeValue(),
    "meeting_details": Text(500, multiline=True),
    "advice": Text(20000, multiline=True),
    "recommendations": links.LinkList(MAX_RECOMMENDATIONS),
    "result": results.ResultValue(),
    "follow_up_on": results.FollowUpDate(),
})
MESSAGE_SCHEMA = Schema({"text": Text(5000, required=True, multiline=True), "internal": Flag()})
RATING_SCHEMA = Schema({"rating": Number(1, 5, required=True), "comment": Text(2000, multiline=True)})
LIST_FILTERS = Schema({
    "status": OneOf(workflow.STATUSES),
    "urgency": OneOf(URGENCIES),
    "land": OneOf([land.slug for land in LAENDER]),
    "topic": OneOf(TOPIC_SLUGS),
    "assignee": Text(12),
})


def _clean(schema: Schema, data) -> dict:
    try:
        return schema.clean(data)
    except ValidationError as error:
        raise InvalidInput(error.message, fields=error.fields) from None


def _attachable_assessment_id(organisation_id: int, assessment_id: int | None) -> int | None:
    """Only the organisation's latest submitted Digital-Check may be attached."""
    if assessment_id is None:
        return None
    from community.digitalcheck.services import latest_submitted

    latest = latest_submitted(organisation_id)
    if latest is None or latest.id != assessment_id:
        raise InvalidInput(_l("Please correct the marked fields."), fields={
            "assessment_id": _l("Only your organisation's latest submitted Digital Compass can be attached.")})
    return assessment_id


def _own_need_ids(organisation_id: int, need_ids: list[int]) -> list[int]:
    found = set(db.session.scalars(db.select(Need.id).filter(
        Need.id.in_(need_ids), Need.organisation_id == organisation_id))) if need_ids else set()
    if missing := [str(ident) for ident in need_ids if ident not in found]:
        raise InvalidInput(_l("Please correct the marked fields."), fields={
            "need_ids": lazy_plain("Not needs of your organisation: %(ids)s.", ids=", ".join(missing[:10]))})
    return need_ids


def consultant_ids() -> list[int]:
    return list(db.session.scalars(db.select(User.id).filter(
        User.role.in_(("consultant", "admin")), User.deleted_at.is_(None))))


def create_request(user, data) -> Consultation:
    """A member of a public body asks the centre for a first consultation."""
    if not policy.can(user, "consultation.request"):
        raise PermissionDenied(_l("Only members of a public body can request a consultation."))
    values = _clean(REQUEST_SCHEMA, data)
    organisation_id = user.organisation_id
    case = Consultation(
        organisation_id=organisation_id, requester_id=user.id, subject=values["subject"],
        description=values["description"], topics=values["topics"], urgency=values["urgency"],
        preferred_format=values["preferred_format"],
        assessment_id=_attachable_assessment_id(organisation_id, values["assessment_id"]),
        meeting_details=values["phone"] if values["preferred_format"] == "phone" else "",
        status=workflow.REQUESTED)
    case.need_links = [ConsultationNeed(need_id=ident) for ident in _own_need_ids(organisation_id, values["need_ids"])]
    case.history = [ConsultationEvent(actor_id=user.id, from_status=None, to_status=workflow.REQUESTED)]
    db.session.add(case)
    db.session.commit()
    notify(consultant_ids(), CONSULT_REQUEST, N_("%(organisation)s requests a first consultation: %(subject)s"),
           url_for("consultations.show", case_id=case.id), organisation=user.organisation.name, subject=case.subject)
    return case


def get_case(user, case_id) -> Consultation:
    """The case if the user may see it; to anyone else (companies, other organisations) it does not exist."""
    return get_or_not_found(Consultation, case_id, _l("This consultation does not exist."),
                            hidden=lambda case: not policy.can(user, "consultation.view", case))


def clean_filters(args) -> dict:
    return _clean(LIST_FILTERS, {name: args.get(name) for name in LIST_FILTERS.fields if args.get(name)})


def list_cases(user, filters: dict | None = None, page: int = 1, per_page: int = 20) -> Page:
    """Consultants: every case; a public body's members: their organisation's. Oldest open first."""
    if not policy.can(user, "consultation.desk"):
        raise PermissionDenied(_l("Only the competence centre and public bodies have consultations."))
    filters = filters or {}
    select = db.select(Consultation)
    if not policy.is_consultant(user):
        select = select.filter(Consultation.organisation_id == user.organisation_id)
    if filters.get("status"):
        select = select.filter(Consultation.status == filters["status"])
    if filters.get("urgency"):
        select = select.filter(Consultation.urgency == filters["urgency"])
    if filters.get("land"):
        select = select.join(Organisation, Organisation.id == Consultation.organisation_id) \
            .filter(Organisation.land == filters["land"])
    assignee = filters.get("assignee")
    if assignee == "me":
        select = select.filter(Consultation.assignee_id == user.id)
    elif assignee == "none":
        select = select.filter(Consultation.assignee_id.is_(None))
    elif assignee:
        if not assignee.isdigit():
            raise InvalidInput(_l("Please correct the marked fields."),
                               fields={"assignee": _l("Use me, none or a user id.")})
        select = select.filter(Consultation.assignee_id == int(assignee))
    select = select.order_by(Consultation.created_at, Consultation.id)
    if filters.get("topic"):
        # Topics are a short JSON list per case: filtered here, which both databases read alike.
        matching = [case.id for case in db.session.scalars(select) if filters["topic"] in case.topics]
        select = select.filter(Consultation.id.in_(matching))
    return paginate(select, page, per_page)


def sides_of(user, case) -> set[str]:
    sides = set()
    if policy.is_consultant(user):
        sides.add(workflow.CONSULTANT)
    if is_requester_side(user, case):
        sides.add(workflow.REQUESTER)
    return sides


def transition(user, case, data) -> Consultation:
    """Move the case to `data["to"]`; the move's own fields (reason, scheduled_for, advice) are required."""
    values = _clean(TRANSITION_SCHEMA, data)
    to, sides = values["to"], sides_of(user, case)
    if workflow.SIDE_OF_TARGET.get(to) not in sides:
        raise PermissionDenied(lazy_plain("You are not allowed to move this consultation to %(status)s.",
                                          status=_l(STATUS_WORDS[to])))
    side = workflow.TRANSITIONS.get((case.status, to))
    if side is None:
        raise Conflict(lazy_plain("A consultation that is %(status)s cannot become %(to)s.",
                                  status=_l(STATUS_WORDS[case.status]), to=_l(STATUS_WORDS[to])))
    if side not in sides:
        raise PermissionDenied(lazy_plain("You are not allowed to move this consultation to %(status)s.",
                                          status=_l(STATUS_WORDS[to])))
    _apply(case, user, to, values)
    db.session.add(ConsultationEvent(consultation_id=case.id, actor_id=user.id, from_status=case.status,
                                     to_status=to, reason=values["reason"] or ""))
    case.status = to
    db.session.commit()
    if to == workflow.SCHEDULED:
        _notify_other_side(user, case, side, CONSULT_STATUS, SCHEDULED_MESSAGE, when=When(case.scheduled_for),
                           case_id=case.id)
    else:
        _notify_other_side(user, case, side, CONSULT_STATUS, STATUS_MESSAGE,
                           status=Translatable(STATUS_WORDS[case.status]))
    return case


def _required(values: dict, name: str, message):
    if not values.get(name):
        raise InvalidInput(_l("Please correct the marked fields."), fields={name: message})
    return values[name]


def _apply(case, user, to: str, values: dict) -> None:
    if to == workflow.ACCEPTED:
        case.assignee_id = user.id
    elif to == workflow.DECLINED:
        case.decline_reason = _required(values, "reason", _l("Say why the request is declined."))
    elif to == workflow.SCHEDULED:
        case.scheduled_for = _required(values, "scheduled_for", _l("Give the date of the consultation."))
        if values["meeting_details"]:
            case.meeting_details = values["meeting_details"]
    elif to == workflow.ADVISED:
        case.advice = _required(values, "advice", _l("Write down the advice."))
        case.recommendations = values["recommendations"]
        results.apply_result(case, values["result"], values["follow_up_on"])
    elif to in (workflow.CLOSED, workflow.WITHDRAWN):
        case.closed_at = utcnow()


# The status as a word of the reader's language (translated when the notification or mail is shown).
STATUS_WORDS = {
    workflow.REQUESTED: N_("requested"), workflow.ACCEPTED: N_("accepted"), workflow.SCHEDULED: N_("scheduled"),
    workflow.ADVISED: N_("advised"), workflow.CLOSED: N_("closed"), workflow.DECLINED: N_("declined"),
    workflow.WITHDRAWN: N_("withdrawn"),
}
STATUS_MESSAGE = N_("The consultation \u201c%(subject)s\u201d is now %(status)s.")
SCHEDULED_MESSAGE = N_("The consultation \u201c%(subject)s\u201d takes place on %(when)s.")


def _notify_other_side(user, case, side: str, kind: str, message: str, **values) -> None:
    """The requesting organisation hears from the consultants; the consultants (the assignee, or all
    while nobody took the case) from the requester side. Never the actor."""
    if side == workflow.CONSULTANT:
        recipients = organisation_member_ids(case.organisation_id)
    else:
        recipients = [case.assignee_id] if case.assignee_id else consultant_ids()
    notify([ident for ident in recipients if ident != user.id], kind, message,
           url_for("consultations.show", case_id=case.id), subject=case.subject, **values)


def post_message(user, case, data) -> ConsultationMessage:
    """A message of the case's conversation; an internal note (consultants only) is told to nobody."""
    values = _clean(MESSAGE_SCHEMA, data)
    sides = sides_of(user, case)
    if values["internal"] and not policy.can(user, "consultation.internal_notes", case):
        raise PermissionDenied(_l("Only consultants write internal notes."))
    if case.status in (workflow.CLOSED, workflow.DECLINED, workflow.WITHDRAWN) and not values["internal"]:
        raise Conflict(_l("This consultation is finished; its conversation is closed."))
    message = ConsultationMessage(consultation_id=case.id, author_id=user.id, text=values["text"],
                                  internal=values["internal"])
    db.session.add(message)
    db.session.commit()
    if not message.internal:
        side = workflow.CONSULTANT if workflow.CONSULTANT in sides else workflow.REQUESTER
        _notify_other_side(user, case, side, CONSULT_MESSAGE,
                           N_("New message on the consultation \u201c%(subject)s\u201d."))
    return message


def rate(user, case, data) -> Consultation:
    """The requester's rating (1–5 and a comment), once the advice is given; a second rating replaces it."""
    values = _clean(RATING_SCHEMA, data)
    if not is_requester_side(user, case):
        raise PermissionDenied(_l("Only the requesting organisation rates a consultation."))
    if not policy.can(user, "consultation.rate", case):
        raise Conflict(_l("A consultation can be rated once the advice is given."))
    case.rating, case.rating_comment = values["rating"], values["comment"] or ""
    db.session.commit()
    _notify_other_side(user, case, workflow.REQUESTER, CONSULT_RATING,
                       N_("The consultation \u201c%(subject)s\u201d was rated %(rating)s of 5."), rating=case.rating)
    return case


def visible_messages(user, case) -> list[ConsultationMessage]:
    internal = policy.can(user, "consultation.internal_notes", case)
    return [message for message in case.messages if internal or not message.internal]


def age_days(case, now: datetime | None = None) -> int:
    return ((now or utcnow()) - case.created_at) // timedelta(days=1)


def _timestamp(value) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def local_timestamp(value) -> str | None:
    """A stored UTC time as Europe/Berlin local time with its offset (2026-12-16T10:00:00+01:00)."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc).astimezone(LOCAL_ZONE).isoformat()


def _name(user) -> str | None:
    return user.name if user is not None else None


def case_to_dict(case, viewer, detail: bool = True) -> dict:
    data = {
        "id": case.id,
        "status": case.status,
        "subject": case.subject,
        "description": case.description,
        "topics": list(case.topics),
        "urgency": case.urgency,
        "preferred_format": case.preferred_format,
        "organisation": {"id": case.organisation.id, "name": case.organisation.name, "land": case.organisation.land},
        "requester": _name(case.requester),
        "assignee": {"id": case.assignee.id, "name": case.assignee.name} if case.assignee else None,
        "assessment_id": case.assessment_id,
        "need_ids": case.need_ids,
        "scheduled_for": local_timestamp(case.scheduled_for),
        "meeting_details": case.meeting_details,
        "decline_reason": case.decline_reason,
        "advice": case.advice,
        "recommendations": [links.describe(link, viewer) for link in case.recommendations],
        "result": results.result_to_dict(case, viewer),
        "follow_up_on": case.follow_up_on.isoformat() if case.follow_up_on else None,
        "effect": results.effect(case),
        "rating": case.rating,
        "rating_comment": case.rating_comment,
        "age_days": age_days(case),
        "created_at": _timestamp(case.created_at),
        "updated_at": _timestamp(case.updated_at),
    }
    if detail:
        data["messages"] = [message_to_dict(message) for message in visible_messages(viewer, case)]
        data["history"] = [{"from": event.from_status, "to": event.to_status, "by": _name(event.actor),
                            "reason": event.reason, "at": _timestamp(event.created_at)} for event in case.history]
    return data


def message_to_dict(message) -> dict:
    return {"id": message.id, "text": message.text, "author": _name(message.author), "internal": message.internal,
            "created_at": _timestamp(message.created_at)}


LABELS = {
    "status": {status: _l(word) for status, word in STATUS_WORDS.items()},
    # A Babel date pattern for the appointment, in the reader's language ("Mi, 16.12.2026, 10:00 Uhr").
    "appointment": _l(MOMENT_PATTERN),
    "urgency": {"low": _l("low"), "normal": _l("normal"), "high": _l("high")},
    "format": {"phone": _l("phone"), "video": _l("video call"), "onsite": _l("on site")},
    # What the consultant gives with the date, by format: it goes into the mail and the invitation.
    "details": {"phone": _l("Phone number"), "video": _l("Link to the video call"), "onsite": _l("Address")},
    "move": {
        workflow.ACCEPTED: _l("Take the request"), workflow.DECLINED: _l("Decline"),
        workflow.SCHEDULED: _l("Set the date"), workflow.ADVISED: _l("Record the advice"),
        workflow.CLOSED: _l("Close the case"), workflow.WITHDRAWN: _l("Withdraw the request"),
    },
}


REVIEW_SCHEMA = Schema({"progress": Text(5000, required=True, multiline=True),
                        "more_help": OneOf(("", "1", "yes"), default="")})


def review_open(user, case: Consultation) -> bool:
    """The short review the follow-up starts: open to the requesting organisation once reminded, until one of its
    members has written into the conversation since."""
    if case.follow_up_sent_at is None or case.status != "advised" or not is_requester_side(user, case):
        return False
    return not any(message.created_at >= case.follow_up_sent_at and not message.internal
                   and message.author is not None and message.author.organisation_id == case.organisation_id
                   for message in case.messages)


def submit_review(user, case: Consultation, data):
    """The review goes into the case's conversation (the centre is told, as of every message)."""
    from flask_babel import gettext

    if not review_open(user, case):
        raise NotFound(_l("There is no follow-up review to give for this consultation."))
    try:
        values = REVIEW_SCHEMA.clean(data)
    except ValidationError as error:
        raise InvalidInput(error.message, fields=error.fields) from None
    lines = [gettext("Follow-up review: %(progress)s", progress=values["progress"])]
    if values["more_help"]:
        lines.append(gettext("We would like further support from the competence centre."))
    return post_message(user, case, {"text": "\n\n".join(lines)})
