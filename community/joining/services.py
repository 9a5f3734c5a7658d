"""Finding one's organisation in the register, joining it, and merging organisations registered twice.

Registration starts with the register: whoever finds their organisation asks to join it instead of
creating it again. Its admins decide; an organisation nobody has joined yet (most of the official
register) is decided by the platform's admins, and its first approved member becomes its admin.
"""
import difflib
import re

from flask import url_for
from flask_babel import lazy_gettext as _l

from community import policy
from community.auth.models import User
from community.auth.services import create_user, is_first_member
from community.errors import Conflict, NotFound, ValidationError
from community.extensions import db
from community.i18n import N_, lazy_plain
from community.joining.models import APPROVED, DECLINED, PENDING, WITHDRAWN, DistinctOrganisations, JoinRequest
from community.models_base import get_or_not_found, utcnow
from community.notifications import kinds
from community.notifications.services import mark_handled, notify
from community.organisations.models import REGISTER_DISSOLVED, Organisation
from community.organisations.services import core_name, name_key_or_postcode
from community.signals import organisation_changed, records_bulk_changed
from community.suggestions.models import ContactRequest
from community.validation import Schema, Text

JOIN_REQUEST, JOIN_DECIDED = "join_request", "join_decided"
NOTIFICATION_KINDS = (JOIN_REQUEST, JOIN_DECIDED)
for _kind in NOTIFICATION_KINDS:
    kinds.register_kind(_kind, kinds.CONTACT_REQUESTS)
QUERY_MAX = 100
RESULTS_MAX = 20
SIMILARITY = 0.85
OFFICIAL_KEY_OR_POSTCODE = re.compile(r"^\d{2,12}$")


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_register(query) -> list[Organisation]:
    """Organisations by name, official key (AGS of 5 or 8 digits, ARS of 12, ...) or postcode; exact
    matches first."""
    query = (query or "").strip() if isinstance(query, str) else ""
    if len(query) > QUERY_MAX:
        raise ValidationError(_l("Please correct the marked fields."),
                              fields={"q": lazy_plain("Must be at most %(n)s characters long.", n=QUERY_MAX)})
    if len(query) < 2:
        return []
    # A municipality merged into another is found under its successor, not joined any more.
    select = db.select(Organisation).filter(db.or_(Organisation.register_state.is_(None),
                                                   Organisation.register_state != REGISTER_DISSOLVED))
    if OFFICIAL_KEY_OR_POSTCODE.match(query):
        select = select.filter(name_key_or_postcode(query))
        return list(db.session.scalars(select.order_by(Organisation.name, Organisation.id).limit(RESULTS_MAX)))
    lowered = query.lower()
    rank = db.case((db.func.lower(Organisation.name) == lowered, 0),
                   (db.func.lower(Organisation.name).like(_like(lowered).removeprefix("%"), escape="\\"), 1),
                   else_=2)
    select = select.filter(Organisation.name.ilike(_like(query), escape="\\")) \
        .order_by(rank, Organisation.verified.desc(), Organisation.name, Organisation.id)
    return list(db.session.scalars(select.limit(RESULTS_MAX)))


def pending_request_of(user) -> JoinRequest | None:
    return db.session.scalar(db.select(JoinRequest).filter_by(user_id=user.id, status=PENDING))


def _decider_ids(org: Organisation) -> list[int]:
    """Who is told about a join request: the organisation's admins, else the platform's admins."""
    admins = list(db.session.scalars(db.select(User.id).filter(
        User.organisation_id == org.id, User.is_org_admin.is_(True), User.deleted_at.is_(None))))
    if admins:
        return admins
    return list(db.session.scalars(db.select(User.id).filter(User.role == "admin", User.deleted_at.is_(None))))


FUNCTION_MAX = 120
JOIN_SCHEMA = Schema({"function": Text(FUNCTION_MAX, required=True, min_length=2)})


def request_to_join(user, org: Organisation, function) -> JoinRequest:
    """Ask to join `org`; `function` is what the person does there, since its admins decide on it."""
    if user.organisation_id is not None:
        raise Conflict(_l("You already belong to an organisation. Ask one of its administrators to remove "
                          "you before you join another one."))
    if pending_request_of(user) is not None:
        raise Conflict(_l("You have already asked to join an organisation; wait for the answer or withdraw it."))
    function = JOIN_SCHEMA.clean({"function": function})["function"]
    join_request = JoinRequest(user_id=user.id, organisation_id=org.id, status=PENDING, function=function)
    if not user.job_title:
        user.job_title = function
    db.session.add(join_request)
    db.session.commit()
    if user.email_confirmed:  # else once the address is confirmed (hooks.py): nobody decides on it before
        announce(join_request)
    return join_request


def announce(join_request: JoinRequest) -> None:
    """Tell the organisation's admins (or the platform's) that someone asks to join."""
    org = join_request.organisation
    notify(_decider_ids(org), JOIN_REQUEST, N_("%(name)s asks to join %(organisation)s."),
           url_for("joining.requests", org_id=org.id), name=join_request.user.name, organisation=org.name)


def _confirmed_applicant():
    """Join requests whose author has confirmed their address: only those are decided."""
    return db.select(User.id).filter(User.id == JoinRequest.user_id, User.email_confirmed_at.isnot(None)).exists()


def register_and_join(data: dict, org_id) -> tuple[User, JoinRequest]:
    """A new account without an organisation and its request to join an existing one."""
    org = get_or_not_found(Organisation, org_id, _l("This organisation does not exist."))
    data = dict(data)
    function = JOIN_SCHEMA.clean({"function": data.pop("function", None)})["function"]
    user = create_user(data, None, confirmed=False)  # the link goes out; the request waits for it
    return user, request_to_join(user, org, function)


def get_join_request(user, request_id) -> JoinRequest:
    """A request the user may decide or is the author of; any other looks like a missing one."""
    return get_or_not_found(JoinRequest, request_id, _l("This join request does not exist."),
                            hidden=lambda found: not (policy.can(user, "join.decide", found)
                                                      or policy.can(user, "join.withdraw", found)))


def pending_for(user, org: Organisation) -> list[JoinRequest]:
    """The open requests to join `org`, oldest first, for whoever decides them."""
    if not (policy.is_admin(user) or policy.is_org_admin_of(user, org)):
        raise NotFound(_l("This organisation does not exist."))
    return list(db.session.scalars(db.select(JoinRequest).filter_by(organisation_id=org.id, status=PENDING)
                                   .filter(_confirmed_applicant())
                                   .order_by(JoinRequest.created_at, JoinRequest.id)))


def platform_queue(user) -> list[JoinRequest]:
    """Open requests for organisations without members: the platform decides those."""
    policy.require(user, "organisation.verify")
    has_members = db.select(User.id).filter(User.organisation_id == JoinRequest.organisation_id,
                                            User.deleted_at.is_(None)).exists()
    return list(db.session.scalars(db.select(JoinRequest).filter(JoinRequest.status == PENDING, ~has_members,
                                                                 _confirmed_applicant())
                                   .order_by(JoinRequest.created_at, JoinRequest.id)))


def _close(user, join_request: JoinRequest, status: str) -> None:
    """Move a pending request to `status`, atomically: of two admins deciding at once, one wins."""
    result = db.session.execute(
        db.update(JoinRequest).filter(JoinRequest.id == join_request.id, JoinRequest.status == PENDING)
        .values(status=status, decided_at=utcnow(), decided_by_id=user.id, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(_l("This join request has already been answered or withdrawn."))


def _handled(join_request: JoinRequest) -> None:
    mark_handled(JOIN_REQUEST, url_for("joining.requests", org_id=join_request.organisation_id))


def approve(user, join_request: JoinRequest) -> JoinRequest:
    policy.require(user, "join.decide", join_request)
    applicant, org = join_request.user, join_request.organisation
    if applicant.organisation_id is not None or not applicant.is_active:
        raise Conflict(_l("This person belongs to another organisation by now."))
    if not applicant.email_confirmed:
        raise Conflict(_l("This person has not confirmed their e-mail address yet."))
    _close(user, join_request, APPROVED)
    applicant.is_org_admin = is_first_member(org)
    applicant.organisation_id = org.id
    db.session.commit()
    db.session.refresh(join_request)
    _handled(join_request)
    notify([applicant.id], JOIN_DECIDED, N_("You are now a member of %(organisation)s."),
           url_for("organisations.show", org_id=org.id), organisation=org.name)
    return join_request


def decline(user, join_request: JoinRequest) -> JoinRequest:
    policy.require(user, "join.decide", join_request)
    _close(user, join_request, DECLINED)
    db.session.commit()
    db.session.refresh(join_request)
    _handled(join_request)
    notify([join_request.user_id], JOIN_DECIDED, N_("%(organisation)s has declined your request to join."),
           url_for("joining.find"), organisation=join_request.organisation.name)
    return join_request


def withdraw(user, join_request: JoinRequest) -> JoinRequest:
    policy.require(user, "join.withdraw", join_request)
    _close(user, join_request, WITHDRAWN)
    db.session.commit()
    _handled(join_request)
    return join_request


# --- possible duplicates -----------------------------------------------------------------------


def _look_alike(org: Organisation) -> list[Organisation]:
    core = core_name(org.name)
    if len(core) < 2:
        return []
    longest = max(core.split(), key=len)
    # Only the same kind and type: "Stadt Bamberg" is not a duplicate of "Landkreis Bamberg".
    others = db.session.scalars(db.select(Organisation).filter(
        Organisation.id != org.id, Organisation.kind == org.kind, Organisation.org_type == org.org_type,
        Organisation.land.is_(org.land) if org.land is None
        else Organisation.land == org.land, Organisation.name.ilike(_like(longest), escape="\\")).limit(200))
    return [other for other in others
            if difflib.SequenceMatcher(None, core, core_name(other.name)).ratio() >= SIMILARITY]


def possible_duplicates(user) -> list[tuple[Organisation, list[Organisation]]]:
    """Organisations registered by people (not verified, not from the register or the demo) whose name
    and Land resemble another's, with those others; pairs an admin called distinct are left out."""
    policy.require(user, "organisation.merge")
    registered = db.session.scalars(db.select(Organisation).filter(
        Organisation.verified.is_(False), Organisation.is_demo.is_(False), Organisation.official_key.is_(None))
        .order_by(Organisation.created_at.desc(), Organisation.id.desc()).limit(200))
    distinct = {(row.organisation_id, row.other_id) for row in db.session.scalars(db.select(DistinctOrganisations))}
    found = []
    for org in registered:
        others = [other for other in _look_alike(org) if (org.id, other.id) not in distinct]
        if others:
            found.append((org, others))
    return found


def mark_distinct(user, org: Organisation, other: Organisation) -> None:
    policy.require(user, "organisation.merge")
    exists = db.session.scalar(db.select(DistinctOrganisations.id).filter_by(organisation_id=org.id,
                                                                             other_id=other.id))
    if exists is None:
        db.session.add(DistinctOrganisations(organisation_id=org.id, other_id=other.id, decided_by_id=user.id))
        db.session.commit()


def _withdraw_clashing_requests(duplicate: Organisation, into: Organisation) -> None:
    """Only one pending request between two organisations: where a third asked both, the one to the
    duplicate is withdrawn."""
    def partners(org_id: int):
        return db.select(db.case((ContactRequest.from_org_id == org_id, ContactRequest.to_org_id),
                                 else_=ContactRequest.from_org_id)).filter(
            ContactRequest.status == PENDING,
            db.or_(ContactRequest.from_org_id == org_id, ContactRequest.to_org_id == org_id))

    db.session.execute(db.update(ContactRequest).filter(
        ContactRequest.status == PENDING,
        db.or_(db.and_(ContactRequest.from_org_id == duplicate.id, ContactRequest.to_org_id.in_(partners(into.id))),
               db.and_(ContactRequest.to_org_id == duplicate.id, ContactRequest.from_org_id.in_(partners(into.id)))))
        .values(status=WITHDRAWN, decided_at=utcnow()).execution_options(synchronize_session=False))


# What an organisation's records become when it is merged into another: these tables' rows move with it (by
# table name, so this feature imports none of theirs); the rows of DERIVED_TABLES are facts about the duplicate
# itself (its topics, withheld profile, match notices, pairs judged distinct, feedback on suggestions) and go
# with it. tests/test_joining.py fails for a table referring to organisations that is in neither list.
MOVED_TABLES = ("need", "offer", "invite", "join_request", "room", "example", "consultation", "event",
                "cooperation_proposal", "assessment", "assessment_score")
DERIVED_TABLES = ("match_notice", "organisation_topic", "withheld_profile", "distinct_organisations",
                  "suggestion_feedback", "user", "contact_request")  # users and contacts: handled below


def _move_records(duplicate: Organisation, into: Organisation) -> None:
    tables = db.metadata.tables
    into_has_latest = db.session.execute(db.select(tables["assessment"].c.id).where(
        tables["assessment"].c.organisation_id == into.id, tables["assessment"].c.is_latest.is_(True)).limit(1)).first()
    for name in MOVED_TABLES:
        table = tables[name]
        values = {"organisation_id": into.id}
        if into_has_latest is not None and "is_latest" in table.c:
            values["is_latest"] = False  # the organisation's own latest Digital Compass stays its latest
        db.session.execute(db.update(table).where(table.c.organisation_id == duplicate.id).values(**values))


def merge(user, duplicate: Organisation, into: Organisation) -> Organisation:
    """Move the members, their records (MOVED_TABLES), invitations, join and contact requests of `duplicate` to
    `into` and delete `duplicate`. Moved admins stay admins only if `into` has none."""
    policy.require(user, "organisation.merge")
    if duplicate.id == into.id:
        raise ValidationError(_l("Please correct the marked fields."),
                              fields={"into": _l("Choose another organisation to merge into.")})
    keeps_admins = not db.session.scalar(db.select(User.id).filter(
        User.organisation_id == into.id, User.is_org_admin.is_(True), User.deleted_at.is_(None)).limit(1))
    moved = {"synchronize_session": False}
    db.session.execute(db.update(User).filter(User.organisation_id == duplicate.id)
                       .values(organisation_id=into.id, is_org_admin=User.is_org_admin & keeps_admins)
                       .execution_options(**moved))
    _move_records(duplicate, into)
    # A request between the two becomes one of an organisation with itself: it goes.
    db.session.execute(db.delete(ContactRequest).filter(db.or_(
        db.and_(ContactRequest.from_org_id == duplicate.id, ContactRequest.to_org_id == into.id),
        db.and_(ContactRequest.from_org_id == into.id, ContactRequest.to_org_id == duplicate.id)))
        .execution_options(**moved))
    _withdraw_clashing_requests(duplicate, into)
    for column in (ContactRequest.from_org_id, ContactRequest.to_org_id):
        db.session.execute(db.update(ContactRequest).filter(column == duplicate.id)
                           .values({column: into.id}).execution_options(**moved))
    db.session.expire_all()  # the moved rows must not be nulled or deleted with `duplicate`
    db.session.delete(duplicate)
    db.session.commit()
    records_bulk_changed.send("joining.merge")
    organisation_changed.send(into)
    return into
