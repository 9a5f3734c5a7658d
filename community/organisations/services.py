"""Organisations: creation, profile updates, lookup and the directory."""
import re
from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from community import policy
from community.errors import ValidationError
from community.extensions import db
from community.models_base import get_or_not_found, utcnow
from community.organisations.models import Organisation, OrganisationTopic
from community.pagination import Page, paginate
from community.signals import organisation_changed
from community.taxonomy import (
    LAND_BY_SLUG,
    MUNICIPALITY,
    ORG_KIND_BY_SLUG,
    ORG_TYPE_SLUGS,
    POPULATION_CLASS_BY_SLUG,
    TOPIC_BY_SLUG,
    VISIBILITY_BY_SLUG,
)
from community.validation import Flag, ManyOf, OneOf, Schema, Text
from community.i18n import lazy_plain

NAME_MAX = 200
DESCRIPTION_MAX = 10_000
OFFICIAL_KEY = re.compile(r"^(\d{2}|\d{5}|\d{8}|\d{9}|\d{12})$")

PROFILE_SCHEMA = Schema({
    "name": Text(NAME_MAX, required=True, min_length=2),
    "org_type": OneOf(sorted({slug for slugs in ORG_TYPE_SLUGS.values() for slug in slugs}), default=""),
    "official_key": Text(12),
    "land": OneOf(LAND_BY_SLUG),
    "postcode": Text(5),
    "population_class": OneOf(POPULATION_CLASS_BY_SLUG),
    "description": Text(DESCRIPTION_MAX, multiline=True),
    "description_visibility": OneOf(VISIBILITY_BY_SLUG, default="public"),
    "website": Text(300),
    "contact_email": Text(254),
    "contact_visibility": OneOf(VISIBILITY_BY_SLUG, default="members"),
    "topics": ManyOf(TOPIC_BY_SLUG, max_items=len(TOPIC_BY_SLUG)),
})
CREATE_SCHEMA = Schema({"kind": OneOf(ORG_KIND_BY_SLUG, required=True), **PROFILE_SCHEMA.fields})


def _check_consistency(kind: str, values: dict) -> None:
    """Rules that span fields: the type must fit the kind; keys and classes only for municipalities."""
    errors = {}
    org_type = values.get("org_type")
    if org_type and org_type not in ORG_TYPE_SLUGS[kind]:
        errors["org_type"] = _l("This type does not fit the kind of organisation.")
    key = values.get("official_key")
    if key and not OFFICIAL_KEY.match(key):
        errors["official_key"] = _l("An official key has 2, 5, 8, 9 or 12 digits.")
    if kind != MUNICIPALITY and values.get("population_class"):
        errors["population_class"] = _l("Only municipalities have a population class.")
    postcode = values.get("postcode")
    if postcode and not re.match(r"^\d{5}$", postcode):
        errors["postcode"] = _l("A postcode has 5 digits.")
    website = values.get("website")
    if website and not re.match(WEBSITE_PATTERN, website):
        errors["website"] = _l("Enter a web address starting with http:// or https://.")
    email = values.get("contact_email")
    if email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
        errors["contact_email"] = _l("Enter a valid email address.")
    if key and "official_key" not in errors:
        holder = key_holder(key)
        if holder is not None and holder.id != values.get("_id"):
            errors["official_key"] = lazy_plain("%(name)s already has this official key; ask to join it instead.",
                                        name=holder.name)
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), fields=errors)


def key_conditions(key: str) -> list:
    """SQL conditions for the organisation an official key names: the key itself, or the AGS it holds.

    An 8-digit AGS names the Gemeinde whose 12-digit ARS holds it (ARS = AGS with the Verband inserted),
    a 5-digit key the Kreis, or the kreisfreie Stadt that is its own Kreis (AGS Kreis + "000")."""
    conditions = [Organisation.official_key == key]
    if len(key) in (5, 8):
        conditions.append(Organisation.ags == key)
    if len(key) == 5:
        conditions.append(Organisation.ags == key + "000")
    if len(key) == 12:
        conditions.append(Organisation.ags == key[:5] + key[9:])
    return conditions


def key_holder(key: str) -> Organisation | None:
    """The organisation that already has this official key or AGS, if any."""
    return db.session.scalars(db.select(Organisation).filter(db.or_(*key_conditions(key)))
                              .order_by(Organisation.id).limit(1)).first()


def _apply(org: Organisation, values: dict) -> None:
    for name, value in values.items():
        if name == "topics":
            org.topics = value
        elif name == "official_key":
            org.official_key = value or None
        else:
            setattr(org, name, value)


# Words that say what a body is rather than which one: "Gemeinde Affing" and "Affing" are one place.
TITLE_WORDS = re.compile(r"\b(gemeinde|stadt|markt|landkreis|kreis|amt|samtgemeinde|verbandsgemeinde|"
                         r"hansestadt|große kreisstadt|kreisstadt|landeshauptstadt|marktgemeinde)\b")
SAME_NAME_MAX = 10


def core_name(name: str) -> str:
    """A name without titles, punctuation and case, for comparing two organisations' names."""
    name = TITLE_WORDS.sub(" ", name.lower())
    return " ".join(re.sub(r"[^\w]+", " ", name).split())


class PossibleDuplicate(ValidationError):
    """A new organisation looks like one that exists: same name in the same Land, or same postcode."""

    def __init__(self, message, fields: dict, matches: list[Organisation]):
        super().__init__(message, fields=fields)
        self.matches = matches


def _same_name(name: str, land: str | None) -> list[Organisation]:
    core = core_name(name)
    if len(core) < 2:
        return []
    longest = max(core.split(), key=len)
    pattern = "%" + longest.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    candidates = db.session.scalars(db.select(Organisation).filter(
        Organisation.land.is_(None) if land is None else Organisation.land == land,
        Organisation.name.ilike(pattern, escape="\\")).order_by(Organisation.name, Organisation.id).limit(200))
    return [org for org in candidates if core_name(org.name) == core][:SAME_NAME_MAX]


def existing_matches(values: dict) -> tuple[Organisation | None, list[Organisation]]:
    """Before an organisation is created: the one holding its official key, and those of the same name
    in the same Land or (for the same kind) at the same postcode."""
    key = values.get("official_key")
    holder = key_holder(key) if key else None
    found = {}
    if values.get("name"):
        found.update((org.id, org) for org in _same_name(values["name"], values.get("land")))
    if values.get("postcode") and values.get("kind"):
        found.update((org.id, org) for org in db.session.scalars(db.select(Organisation).filter_by(
            postcode=values["postcode"], kind=values["kind"]).order_by(Organisation.name).limit(SAME_NAME_MAX)))
    found.pop(holder.id if holder else None, None)
    return holder, [org for org in found.values() if not org.is_dissolved]


def check_not_registered(values: dict, distinct_reason: str) -> None:
    """A new organisation must not be one that exists. Its official key is refused outright (see
    _check_consistency); the same name in the same Land, or the same postcode, needs a reason why it is
    a different organisation, which the platform's admins see."""
    _holder, matches = existing_matches(values)
    if matches and not distinct_reason.strip():
        raise PossibleDuplicate(
            _l("Please correct the marked fields."),
            fields={"distinct_reason": _l("An organisation of this name or postcode exists already. Ask to join "
                                          "it, or say why yours is a different organisation.")},
            matches=matches)


def validate_new_organisation(data: dict) -> dict:
    """Clean the fields of a new organisation without touching the database session."""
    values = CREATE_SCHEMA.clean(data)
    _check_consistency(values["kind"], values)
    return values


def create_organisation(data: dict, commit: bool = True) -> Organisation:
    values = validate_new_organisation(data)
    org = Organisation(kind=values.pop("kind"))
    _apply(org, values)
    db.session.add(org)
    if commit:
        db.session.commit()
        organisation_changed.send(org)
    return org


# (organisation, new description) -> True when the text is held back for review instead of published.
# Moderation registers one (a withheld profile), so this module imports no moderation.
_description_holds: list[Callable[[Organisation, str], bool]] = []


def register_description_hold(hold: Callable[[Organisation, str], bool]) -> None:
    _description_holds.append(hold)


def update_organisation(user, org: Organisation, data: dict, partial: bool = False) -> Organisation:
    policy.require(user, "organisation.edit", org)
    values = PROFILE_SCHEMA.clean(data, partial=partial)
    from community.forums.services import refuse_links_in  # the one link rule for new accounts

    refuse_links_in(user, values, ("description",))
    _check_consistency(org.kind, {**values, "_id": org.id})
    _keep_register_fields(org, values)
    if "description" in values and any(hold(org, values["description"]) for hold in _description_holds):
        del values["description"]  # hidden by moderation: the new text waits for review
    if org.verified and changes_identity(org, values) and not policy.can(user, "organisation.verify", org):
        # Verification vouches for a name and a key; another name is another claim, checked anew.
        org.verified = False
        org.verified_at = None
    _apply(org, values)
    db.session.commit()
    organisation_changed.send(org)
    return org


# What the official register says of a municipality: it changes with the register (flask import-register),
# so peers compared by type and size stay comparable.
REGISTER_FIELDS = ("name", "official_key", "org_type", "land", "population_class", "postcode")


def _keep_register_fields(org: Organisation, values: dict) -> None:
    if org.register_state is None:
        return
    changed = {name: _l("Taken from the official municipal register; it changes only with the register.")
               for name in REGISTER_FIELDS if name in values and (values[name] or None) != (getattr(org, name) or None)}
    if changed:
        raise ValidationError(_l("Please correct the marked fields."), fields=changed)


def changes_identity(org: Organisation, values: dict) -> bool:
    """Whether cleaned profile values rename the organisation or change its official key (AGS)."""
    renamed = "name" in values and values["name"] != org.name
    rekeyed = "official_key" in values and (values["official_key"] or None) != org.official_key
    return renamed or rekeyed


def get_organisation(org_id) -> Organisation:
    return get_or_not_found(Organisation, org_id, _l("This organisation does not exist."))


def get_organisation_for_edit(user, org_id) -> Organisation:
    org = get_organisation(org_id)
    policy.require(user, "organisation.edit", org)
    return org


def visible_profile(viewer, org: Organisation) -> dict:
    """The description and contact address as this viewer may see them; None where hidden."""
    members = policy.can(viewer, "members_only.view")
    return {
        "description": org.description if org.description_visibility == "public" or members else None,
        "contact_email": org.contact_email if org.contact_visibility == "public" or members else None,
    }


def verify_organisation(user, org: Organisation, verified: bool) -> Organisation:
    """Mark an organisation as checked by the platform; only public bodies show it as a badge."""
    policy.require(user, "organisation.verify", org)
    if org.verified != verified:
        org.verified = verified
        org.verified_at = utcnow() if verified else None
        db.session.commit()
        organisation_changed.send(org)
    return org


def _clean_query(schema: Schema, args) -> dict:
    """The schema's parameters from a query string, cleaned; empty ones count as absent."""
    present = {name: args.get(name) for name in schema.fields if args.get(name) not in (None, "")}
    return {name: value for name, value in schema.clean(present).items() if value not in (None, "")}


VERIFICATION_FILTERS = Schema({"verified": Flag(default=None)})


def verification_queue(user, args, page: int = 1, per_page: int = 20) -> Page:
    """Organisations for the platform admins' review, newest first, filtered by a query string."""
    policy.require(user, "organisation.verify")
    filters = _clean_query(VERIFICATION_FILTERS, args)
    select = db.select(Organisation)
    if "verified" in filters:
        select = select.filter(Organisation.verified.is_(filters["verified"]))
    return paginate(select.order_by(Organisation.created_at.desc(), Organisation.id.desc()), page, per_page)


WEBSITE_PATTERN = r"^https?://[^\s/$.?#].[^\s]*$"

DIRECTORY_FILTERS = Schema({
    "q": Text(100),
    "kind": OneOf(ORG_KIND_BY_SLUG),
    "land": OneOf(LAND_BY_SLUG),
    "topic": OneOf(TOPIC_BY_SLUG),
    "population_class": OneOf(POPULATION_CLASS_BY_SLUG),
    "verified": Flag(default=None),
})


def clean_directory_filters(args) -> dict:
    """Directory filters from a query string; unknown parameters (page, per_page, ...) are not ours."""
    return _clean_query(DIRECTORY_FILTERS, args)


KEY_OR_POSTCODE = re.compile(r"^\d{2,12}$")
WHOLE_KEY_LENGTHS = (5, 8, 9, 12)


def name_key_or_postcode(query: str):
    """SQL condition: a part of the name; digits also an official key (AGS of 5 or 8, ARS of 12 digits,
    ...) or a postcode. A whole key or postcode (5, 8, 9 or 12 digits) is looked up by its indexes only:
    no name holds one, and a name scan would read every row of the register for it."""
    query = query.strip()
    by_key = [*key_conditions(query), Organisation.postcode == query] if KEY_OR_POSTCODE.match(query) else []
    if len(query) in WHOLE_KEY_LENGTHS and by_key:
        return db.or_(*by_key)
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return db.or_(Organisation.name.ilike(pattern, escape="\\"), *by_key)


def directory(filters: dict, page: int = 1, per_page: int = 20) -> Page:
    """Organisations matching cleaned filters, by name; topics are eager-loaded (no N+1)."""
    select = db.select(Organisation)
    if "kind" in filters:
        select = select.filter(Organisation.kind == filters["kind"])
    if "land" in filters:
        select = select.filter(Organisation.land == filters["land"])
    if "population_class" in filters:
        select = select.filter(Organisation.population_class == filters["population_class"])
    if "verified" in filters:
        select = select.filter(Organisation.verified.is_(filters["verified"]))
    if "topic" in filters:
        select = select.filter(
            Organisation.id.in_(db.select(OrganisationTopic.organisation_id).filter_by(topic=filters["topic"]))
        )
    if filters.get("q"):
        select = select.filter(name_key_or_postcode(filters["q"]))
    return paginate(select.order_by(Organisation.name, Organisation.id), page, per_page)
