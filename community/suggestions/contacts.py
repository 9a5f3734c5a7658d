"""Contact requests between organisations, with double opt-in.

A member asks another organisation to get in touch; any member of that organisation accepts or
declines; the asking side may withdraw while it is pending. Contact details (email, phone, job
title) of the people involved are shown to the other side only once it is accepted, and acceptance
opens a partner room for the members of both organisations. One pending request at a time
between two organisations, in either direction.

No request without a recipient: a request to an organisation without active members is refused
(NoRecipient, 409) unless the sender asks the competence centre to pass it on (`forward_to_centre`,
status `forwarded`, listed on the consultations desk). Unanswered requests remind the receivers once after
REMIND_AFTER_DAYS and expire after EXPIRE_AFTER_DAYS with a notice to the sender (remind_and_expire, run
daily by suggestions/tasks.py). The sender sees the honest state (state_of), never "sent" when nobody
received it.
"""
from datetime import timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from community import policy
from community.auth.models import User
from community.errors import Conflict, NotFound, ValidationError
from community.extensions import db
from community.i18n import N_
from community.models_base import utcnow
from community.notifications import kinds
from community.notifications.services import (has_active_members, notify, notify_contact_answer,
                                               notify_contact_request, organisation_member_ids)
from community.organisations.models import Organisation
from community.pagination import Page, paginate
from community.profiles.models import Need, Offer
from community.rooms.services import open_partner_room
from community.suggestions.models import ACCEPTED, DECLINED, EXPIRED, FORWARDED, PENDING, WITHDRAWN, ContactRequest
from community.validation import Flag, Id, OneOf, Schema, Text
from community.i18n import lazy_plain

MESSAGE_MAX = 1000
INCOMING, OUTGOING = "incoming", "outgoing"
DIRECTIONS = (INCOMING, OUTGOING)
REMIND_AFTER_DAYS = 14
EXPIRE_AFTER_DAYS = 30

CONTACT_REMINDER = "contact_reminder"
CONTACT_EXPIRED = "contact_expired"
CONTACT_FORWARDED = "contact_forwarded"
kinds.register_kind(CONTACT_REMINDER, kinds.CONTACT_REQUESTS)
kinds.register_kind(CONTACT_EXPIRED, kinds.CONTACT_REQUESTS)
kinds.register_kind(CONTACT_FORWARDED, kinds.CONSULTATIONS)

# What the sender reads about a request: never "sent" when nobody has received it.
NOT_RECEIVED, WAITING = "not_received", "waiting"
STATES = (NOT_RECEIVED, WAITING, FORWARDED, ACCEPTED, DECLINED, WITHDRAWN, EXPIRED)
STATE_LABELS = {
    NOT_RECEIVED: _l("Nobody has received this request yet"),
    WAITING: _l("pending, waiting for an answer"),
    FORWARDED: _l("Passed to the competence centre"),
    ACCEPTED: _l("accepted"),
    DECLINED: _l("declined"),
    WITHDRAWN: _l("withdrawn"),
    EXPIRED: _l("expired"),
}


ROOM_CHOOSERS: list = []
"""Features that send contact requests on behalf of something larger (community/cooperation: one shared room
for several partners) choose the room an acceptance opens or joins: choose(user, request, members) -> Room or
None for the usual partner room of the two organisations."""


class NoRecipient(Conflict):
    """409: the organisation has no active member, so nobody would receive the request."""

    code = "no_recipient"


CREATE_SCHEMA = Schema({
    "to_organisation_id": Id(required=True),
    "message": Text(MESSAGE_MAX, required=True, multiline=True),
    "need_id": Id(),
    "offer_id": Id(),
    "forward_to_centre": Flag(),
})
LIST_FILTERS = Schema({"direction": OneOf(DIRECTIONS)})


def _own_organisation_id(user) -> int:
    if user.organisation_id is None:
        raise Conflict(_l("Your account does not belong to an organisation."))
    return user.organisation_id


def _pair_filter(first: int, second: int):
    return sa.or_(
        sa.and_(ContactRequest.from_org_id == first, ContactRequest.to_org_id == second),
        sa.and_(ContactRequest.from_org_id == second, ContactRequest.to_org_id == first),
    )


def _check_reference(model, entry_id, org_ids: set[int], user, field: str, errors: dict):
    """A need or offer the request is about: of either organisation and visible to the user."""
    if entry_id is None:
        return None
    entry = db.session.get(model, entry_id)
    if entry is None or entry.organisation_id not in org_ids or not policy.can(user, "entry.view", entry):
        errors[field] = _l("Choose a need or offer of your organisation or of the one you contact.")
        return None
    return entry


def create_contact_request(user, data: dict) -> ContactRequest:
    values = CREATE_SCHEMA.clean(data)
    from_org_id = _own_organisation_id(user)
    to_org = db.session.get(Organisation, values["to_organisation_id"])
    if to_org is None:
        raise ValidationError(_l("Please correct the marked fields."),
                              fields={"to_organisation_id": _l("This organisation does not exist.")})
    if to_org.id == from_org_id:
        raise ValidationError(_l("Please correct the marked fields."),
                              fields={"to_organisation_id": _l("You cannot contact your own organisation.")})
    policy.require(user, "contact.create", to_org)
    errors: dict = {}
    org_ids = {from_org_id, to_org.id}
    need = _check_reference(Need, values["need_id"], org_ids, user, "need_id", errors)
    offer = _check_reference(Offer, values["offer_id"], org_ids, user, "offer_id", errors)
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), fields=errors)
    existing = db.session.scalars(db.select(ContactRequest.status).filter(
        _pair_filter(from_org_id, to_org.id), ContactRequest.status.in_((PENDING, ACCEPTED)))).all()
    if PENDING in existing:
        raise Conflict(_l("A contact request between your organisations is already pending."))
    if ACCEPTED in existing:
        raise Conflict(_l("Your organisations are already in contact; see your contacts."))
    received = has_active_members(to_org.id)
    if not received and not values["forward_to_centre"]:
        raise NoRecipient(lazy_plain("%(organisation)s has no active member yet, so nobody would receive your request. "
                             "You can ask the competence centre to pass it on instead (forward_to_centre).",
                             organisation=to_org.name))
    if not received and db.session.scalar(db.select(ContactRequest.id).filter(
            ContactRequest.from_org_id == from_org_id, ContactRequest.to_org_id == to_org.id,
            ContactRequest.status == FORWARDED).limit(1)) is not None:
        raise Conflict(_l("The competence centre already has a request of yours to pass on to this organisation."))
    request = ContactRequest(from_user_id=user.id, from_org_id=from_org_id, to_org_id=to_org.id,
                             need_id=need.id if need else None, offer_id=offer.id if offer else None,
                             message=values["message"], status=PENDING if received else FORWARDED)
    db.session.add(request)
    try:
        db.session.commit()
    except IntegrityError:  # a colleague sent the same request at the same moment
        db.session.rollback()
        raise Conflict(_l("A contact request between your organisations is already pending.")) from None
    if received:
        notify_contact_request(request)
    else:
        from community.consultations.services import consultant_ids

        notify(consultant_ids(), CONTACT_FORWARDED,
               N_("%(sender)s asks you to pass a contact request on to %(organisation)s, which has no members yet."),
               url_for("consultations.desk", _anchor="forwarded"), sender=request.from_org.name,
               organisation=to_org.name)
    return request


def state_of(request: ContactRequest, received: bool | None = None) -> str:
    """The honest state of a request: a pending one that nobody can receive (the receiving organisation
    has no active member, e.g. since the last one left) is `not_received`, not waiting."""
    if request.status != PENDING:
        return request.status
    if received is None:
        received = has_active_members(request.to_org_id)
    return WAITING if received else NOT_RECEIVED


def forwarded_requests(limit: int = 50) -> list[ContactRequest]:
    """The competence centre's queue: requests to organisations without members, oldest first."""
    return list(db.session.scalars(_query().filter(ContactRequest.status == FORWARDED)
                                   .order_by(ContactRequest.created_at, ContactRequest.id).limit(limit)))


def remind_and_expire(now=None) -> tuple[int, int]:
    """Remind the receivers of requests unanswered for REMIND_AFTER_DAYS (once: reminded_at) and expire
    those unanswered for EXPIRE_AFTER_DAYS with a notice to the sender. Idempotent: each step moves
    only rows that have not had it, by a conditional update, so a parallel answer always wins."""
    now = now or utcnow()
    expired = reminded = 0
    for request in db.session.scalars(_query().filter(
            ContactRequest.status == PENDING,
            ContactRequest.created_at <= now - timedelta(days=EXPIRE_AFTER_DAYS))).all():
        moved = db.session.execute(sa.update(ContactRequest).filter(
            ContactRequest.id == request.id, ContactRequest.status == PENDING).values(
            status=EXPIRED, decided_at=now, updated_at=now)).rowcount
        db.session.commit()
        if moved:
            expired += 1
            senders = [request.from_user_id] if request.from_user_id else \
                organisation_member_ids(request.from_org_id)
            notify(senders, CONTACT_EXPIRED,
                   N_("Your contact request to %(organisation)s has expired: nobody answered within %(days)s days."),
                   url_for("suggestions.contact_list", direction=OUTGOING), organisation=request.to_org.name,
                   days=EXPIRE_AFTER_DAYS)
    for request in db.session.scalars(_query().filter(
            ContactRequest.status == PENDING, ContactRequest.reminded_at.is_(None),
            ContactRequest.created_at <= now - timedelta(days=REMIND_AFTER_DAYS))).all():
        moved = db.session.execute(sa.update(ContactRequest).filter(
            ContactRequest.id == request.id, ContactRequest.status == PENDING,
            ContactRequest.reminded_at.is_(None)).values(reminded_at=now)).rowcount
        db.session.commit()
        if moved:
            reminded += 1
            notify(organisation_member_ids(request.to_org_id), CONTACT_REMINDER,
                   N_("%(organisation)s is still waiting for your answer to its contact request."),
                   url_for("suggestions.contact_list", direction=INCOMING), organisation=request.from_org.name)
    return reminded, expired


def _query():
    return db.select(ContactRequest).options(
        joinedload(ContactRequest.from_org), joinedload(ContactRequest.to_org),
        joinedload(ContactRequest.from_user), joinedload(ContactRequest.decided_by),
        joinedload(ContactRequest.need), joinedload(ContactRequest.offer), joinedload(ContactRequest.room),
    )


def get_contact_request(user, request_id) -> ContactRequest:
    """A request the user's organisation sent or received; any other looks like a missing one."""
    request = db.session.scalar(_query().filter(ContactRequest.id == request_id)) \
        if isinstance(request_id, int) else None
    if request is None or not policy.can(user, "contact.view", request):
        raise NotFound(_l("This contact request does not exist."))
    return request


def list_contact_requests(user, args, page: int = 1, per_page: int = 20) -> Page:
    """The requests the user's organisation received (incoming) or sent (outgoing), newest first."""
    org_id = _own_organisation_id(user)
    direction = LIST_FILTERS.clean({"direction": args.get("direction") or None})["direction"]
    select = _query()
    if direction == INCOMING:
        select = select.filter(ContactRequest.to_org_id == org_id)
    elif direction == OUTGOING:
        select = select.filter(ContactRequest.from_org_id == org_id)
    else:
        select = select.filter(sa.or_(ContactRequest.to_org_id == org_id, ContactRequest.from_org_id == org_id))
    return paginate(select.order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc()), page, per_page)


def _decide(user, request: ContactRequest, status: str) -> bool:
    """Move a pending request to `status`, atomically: of two members deciding at once, one wins."""
    result = db.session.execute(
        sa.update(ContactRequest).filter(ContactRequest.id == request.id, ContactRequest.status == PENDING)
        .values(status=status, decided_at=utcnow(), decided_by_id=user.id, updated_at=utcnow())
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(_l("This contact request has already been answered or withdrawn."))
    return True


def accept_contact_request(user, request: ContactRequest) -> ContactRequest:
    policy.require(user, "contact.decide", request)
    _decide(user, request, ACCEPTED)
    members = db.session.scalars(db.select(User).filter(
        User.organisation_id.in_((request.from_org_id, request.to_org_id)), User.deleted_at.is_(None))).all()
    room = next((room for choose in ROOM_CHOOSERS if (room := choose(user, request, members)) is not None), None) \
        or open_partner_room(user, f"{request.from_org.name} – {request.to_org.name}", members)
    db.session.flush()
    db.session.execute(sa.update(ContactRequest).filter(ContactRequest.id == request.id).values(room_id=room.id))
    db.session.commit()
    db.session.refresh(request)
    notify_contact_answer(request, _pending_incoming(request.to_org_id))
    return request


def _pending_incoming(org_id: int) -> int:
    return db.session.scalar(db.select(sa.func.count(ContactRequest.id)).filter(
        ContactRequest.to_org_id == org_id, ContactRequest.status == PENDING)) or 0


def decline_contact_request(user, request: ContactRequest) -> ContactRequest:
    policy.require(user, "contact.decide", request)
    _decide(user, request, DECLINED)
    db.session.commit()
    db.session.refresh(request)
    notify_contact_answer(request, _pending_incoming(request.to_org_id))
    return request


def withdraw_contact_request(user, request: ContactRequest) -> ContactRequest:
    policy.require(user, "contact.withdraw", request)
    _decide(user, request, WITHDRAWN)
    db.session.commit()
    db.session.refresh(request)
    return request


def _person(user: User | None) -> dict | None:
    if user is None or user.deleted_at is not None:
        return None
    return {"name": user.name, "email": user.email, "phone": user.phone, "job_title": user.job_title}


def contact_details(viewer, request: ContactRequest) -> dict | None:
    """The requesting and the accepting person's details, once accepted and for either side only."""
    if not policy.can(viewer, "contact.see_details", request):
        return None
    return {"requester": _person(request.from_user), "responder": _person(request.decided_by)}


def direction_of(viewer, request: ContactRequest) -> str:
    return INCOMING if viewer.organisation_id == request.to_org_id else OUTGOING
