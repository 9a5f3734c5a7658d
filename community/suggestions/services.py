"""Partner suggestions for an organisation, and its feedback on them (dismiss, save).

For each open need: the best open offers of others (need -> offer) and others with the same need
(need -> need); for each open offer: others' open needs it could meet (offer -> need). Candidates
come from the matching engine, then pass the filters and visibility rules in one query per kind,
then proximity (same Land, same population class; community/suggestions/proximity.py) lifts
nearly equal ones and is shown as a reason ("auch in Bayern").
"""
from dataclasses import dataclass, field, replace

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from community import policy
from community.errors import Conflict, NotFound
from community.extensions import db
from community.organisations.models import Organisation
from community.profiles import visibility
from community.search.duplicates import collapse
from community.search.words import QueryWords
from community.suggestions import engine as matching
from community.suggestions import proximity
from community.suggestions.models import DISMISSED, SAVED, SuggestionFeedback
from community.taxonomy import LAND_BY_SLUG, ORG_KIND_BY_SLUG, POPULATION_CLASS_BY_SLUG, TOPIC_BY_SLUG
from community.validation import OneOf, Schema, Text

CANDIDATES = 50
"""Matches asked of the engine per entry and relation, before filters and dismissals thin them."""
SHOWN = 5
"""Suggestions per entry and relation in the API's list."""
OVERVIEW_SHOWN = 3
"""Suggestions per entry and relation on the overview page; the rest on the entry's own page."""
ENTRIES_PER_PAGE = 5
"""Needs (and offers) per page of the overview, newest first."""
ENTRY_PER_PAGE = 10
"""Cards per page of an entry's own page of suggestions."""
WORDS_SHOWN = 6
"""Shared words shown as a suggestion's reason."""
MIN_SCORE = 0.1
"""Weaker matches rest on a stray shared word piece; they would bury the useful suggestions."""

NEED, OFFER = matching.NEED, matching.OFFER
# relation -> (kind of our entry, kind of the suggested entry)
RELATIONS = {"offer": (NEED, OFFER), "peer": (NEED, NEED), "need": (OFFER, NEED)}
MAIN_RELATION = {NEED: "offer", OFFER: "need"}
"""What an entry's own page lists and pages: offers for a need (its peers on the first page), needs for an offer."""

FILTERS = Schema({
    "kind": OneOf(ORG_KIND_BY_SLUG),
    "land": OneOf(LAND_BY_SLUG),
    "topic": OneOf(TOPIC_BY_SLUG),
    "population_class": OneOf(POPULATION_CLASS_BY_SLUG),
})
FEEDBACK_SCHEMA = Schema({"source": Text(40, required=True), "target": Text(40, required=True)})


@dataclass(frozen=True)
class Suggestion:
    relation: str
    source: object  # our need or offer
    target: object  # their need or offer
    score: float
    terms: tuple[str, ...]
    topics: tuple[str, ...]
    close: proximity.Closeness = proximity.Closeness()
    words: tuple[str, ...] = ()
    """The reason in whole words: the words of their entry that meet ours as words, compound parts or
    synonyms, as they are written there (the engine's `terms` are stems and fragments)."""
    alike: tuple = ()
    """Suggestions of other providers with the same (near-identical) offer, shown as one card."""

    @property
    def providers(self) -> int:
        return 1 + len(self.alike)

    @property
    def proximity_reasons(self) -> list[tuple[str, object]]:
        """("land", "Bayern"), ("population_class", "20,000 to 100,000"): what both organisations share."""
        org = self.target.organisation
        land = LAND_BY_SLUG.get(org.land)
        population_class = POPULATION_CLASS_BY_SLUG.get(org.population_class)
        return list(proximity.reasons(self.close, land and land.label, population_class and population_class.label))

    @property
    def source_id(self) -> str:
        return matching.record_id(self.source.record_prefix, self.source.id)

    @property
    def target_id(self) -> str:
        return matching.record_id(self.target.record_prefix, self.target.id)

    @property
    def organisation(self) -> Organisation:
        return self.target.organisation

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def contact_refs(self) -> dict[str, int]:
        """The need and offer a contact request about this suggestion refers to."""
        refs = {self.source.record_prefix: self.source.id, self.target.record_prefix: self.target.id}
        if self.relation == "peer":
            refs = {NEED: self.target.id}  # their need; ours is on our profile anyway
        return refs


@dataclass
class EntrySuggestions:
    entry: object
    by_relation: dict[str, list[Suggestion]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)  # relation -> cards before the cut to what is shown


@dataclass
class Suggestions:
    organisation: Organisation
    needs: list[EntrySuggestions]
    offers: list[EntrySuggestions]
    saved: list[Suggestion]
    saved_keys: set[tuple[str, str]]
    needs_page: object = None  # the overview's Page of needs (newest first); None when all are listed
    offers_page: object = None

    def flat(self) -> list[Suggestion]:
        """Every live suggestion, best first (the API's list)."""
        found = [s for group in (*self.needs, *self.offers) for items in group.by_relation.values() for s in items]
        return sorted(found, key=lambda s: (-s.score * (1 + s.close.bonus), s.source_id, s.target_id))


def clean_filters(args) -> dict:
    """Filters from a query string; other parameters (page, per_page) are not ours."""
    present = {name: args.get(name) for name in FILTERS.fields if args.get(name) not in (None, "")}
    return {name: value for name, value in FILTERS.clean(present).items() if value is not None}


def own_organisation(user) -> Organisation:
    if user.organisation is None:
        raise Conflict(_l("Your account does not belong to an organisation."))
    policy.require(user, "suggestion.view", user.organisation)
    return user.organisation


def _open_entries(kind: str, organisation_id: int) -> list:
    """The organisation's open entries of this kind, newest first."""
    model = matching.ENTRY_MODELS[kind]
    return db.session.scalars(
        db.select(model).filter_by(organisation_id=organisation_id, status="open")
        .order_by(model.created_at.desc(), model.id.desc())
    ).all()


def _candidates(kind: str, ids, viewer, exclude_org: int, filters: dict) -> dict[int, object]:
    """Open entries of other organisations among `ids` that pass the filters, in one query."""
    if not ids:
        return {}
    model = matching.ENTRY_MODELS[kind]
    select = (db.select(model).join(model.organisation).options(contains_eager(model.organisation))
              .filter(model.id.in_(ids), model.status == "open", model.organisation_id != exclude_org,
                      visibility.condition(model, viewer)))
    for name, column in (("kind", Organisation.kind), ("land", Organisation.land),
                         ("population_class", Organisation.population_class)):
        if name in filters:
            select = select.filter(column == filters[name])
    entries = db.session.scalars(select).unique().all()
    return {e.id: e for e in entries
            if "topic" not in filters or filters["topic"] in e.topics}


def saved_keys(user) -> set[tuple[str, str]]:
    return _feedback_keys(own_organisation(user).id, SAVED)


def _feedback_keys(organisation_id: int, action: str) -> set[tuple[str, str]]:
    rows = db.session.execute(db.select(SuggestionFeedback.source_id, SuggestionFeedback.target_id)
                              .filter_by(organisation_id=organisation_id, action=action))
    return {(source, target) for source, target in rows}


def suggestions_for(user, filters: dict | None = None, page: int | None = None, per_page: int = ENTRIES_PER_PAGE,
                    shown: int = SHOWN, offers_page: int | None = None) -> Suggestions:
    """The suggestions for the user's organisation; raises Conflict for a user without one.

    With `page` (the overview), only that page of its open needs (and `offers_page` of its offers), newest
    first, each with its best `shown` cards per relation; without, every entry (the API's list)."""
    filters = filters or {}
    organisation = own_organisation(user)
    own = {kind: _open_entries(kind, organisation.id) for kind in (NEED, OFFER)}
    needs_page = offers_page_obj = None
    if page is not None:
        needs_page = _page_of(own[NEED], page, per_page)
        offers_page_obj = _page_of(own[OFFER], offers_page or 1, per_page)
        own = {NEED: needs_page.items, OFFER: offers_page_obj.items}
    groups = _suggest(user, organisation, own, filters, shown)
    return Suggestions(
        organisation=organisation,
        needs=list(groups[NEED].values()),
        offers=[group for group in groups[OFFER].values() if group.by_relation],
        saved=saved_suggestions(user, organisation),
        saved_keys=_feedback_keys(organisation.id, SAVED),
        needs_page=needs_page,
        offers_page=offers_page_obj,
    )


def _page_of(items: list, page: int, per_page: int):
    from community.pagination import Page

    start = (page - 1) * per_page
    return Page(items[start:start + per_page], len(items), page, per_page)


def suggestions_for_entry(user, kind: str, entry_id: int, filters: dict | None = None) -> EntrySuggestions:
    """Every suggestion for one open entry of the user's organisation (its own page); NotFound otherwise."""
    organisation = own_organisation(user)
    model = matching.ENTRY_MODELS.get(kind)
    entry = db.session.get(model, entry_id) if model is not None else None
    if entry is None or entry.organisation_id != organisation.id or entry.status != "open":
        raise NotFound(_l("This need or offer does not exist or is closed."))
    groups = _suggest(user, organisation, {NEED: [entry] if kind == NEED else [], OFFER: [entry] if kind == OFFER
                                           else []}, filters or {}, CANDIDATES)
    return groups[kind][entry.id]


def _suggest(user, organisation, own: dict, filters: dict, shown: int) -> dict[str, dict[int, EntrySuggestions]]:
    engine = matching.engine()
    dismissed = _feedback_keys(organisation.id, DISMISSED)
    raw = []  # (relation, our entry, match)
    for relation, (source_kind, target_kind) in RELATIONS.items():
        for entry in own[source_kind]:
            for match in engine.similar(matching.entry_record(entry), k=CANDIDATES, kinds=(target_kind,)):
                if match.score >= MIN_SCORE and (matching.record_id(source_kind, entry.id), match.id) not in dismissed:
                    raw.append((relation, entry, match))
    wanted: dict[str, set[int]] = {NEED: set(), OFFER: set()}
    for _relation, _entry, match in raw:
        kind, target_id = matching.parse_record_id(match.id)
        wanted[kind].add(target_id)
    found = {kind: _candidates(kind, ids, user, organisation.id, filters) for kind, ids in wanted.items()}

    groups = {kind: {entry.id: EntrySuggestions(entry) for entry in own[kind]} for kind in (NEED, OFFER)}
    place = (organisation.land, organisation.population_class)
    words_of: dict[int, object] = {}
    index = engine.index()
    for relation, entry, match in raw:
        kind, target_id = matching.parse_record_id(match.id)
        target = found[kind].get(target_id)
        if target is None:
            continue
        key = (entry.record_prefix, entry.id)
        if key not in words_of:
            words_of[key] = QueryWords(index, f"{entry.title}\n{entry.body}")
        words = tuple(words_of[key].words_met(target.title, target.body)[:WORDS_SHOWN])
        close = proximity.closeness(place, (target.organisation.land, target.organisation.population_class))
        groups[entry.record_prefix][entry.id].by_relation.setdefault(relation, []).append(
            Suggestion(relation, entry, target, match.score, tuple(match.terms), tuple(match.topics), close, words))
    for group in (*groups[NEED].values(), *groups[OFFER].values()):
        for relation, items in group.by_relation.items():
            cards = _alike_as_one(proximity.ranked(items, lambda s: s.score, lambda s: s.close))
            group.totals[relation] = len(cards)
            group.by_relation[relation] = cards[:shown]
    return groups


def _alike_as_one(items: list[Suggestion]) -> list[Suggestion]:
    """Identical offers of several providers as one card (the best), which lists the others in `alike`."""
    groups = collapse(items, key=lambda s: s.relation, text_of=lambda s: f"{s.target.title}\n{s.target.body}",
                      merge=lambda s: s.target.record_prefix == OFFER)
    return [replace(first, alike=tuple(rest)) if rest else first for first, rest in groups]


def saved_suggestions(user, organisation: Organisation) -> list[Suggestion]:
    """Saved suggestions whose entries still exist and are visible, newest first."""
    rows = db.session.scalars(db.select(SuggestionFeedback).filter_by(organisation_id=organisation.id, action=SAVED)
                              .order_by(SuggestionFeedback.id.desc())).all()
    ids: dict[str, set[int]] = {NEED: set(), OFFER: set()}
    for row in rows:
        for value in (row.source_id, row.target_id):
            parsed = matching.parse_record_id(value)
            if parsed and parsed[0] in ids:
                ids[parsed[0]].add(parsed[1])
    entries = {}
    for kind, wanted in ids.items():
        model = matching.ENTRY_MODELS[kind]
        select = db.select(model).options(joinedload(model.organisation)).filter(model.id.in_(wanted))
        for entry in db.session.scalars(select) if wanted else ():
            if policy.can(user, "entry.view", entry):
                entries[matching.record_id(kind, entry.id)] = entry
    saved = []
    for row in rows:
        source, target = entries.get(row.source_id), entries.get(row.target_id)
        if source is not None and target is not None:
            relation = _relation_of(source.record_prefix, target.record_prefix)
            saved.append(Suggestion(relation, source, target, row.score, tuple(row.terms), tuple(row.topics)))
    return saved


def _relation_of(source_kind: str, target_kind: str) -> str:
    return next(name for name, kinds in RELATIONS.items() if kinds == (source_kind, target_kind))


def _pair(user, data: dict) -> tuple[Organisation, object, object]:
    """Our entry and their entry named by a feedback form; NotFound for anything else."""
    values = FEEDBACK_SCHEMA.clean(data)
    organisation = own_organisation(user)
    entries = []
    for name in ("source", "target"):
        parsed = matching.parse_record_id(values[name])
        if parsed is None or parsed[0] not in matching.ENTRY_MODELS:
            raise NotFound(_l("This suggestion does not exist."))
        entry = db.session.get(matching.ENTRY_MODELS[parsed[0]], parsed[1])
        if entry is None or not policy.can(user, "entry.view", entry):
            raise NotFound(_l("This suggestion does not exist."))
        entries.append(entry)
    source, target = entries
    kinds = (source.record_prefix, target.record_prefix)
    if source.organisation_id != organisation.id or target.organisation_id == organisation.id \
            or kinds not in RELATIONS.values():
        raise NotFound(_l("This suggestion does not exist."))
    return organisation, source, target


def record_feedback(user, action: str, data: dict) -> SuggestionFeedback:
    """Dismiss or save a suggestion; the score and terms are taken from the engine, not the client.

    Doing it twice changes nothing.
    """
    organisation, source, target = _pair(user, data)
    source_id = matching.record_id(source.record_prefix, source.id)
    target_id = matching.record_id(target.record_prefix, target.id)
    existing = db.session.scalar(db.select(SuggestionFeedback).filter_by(
        organisation_id=organisation.id, source_id=source_id, target_id=target_id, action=action))
    if existing is not None:
        return existing
    matches = matching.engine().similar(matching.entry_record(source), k=CANDIDATES, kinds=(target.record_prefix,))
    match = next((m for m in matches if m.id == target_id), None)
    feedback = SuggestionFeedback(
        organisation_id=organisation.id, user_id=user.id, source_id=source_id, target_id=target_id, action=action,
        score=match.score if match else 0.0, terms=list(match.terms) if match else [],
        topics=list(match.topics) if match else [],
    )
    db.session.add(feedback)
    try:
        db.session.commit()
    except IntegrityError:  # a colleague did the same at the same moment
        db.session.rollback()
    return feedback


def forget_saved(user, data: dict) -> None:
    """Remove a suggestion from the saved list."""
    organisation, source, target = _pair(user, data)
    db.session.execute(sa.delete(SuggestionFeedback).filter_by(
        organisation_id=organisation.id, action=SAVED,
        source_id=matching.record_id(source.record_prefix, source.id),
        target_id=matching.record_id(target.record_prefix, target.id)))
    db.session.commit()
