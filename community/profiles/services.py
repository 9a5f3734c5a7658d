"""Needs and offers: validation, create, update, close, delete, lookup and listing."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from community import policy
from community.errors import NotFound, ValidationError
from community.extensions import db
from community.models_base import get_or_not_found
from community.organisations.services import get_organisation
from community.pagination import Page, paginate
from community.profiles import catalogue
from community.profiles import visibility
from community.profiles.models import Need, Offer
from community.signals import entry_changed, entry_deleted
from community.taxonomy import (ENTRY_VISIBILITY_BY_SLUG, FUNDER_KINDS, OFFER_KIND_BY_SLUG, OFFER_KINDS, PROGRAMME,
                                TOPIC_BY_SLUG, URGENCY_BY_SLUG)
from community.validation import ManyOf, OneOf, Schema, Text

TITLE_MAX = 200
BODY_MAX = 10_000
MODELS = {"need": Need, "offer": Offer}
# The status an entry takes when it is no longer open: a need is solved, an offer is closed.
CLOSED_STATUS = {"need": "solved", "offer": "closed"}

_COMMON = {
    "title": Text(TITLE_MAX, required=True, min_length=3),
    "body": Text(BODY_MAX, multiline=True),
    "topics": ManyOf(TOPIC_BY_SLUG, max_items=len(TOPIC_BY_SLUG)),
    "ozg_ids": ManyOf(catalogue.SERVICE_IDS, max_items=20, coerce=int),
    "visibility": OneOf(ENTRY_VISIBILITY_BY_SLUG, default="public"),
}
SCHEMAS = {
    "need": Schema({**_COMMON, "urgency": OneOf(URGENCY_BY_SLUG, default="medium"),
                    "status": OneOf(("open", "solved"), default="open")}),
    "offer": Schema({**_COMMON, "offer_kind": OneOf(OFFER_KIND_BY_SLUG, default="service"),
                     "status": OneOf(("open", "closed"), default="open")}),
}


def _model(kind: str):
    if kind not in MODELS:
        raise NotFound(_l("Unknown kind of entry."))
    return MODELS[kind]


def validate_entry(kind: str, data: dict, partial: bool = False) -> dict:
    _model(kind)
    return SCHEMAS[kind].clean(data, partial=partial)


def build_entry(kind: str, organisation, author, values: dict):
    """A new, validated entry added to the session but not committed (the importer batches these)."""
    entry = _model(kind)(organisation=organisation, author=author, **values)
    db.session.add(entry)
    return entry


def organisation_for_new_entry(user, organisation_id):
    """The organisation a user is about to add a need or offer to, if they may."""
    organisation = get_organisation(organisation_id)
    policy.require(user, "entry.create", organisation)
    return organisation


def offer_kinds_for(organisation, current: str | None = None) -> tuple:
    """The kinds of offer an organisation may choose: funding programmes only for public funders (and an
    offer that is one already keeps its kind)."""
    if organisation.kind in FUNDER_KINDS or current == PROGRAMME:
        return OFFER_KINDS
    return tuple(choice for choice in OFFER_KINDS if choice.slug != PROGRAMME)


def _refuse_programme(organisation, values: dict, current: str | None = None) -> None:
    allowed = {choice.slug for choice in offer_kinds_for(organisation, current)}
    if values.get("offer_kind") == PROGRAMME and PROGRAMME not in allowed:
        raise ValidationError(_l("Please correct the marked fields."), fields={"offer_kind": _l(
            "Only public funders (the federal states, the federal government and the competence centre) "
            "offer funding programmes.")})


def create_entry(user, organisation, kind: str, data: dict):
    policy.require(user, "entry.create", organisation)
    values = validate_entry(kind, data)
    if kind == "offer":
        _refuse_programme(organisation, values)
    _refuse_links(user, values)
    entry = build_entry(kind, organisation, user, values)
    db.session.commit()
    entry_changed.send(entry)
    return entry


def _refuse_links(user, values: dict) -> None:
    from community.forums.services import refuse_links_in  # the one link rule for new accounts

    refuse_links_in(user, values, ("title", "body"))


def update_entry(user, entry, data: dict, partial: bool = False):
    policy.require(user, "entry.edit", entry)
    values = validate_entry(kind_of(entry), data, partial=partial)
    if kind_of(entry) == "offer":
        _refuse_programme(entry.organisation, values, entry.offer_kind)
    _refuse_links(user, values)
    for name, value in values.items():
        setattr(entry, name, value)
    db.session.commit()
    entry_changed.send(entry)
    return entry


def set_entry_open(user, entry, is_open: bool):
    """Close (a need is solved, an offer closed) or reopen an entry."""
    status = "open" if is_open else CLOSED_STATUS[kind_of(entry)]
    return update_entry(user, entry, {"status": status}, partial=True)


def delete_entry(user, entry) -> None:
    policy.require(user, "entry.edit", entry)
    kind, entry_id = kind_of(entry), entry.id
    db.session.delete(entry)
    db.session.commit()
    entry_deleted.send(kind, entry_id=entry_id)


def kind_of(entry) -> str:
    return entry.record_prefix


def get_entry(kind: str, entry_id, viewer):
    """The entry if it exists and the viewer may see it; hidden entries look like missing ones."""
    return get_or_not_found(_model(kind), entry_id, _l("This entry does not exist."),
                            hidden=lambda entry: not policy.can(viewer, "entry.view", entry))


def get_entry_for_edit(kind: str, entry_id, user):
    entry = get_entry(kind, entry_id, user)
    policy.require(user, "entry.edit", entry)
    return entry


def list_entries(organisation, kind: str, viewer, status: str | None = None,
                 page: int = 1, per_page: int = 20) -> Page:
    model = _model(kind)
    select = db.select(model).filter_by(organisation_id=organisation.id)
    if status:
        select = select.filter_by(status=status)
    select = select.filter(visibility.condition(model, viewer))
    return paginate(select.order_by(model.status.desc(), model.updated_at.desc(), model.id.desc()), page, per_page)


def open_entry_counts(organisation_ids, viewer) -> dict[int, dict[str, int]]:
    """Open needs and offers per organisation the viewer may see, in one grouped query."""
    organisation_ids = list(organisation_ids)
    counts = {org_id: {kind: 0 for kind in MODELS} for org_id in organisation_ids}
    if not organisation_ids:
        return counts
    # Status and visibility are grouped, not filtered, in SQL: a filter on status tempts SQLite
    # into its (unselective) status index instead of the organisation index.
    selects = [
        db.select(model.organisation_id, sa.literal_column(f"'{kind}'"), model.status, model.visibility,
                  sa.func.count())
        .filter(model.organisation_id.in_(organisation_ids))
        .group_by(model.organisation_id, model.status, model.visibility)
        for kind, model in MODELS.items()
    ]
    for org_id, kind, status, entry_visibility, n in db.session.execute(sa.union_all(*selects)):
        if status == "open" and visibility.can_see(viewer, visibility.Described(org_id, entry_visibility)):
            counts[org_id][kind] += n
    return counts


def entry_to_dict(entry) -> dict:
    data = {
        "id": entry.id,
        "kind": kind_of(entry),
        "organisation_id": entry.organisation_id,
        "title": entry.title,
        "body": entry.body,
        "topics": list(entry.topics),
        "ozg_ids": list(entry.ozg_ids),
        "visibility": entry.visibility,
        "status": entry.status,
        "created_at": entry.created_at.isoformat() + "Z",
        "updated_at": entry.updated_at.isoformat() + "Z",
    }
    if isinstance(entry, Need):
        data["urgency"] = entry.urgency
    else:
        data["offer_kind"] = entry.offer_kind
    return data

