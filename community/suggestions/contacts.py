"""Contact requests between organisations, with double opt-in.

A member asks another organisation to get in touch; any member of that organisation accepts or
declines; the asking side may withdraw while it is pending. Contact details (email, phone, job
title) of the people involved are shown to the other side only once it is accepted, and acceptance
opens a partner room for the members of both organisations. One pending request at a time
between two organisations, in either direction.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from community import policy
from community.auth.models import User
from community.errors import Conflict, NotFound, ValidationError
from community.extensions import db
from community.models_base import utcnow
from community.notifications.services import notify_contact_answer, notify_contact_request
from community.organisations.models import Organisation
from community.pagination import Page, paginate
from community.profiles.models import Need, Offer
from community.rooms.services import open_partner_room
from community.suggestions.models import ACCEPTED, DECLINED, PENDING, WITHDRAWN, ContactRequest
from community.validation import Id, OneOf, Schema, Text

MESSAGE_MAX = 1000
INCOMING, OUTGOING = "incoming", "outgoing"
DIRECTIONS = (INCOMING, OUTGOING)


CREATE_SCHEMA = Schema({
    "to_organisation_id": Id(required=True),
    "message": Text(MESSAGE_MAX, required=True, multiline=True),
    "need_id": Id(),
    "offer_id": Id(),
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
    request = ContactRequest(from_user_id=user.id, from_org_id=from_org_id, to_org_id=to_org.id,
                             need_id=need.id if need else None, offer_id=offer.id if offer else None,
                             message=values["message"], status=PENDING)
    db.session.add(request)
    try:
        db.session.commit()
    except IntegrityError:  # a colleague sent the same request at the same moment
        db.session.rollback()
        raise Conflict(_l("A contact request between your organisations is already pending.")) from None
    notify_contact_request(request)
    return request


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
    room = open_partner_room(user, f"{request.from_org.name} – {request.to_org.name}", members)
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
