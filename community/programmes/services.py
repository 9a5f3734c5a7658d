"""Funding programmes: validation, listing with eligibility, ranking for a need, maintenance by consultants,
import from CSV or JSON, and the reminders before a deadline. The acting user is always an argument.

Eligibility of an organisation: the programme is not retired and its deadline has not passed (or it is
rolling); its level is the EU or the Bund, or it is a Land programme of the organisation's Land; and its
eligible org types are empty (every public body) or name the organisation's type.
"""
import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from community import policy
from community.errors import InvalidInput, ValidationError
from community.extensions import db
from community.i18n import N_, lazy_plain
from community.models_base import get_or_not_found, utcnow
from community.pagination import Page
from community.programmes.models import KINDS, LEVELS, Programme, ProgrammeReminder
from community.signals import entry_changed
from community.taxonomy import LAENDER, ORG_TYPES, PUBLIC_BODY_KINDS, TOPICS, Choice
from community.validation import Flag, Id, ManyOf, OneOf, Schema, Text

ZONE = ZoneInfo("Europe/Berlin")
KIND = "programme"
TOPIC_SLUGS = [topic.slug for topic in TOPICS]
LAND_KEYS = [land.slug for land in LAENDER]
ORG_TYPE_SLUGS = sorted({choice.slug for kind in PUBLIC_BODY_KINDS for choice in ORG_TYPES[kind]})
MAX_AMOUNT = 10_000_000_000
CANDIDATES = 200
MIN_SCORE = 0.02
K_ANONYMITY = 5
REMIND_DAYS = 14
MAX_IMPORT_ROWS = 2000
LEVEL_CHOICES = (Choice("eu", _l("European Union")), Choice("bund", _l("Federal")), Choice("land", _l("Land")))
KIND_CHOICES = (Choice("grant", _l("Grant")), Choice("loan", _l("Loan")),
                Choice("advice_voucher", _l("Advice voucher")))
LEVEL_BY_SLUG = {choice.slug: choice for choice in LEVEL_CHOICES}
KIND_BY_SLUG = {choice.slug: choice for choice in KIND_CHOICES}
BAD_FIELDS = _l("Please correct the marked fields.")
NOT_FOUND = _l("No such funding programme.")


def today() -> date:
    return datetime.now(ZONE).date()


# --- validation -------------------------------------------------------------------------------------------


class DateValue:
    """A day as YYYY-MM-DD (a date object from a form is taken as it is)."""

    def __init__(self, required: bool = False):
        self.required = required

    def clean(self, value):
        if value in (None, ""):
            if self.required:
                raise ValueError(_l("This field is required."))
            return None
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return value
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError(_l("Enter a date as YYYY-MM-DD."))
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            raise ValueError(_l("Enter a date as YYYY-MM-DD.")) from None
        if not 2000 <= parsed.year <= 2099:
            raise ValueError(lazy_plain("Enter a date between %(first)s and %(last)s.", first=2000, last=2099))
        return parsed


class Decimal:
    """A number (whole or not) within bounds, from JSON or from a form (a German comma is read as a point)."""

    def __init__(self, minimum: float, maximum: float):
        self.minimum, self.maximum = minimum, maximum

    def clean(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, str):
            text = value.strip().replace(",", ".")
            try:
                value = float(text) if text.replace(".", "", 1).isdigit() else None
            except ValueError:
                value = None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value \
                or not self.minimum <= value <= self.maximum:
            raise ValueError(lazy_plain("Enter a number from %(low)s to %(high)s.", low=self.minimum,
                                        high=self.maximum))
        return float(value)


class WebAddress:
    def clean(self, value):
        value = Text(500).clean(value)
        if not value:
            return ""
        try:
            parts = urlsplit(value)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("https", "http") or not parts.netloc \
                or any(c.isspace() for c in value):
            raise ValueError(_l("Enter a web address starting with https://."))
        return value


PROGRAMME_SCHEMA = Schema({
    "title": Text(200, required=True),
    "funder": Text(200, required=True),
    "level": OneOf(LEVELS, required=True),
    "land": OneOf(LAND_KEYS),
    "eligible_org_types": ManyOf(ORG_TYPE_SLUGS, max_items=len(ORG_TYPE_SLUGS)),
    "kind": OneOf(KINDS, default="grant"),
    "rate_percent": Decimal(0, 100),
    "max_amount_eur": Decimal(0, MAX_AMOUNT),
    "deadline": DateValue(),
    "rolling": Flag(),
    "url": WebAddress(),
    "stand": DateValue(required=True),
    "topics": ManyOf(TOPIC_SLUGS, max_items=len(TOPIC_SLUGS)),
    "description": Text(20000, multiline=True),
})
FIELDS = tuple(PROGRAMME_SCHEMA.fields)
LIST_FILTERS = Schema({"land": OneOf(LAND_KEYS), "org_type": OneOf(ORG_TYPE_SLUGS), "topic": OneOf(TOPIC_SLUGS),
                       "open": Flag(), "need_id": Id()})


def _clean(schema: Schema, data, partial: bool = False) -> dict:
    try:
        return schema.clean(data, partial=partial)
    except ValidationError as error:
        raise InvalidInput(error.message, fields=error.fields) from None


def _check_consistency(values: dict, on: date | None) -> None:
    """What one field cannot say alone: a Land programme names its Land, others none; a deadline is not in
    the past (`on` None: the importer, which takes expired programmes and marks them)."""
    errors = {}
    if values.get("level") == "land" and not values.get("land"):
        errors["land"] = _l("A Land programme names its Land.")
    if values.get("level") in ("eu", "bund") and values.get("land"):
        errors["land"] = _l("Only a Land programme names a Land.")
    if on is not None and values.get("deadline") is not None and values["deadline"] < on:
        errors["deadline"] = _l("The deadline is in the past.")
    if errors:
        raise InvalidInput(BAD_FIELDS, fields=errors)


def clean_programme(data, *, partial_of: Programme | None = None, on: date | None = None) -> dict:
    """The cleaned values of a new programme, or (partial_of) of the fields a change sends."""
    values = _clean(PROGRAMME_SCHEMA, data, partial=partial_of is not None)
    merged = ({name: getattr(partial_of, name) for name in FIELDS} | values) if partial_of is not None else values
    if partial_of is not None and values.get("deadline", partial_of.deadline) == partial_of.deadline:
        on = None  # an unchanged deadline that has passed since is not the caller's mistake
    _check_consistency(merged, on)
    if merged.get("level") != "land":
        values["land"] = None
    return values


# --- reading ----------------------------------------------------------------------------------------------


def get_programme(programme_id) -> Programme:
    return get_or_not_found(Programme, programme_id, NOT_FOUND)


def is_eligible(programme: Programme, organisation, on: date) -> bool:
    """Whether the organisation may apply now (see the module's docstring)."""
    if organisation is None or not programme.open_on(on):
        return False
    if programme.level == "land" and programme.land != organisation.land:
        return False
    types = programme.eligible_org_types or []
    return not types or organisation.org_type in types


def _has_json_item(column, slug: str):
    # JSON lists on both databases: slugs are known words, so a quoted match is exact.
    return sa.cast(column, sa.String).like(f'%"{slug}"%')


def _filtered(filters: dict, on: date) -> sa.Select:
    query = sa.select(Programme).filter(Programme.retired_at.is_(None))
    if filters.get("land"):
        query = query.filter(sa.or_(Programme.level.in_(("eu", "bund")), Programme.land == filters["land"]))
    if filters.get("org_type"):
        query = query.filter(sa.or_(sa.cast(Programme.eligible_org_types, sa.String).in_(("[]", "null")),
                                    _has_json_item(Programme.eligible_org_types, filters["org_type"])))
    if filters.get("topic"):
        query = query.filter(_has_json_item(Programme.topics, filters["topic"]))
    if filters.get("open"):
        query = query.filter(sa.or_(Programme.rolling.is_(True), Programme.deadline.is_(None),
                                    Programme.deadline >= on))
    return query


def clean_filters(args) -> dict:
    known = ("land", "org_type", "topic", "open", "need_id")
    errors = {name: _l("Unknown field.") for name in sorted(args) if name not in (*known, "page", "per_page")}
    try:
        values = LIST_FILTERS.clean({name: args.get(name) for name in known if args.get(name) not in (None, "")})
    except ValidationError as error:
        errors.update(error.fields or {})
    if errors:
        raise InvalidInput(BAD_FIELDS, fields=errors)
    return values


@dataclass
class Ranked:
    programme: Programme
    score: float
    terms: tuple = ()
    topics: tuple = field(default=())


def ranked_for_need(need, on: date | None = None, k: int = CANDIDATES) -> list[Ranked]:
    """The programmes the need's organisation is eligible for that the engine matches to the need (score at least
    MIN_SCORE), best match first, each with the explaining words."""
    from community.suggestions import engine as matching

    on = on or today()
    organisation = need.organisation
    matches = matching.engine().similar(matching.entry_record(need), k, (KIND,))
    found = {}
    for match in matches:
        parsed = matching.parse_record_id(match.id)
        if parsed is not None and match.score >= MIN_SCORE:
            found[parsed[1]] = match
    rows = db.session.scalars(_filtered({}, on).filter(Programme.id.in_(list(found)))).all() if found else []
    ranked = [Ranked(row, round(found[row.id].score, 4), tuple(found[row.id].terms), tuple(found[row.id].topics))
              for row in rows if is_eligible(row, organisation, on)]
    ranked.sort(key=lambda item: (-item.score, item.programme.id))
    return ranked


def list_programmes(viewer, filters: dict | None = None, page: int = 1, per_page: int = 20,
                    on: date | None = None) -> tuple[Page, dict[int, Ranked]]:
    """A page of programmes (retired ones never), and the ranking by id when a need_id was given: then only
    programmes eligible for that need's organisation, best first."""
    filters, on = filters or {}, on or today()
    if filters.get("need_id"):
        from community.profiles.models import Need
        from community.profiles.visibility import can_see

        need = get_or_not_found(Need, filters["need_id"], _l("No such need."), hidden=lambda n: not can_see(viewer, n))
        allowed = {row.id for row in db.session.scalars(_filtered(filters, on))}
        ranked = [item for item in ranked_for_need(need, on) if item.programme.id in allowed]
        start = (page - 1) * per_page
        return (Page(items=[item.programme for item in ranked[start:start + per_page]], total=len(ranked),
                     page=page, per_page=per_page), {item.programme.id: item for item in ranked})
    query = _filtered(filters, on).order_by(Programme.deadline.is_(None), Programme.deadline, Programme.title,
                                            Programme.id)
    from community.pagination import paginate

    return paginate(query, page, per_page), {}


def programme_to_dict(programme: Programme, ranked: Ranked | None = None) -> dict:
    data = {
        "id": programme.id, "title": programme.title, "funder": programme.funder, "level": programme.level,
        "land": programme.land, "eligible_org_types": list(programme.eligible_org_types or []),
        "kind": programme.kind, "rate_percent": programme.rate_percent, "max_amount_eur": programme.max_amount_eur,
        "deadline": programme.deadline.isoformat() if programme.deadline else None, "rolling": programme.rolling,
        "url": programme.url, "stand": programme.stand.isoformat(), "topics": list(programme.topics or []),
        "description": programme.description,
    }
    if ranked is not None:
        data["score"] = ranked.score
        data["terms"] = list(ranked.terms)
    return data


# --- maintenance ------------------------------------------------------------------------------------------


def create_programme(user, data, on: date | None = None) -> Programme:
    policy.require(user, "programme.manage")
    values = clean_programme(data, on=on or today())
    programme = Programme(**values)
    db.session.add(programme)
    db.session.commit()
    entry_changed.send(programme)
    return programme


def update_programme(user, programme: Programme, data, on: date | None = None) -> Programme:
    policy.require(user, "programme.manage")
    values = clean_programme(data, partial_of=programme, on=on or today())
    for name, value in values.items():
        setattr(programme, name, value)
    db.session.commit()
    entry_changed.send(programme)
    return programme


def retire_programme(user, programme: Programme) -> Programme:
    policy.require(user, "programme.manage")
    if programme.retired_at is None:
        programme.retired_at = utcnow()
        db.session.commit()
        entry_changed.send(programme)
    return programme


# --- import -----------------------------------------------------------------------------------------------


def read_rows(text: str, name: str) -> list[dict]:
    """The rows of a JSON list (or {"programmes": [...]}) or of a CSV file (`;` or `,`, a header row; lists
    within a cell separated by `|` or `,`)."""
    text = text.lstrip("\ufeff")
    if name.lower().endswith(".json"):
        data = json.loads(text)
        rows = data.get("programmes") if isinstance(data, dict) else data
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise InvalidInput(_l("Expected a list of programmes."))
        return rows
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ";", delimiters=";,")
    rows = []
    for row in csv.DictReader(io.StringIO(text), dialect=dialect):
        clean = {}
        for key, value in row.items():
            if key is None:
                continue
            value = (value or "").strip()
            if value.startswith("'") and value[1:2] in ("=", "+", "-", "@"):
                value = value[1:]  # the formula guard of community/csvfile.py, undone
            if key in ("eligible_org_types", "topics"):
                value = [part.strip() for part in value.replace("|", ",").split(",") if part.strip()]
            clean[key] = value
        rows.append(clean)
    return rows


def import_rows(rows: list[dict], is_demo: bool = False, announce: bool = True) -> tuple[int, int, list[str]]:
    """Create or update (same title and funder) each row; (created, updated, errors naming the row). Without
    `announce` the caller rebuilds the index at once (records_bulk_changed)."""
    if len(rows) > MAX_IMPORT_ROWS:
        return 0, 0, [f"at most {MAX_IMPORT_ROWS} rows"]
    created = updated = 0
    errors = []
    changed = []
    for number, row in enumerate(rows, start=1):
        row = {name: value for name, value in row.items() if name in FIELDS}
        try:
            values = clean_programme(row)
        except InvalidInput as error:
            fields = "; ".join(f"{name}: {message}" for name, message in (error.fields or {}).items())
            errors.append(f"row {number}: {fields or error.message}")
            continue
        existing = db.session.scalar(sa.select(Programme).filter_by(title=values["title"], funder=values["funder"]))
        if existing is None:
            existing = Programme(is_demo=is_demo, **values)
            db.session.add(existing)
            created += 1
        else:
            for name, value in values.items():
                setattr(existing, name, value)
            updated += 1
        changed.append(existing)
    db.session.commit()
    for programme in changed if announce else ():
        entry_changed.send(programme)
    return created, updated, errors


# --- who it could serve -------------------------------------------------------------------------------------


@dataclass
class Served:
    own_needs: list = field(default_factory=list)  # the viewer's organisation's matching open needs
    organisations: int | None = None  # verified organisations with a matching open need; None below K_ANONYMITY


def needs_served(programme: Programme, viewer, on: date | None = None) -> Served:
    """The open needs this programme could serve: the viewer's own ones by name; of the others only how many
    verified, eligible organisations have one, and only from K_ANONYMITY on (an unverified account moves nothing)."""
    from community.organisations.models import Organisation
    from community.profiles.models import Need
    from community.profiles.visibility import can_see
    from community.suggestions import engine as matching

    on = on or today()
    served = Served()
    if not programme.open_on(on):
        return served
    own_org = getattr(viewer, "organisation_id", None) if getattr(viewer, "is_authenticated", False) else None
    if own_org is not None:
        # The viewer's own needs are asked from the need's side, as each need's page asks: a need that shows the
        # programme is listed here too, even when the programme's few hundred best needs are other organisations'.
        own = db.session.scalars(sa.select(Need).filter(Need.organisation_id == own_org, Need.status == "open")
                                 .order_by(Need.id)).all()
        served.own_needs = [need for need in own if can_see(viewer, need) and any(
            ranked.programme.id == programme.id for ranked in ranked_for_need(need, on))]
    matches = matching.engine().similar(programme_record(programme), CANDIDATES, (matching.NEED,))
    ids = [parsed[1] for m in matches if m.score >= MIN_SCORE and (parsed := matching.parse_record_id(m.id))]
    if not ids:
        return served
    needs = db.session.scalars(sa.select(Need).join(Organisation, Organisation.id == Need.organisation_id)
                               .filter(Need.id.in_(ids), Need.status == "open")).all()
    others = set()
    for need in needs:
        if not is_eligible(programme, need.organisation, on):
            continue  # a programme serves only the needs of organisations that may apply
        if need.organisation_id != own_org and need.organisation.verified:
            others.add(need.organisation_id)
    served.organisations = len(others) if len(others) >= K_ANONYMITY else None
    return served


def programme_record(programme: Programme):
    """The programme as the matching engine indexes it."""
    from community.suggestions.engine import Record

    text = "\n".join([programme.description or "", programme.funder or ""])
    return Record(id=f"{KIND}:{programme.id}", kind=KIND, title=programme.title, text=text,
                  topics=tuple(programme.topics or ()), owner=None)



# --- reminders before a deadline --------------------------------------------------------------------------


PROGRAMME_DEADLINE = "programme_deadline"


def send_deadline_reminders(on: date | None = None) -> int:
    """Members of organisations with a matching open need who opted in to the category "programmes" hear once
    per programme and deadline, REMIND_DAYS before it; a row per person, programme and deadline (unique) claims
    the reminder, so a second run or a second runner sends nothing. The number of reminders sent."""
    from community.auth.models import User
    from community.mail.preferences import NEVER, frequencies_for
    from community.notifications import kinds
    from community.notifications.services import notify
    from community.profiles.models import Need
    from community.profiles.visibility import seen_by_organisation
    from community.suggestions import engine as matching

    on = on or today()
    due = db.session.scalars(sa.select(Programme).filter(
        Programme.retired_at.is_(None), Programme.rolling.is_(False), Programme.deadline >= on,
        Programme.deadline <= on + timedelta(days=REMIND_DAYS)).order_by(Programme.id)).all()
    sent = 0
    for programme in due:
        matches = matching.engine().similar(programme_record(programme), CANDIDATES, (matching.NEED,))
        ids = [parsed[1] for m in matches if m.score >= MIN_SCORE and (parsed := matching.parse_record_id(m.id))]
        needs = db.session.scalars(sa.select(Need).filter(Need.id.in_(ids), Need.status == "open")).all() if ids else []
        by_org: dict[int, object] = {}
        for need in needs:
            if is_eligible(programme, need.organisation, on) and seen_by_organisation(need, need.organisation_id):
                by_org.setdefault(need.organisation_id, need)
        if not by_org:
            continue
        members = db.session.execute(sa.select(User.id, User.organisation_id).filter(
            User.organisation_id.in_(list(by_org)), User.deleted_at.is_(None))).all()
        wanted = frequencies_for([user_id for user_id, _org in members], kinds.PROGRAMMES)
        for user_id, organisation_id in members:
            if wanted.get(user_id, NEVER) == NEVER:
                continue
            try:
                db.session.add(ProgrammeReminder(programme_id=programme.id, user_id=user_id,
                                                 deadline=programme.deadline, sent_at=utcnow()))
                db.session.commit()
            except sa.exc.IntegrityError:
                db.session.rollback()
                continue
            notify([user_id], PROGRAMME_DEADLINE,
                   N_("The funding programme “%(title)s” fits your need “%(need)s”; its deadline is %(deadline)s."),
                   f"/programmes/{programme.id}", title=programme.title, need=by_org[organisation_id].title,
                   deadline=programme.deadline.strftime("%d.%m.%Y"))
            sent += 1
    return sent


# --- good examples naming the programme that funded them ----------------------------------------------------


def funding_of(example) -> list[Programme]:
    from community.programmes.models import ExampleFunding

    return list(db.session.scalars(sa.select(Programme).join(ExampleFunding, ExampleFunding.programme_id == Programme.id)
                                   .filter(ExampleFunding.example_id == example.id).order_by(Programme.title)))


def funded_examples(programme: Programme) -> list:
    """The published good examples that name this programme."""
    from community.examples.models import Example
    from community.programmes.models import ExampleFunding

    return list(db.session.scalars(sa.select(Example).join(ExampleFunding, ExampleFunding.example_id == Example.id)
                                   .filter(ExampleFunding.programme_id == programme.id,
                                           Example.published_at.is_not(None)).order_by(Example.published_at.desc())))


def name_funding(user, example, programme_id, funded: bool = True) -> None:
    """Add (or with funded=False remove) a programme that funded the example."""
    from community.programmes.models import ExampleFunding

    policy.require(user, "programme.name_funding", example)
    programme = get_programme(programme_id)
    link = db.session.get(ExampleFunding, (example.id, programme.id))
    if funded and link is None:
        db.session.add(ExampleFunding(example_id=example.id, programme_id=programme.id))
    elif not funded and link is not None:
        db.session.delete(link)
    db.session.commit()
