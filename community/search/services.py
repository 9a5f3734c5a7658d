"""Free-text search over everything people look for, ranked by the matching engine: organisations, needs and
offers (built in), and every kind a feature registers with `register_search_kind` (good examples, events,
forum posts ...), each of which is also a record kind of the engine. No search runs `ILIKE` on a table.

The engine ranks; the database decides what the viewer may see (members-only entries only for
signed-in users, open entries only; each registered kind's `find` re-reads its rows with its own
visibility rule, so a post hidden a moment ago is never shown even before the index forgets it).
On top of the engine's order (docs/search.md):
- hits that meet the query's words as whole words, synonyms or real compound parts come before
  hits that share only fragments (community/search/words.py), for searches of up to WORD_RANKING_WORDS words;
- near-duplicate texts collapse into one hit that says how many similar ones it stands for;
- the total is true; only when the engine's CANDIDATES are exhausted is it a lower bound (`more`);
- the hits of one group (the posts of one forum thread) are one hit, the best of them;
- filters by kind (with the count of hits per kind), topic and Land.
Snippets are plain text: Markdown is reduced to its words before an excerpt is cut.
Highlighting escapes every piece of text before it wraps whole matched words in <mark>, so no text
from the database is ever rendered as HTML.
"""
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

import nh3
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload

from community import policy
from community.errors import InvalidInput
from community.extensions import db
from community.organisations.models import Organisation, OrganisationTopic
from community.pagination import Page
from community.profiles import visibility
from community.search.duplicates import collapse
from community.search.words import QueryWords, surface_words
from community.suggestions import engine as matching
from community.taxonomy import LAND_BY_SLUG, TOPIC_BY_SLUG

CANDIDATES = 500
"""Matches asked of the engine; beyond these the total is a lower bound ("more than")."""
WORD_RANKING_WORDS = 8
"""Longer queries are texts (a thread, a room's talk): ranked by the engine's score alone."""
KINDS = (matching.NEED, matching.OFFER, matching.ORGANISATION)
"""The built-in kinds: the partners a need, an offer or a room's talk looks for (the default of `search`)."""
MAX_QUERY_CHARS = matching.MAX_QUERY_CHARS
EXCERPT_CHARS = 280
PROBLEMS = {
    "empty": _l("Enter a word to search for."),
    "stop_words_only": _l("Your search contains only very common words (such as “und” or “die”), "
                          "which are not searched for. Add a more specific word."),
    "unknown_words": _l("None of these words occurs in anything that can be searched."),
}


@dataclass(frozen=True)
class Found:
    """One visible row of a registered kind, as plain values."""

    title: str
    text: str  # what the viewer may read of it (Markdown allowed: the snippet reduces it to words)
    url: str
    topics: tuple[str, ...] = ()
    land: str | None = None
    source: str = ""  # where it comes from: the organisation, the forum, the date
    group: object = None  # hits of one group (the posts of one thread) are shown as one, the best


@dataclass(frozen=True)
class SearchKind:
    name: str
    label: object  # one hit's badge ("Good example")
    plural: object  # the filter's option ("Good examples")
    find: Callable[[object, list[int]], dict[int, Found]] | None  # viewer, ids -> the visible ones
    order: int


SEARCH_KINDS: dict[str, SearchKind] = {
    matching.ORGANISATION: SearchKind(matching.ORGANISATION, _l("Organisation"), _l("Organisations"), None, 10),
    matching.NEED: SearchKind(matching.NEED, _l("Need"), _l("Needs"), None, 20),
    matching.OFFER: SearchKind(matching.OFFER, _l("Offer"), _l("Offers"), None, 30),
}


def register_search_kind(name: str, label, plural, find: Callable[[object, list[int]], dict[int, Found]],
                         order: int = 50) -> None:
    """Make a record kind of the engine (registered with register_record_kind under the same name)
    searchable: `find(viewer, ids)` returns the rows of these ids the viewer may see, as `Found`."""
    SEARCH_KINDS[name] = SearchKind(name, label, plural, find, order)


def all_kinds() -> tuple[str, ...]:
    """Every searchable kind, in the order of the filter."""
    return tuple(kind.name for kind in sorted(SEARCH_KINDS.values(), key=lambda kind: kind.order))


@dataclass(frozen=True)
class Candidate:
    """A visible match as plain values: ranked, filtered and collapsed before any ORM object is made."""

    kind: str
    id: int
    title: str
    text: str  # what the viewer may read of it
    topics: tuple[str, ...]
    land: str | None
    score: float
    terms: tuple[str, ...]
    words_met: int = 0  # query words met as whole words or compound parts (0: fragments only)
    found: Found | None = None  # a registered kind's row


@dataclass(frozen=True)
class Hit:
    kind: str
    item: object  # a Need, Offer or Organisation; None for a registered kind (see `found`)
    score: float
    terms: tuple[str, ...]
    text: str  # what the viewer may read of it
    similar: tuple = ()  # near-duplicate Candidates collapsed into this one (kind, id)
    words_met: int = 0  # query words met as whole words or compound parts (0: fragments only)
    found: Found | None = None
    id: int | None = None

    @property
    def organisation(self) -> Organisation | None:
        if self.item is None:
            return None
        return self.item if self.kind == matching.ORGANISATION else self.item.organisation

    @property
    def title(self) -> str:
        if self.item is None:
            return self.found.title
        return self.item.name if self.kind == matching.ORGANISATION else self.item.title

    @property
    def snippet(self) -> str:
        """The hit's text as plain words: Markdown reduced to what a reader sees."""
        return plain_text(self.text)

    @property
    def label(self):
        return SEARCH_KINDS[self.kind].label

    @property
    def percent(self) -> int:
        return round(self.score * 100)


@dataclass(frozen=True)
class SearchResult:
    query: str
    truncated: bool
    problem: str | None  # a key of PROBLEMS when the query could not match anything
    page: Page
    more: bool = False  # page.total is a lower bound: the engine had more candidates than it was asked for
    filters: dict = field(default_factory=dict)
    words: QueryWords | None = None
    counts: dict = field(default_factory=dict)  # kind -> hits of all kinds before the kind filter

    @property
    def message(self):
        return PROBLEMS.get(self.problem)

    @property
    def kinds(self) -> list[tuple[str, object, int]]:
        """(kind, its plural label, its count) for the type filter, in the filter's order."""
        return [(name, SEARCH_KINDS[name].plural, self.counts.get(name, 0)) for name in all_kinds()]


def parse_filters(kind=None, topic=None, land=None) -> dict:
    """The filters of a search, each optional; an unknown value is a 400 naming the field."""
    filters, problems = {}, {}
    for name, value, allowed in (("kind", kind, all_kinds()), ("topic", topic, TOPIC_BY_SLUG), ("land", land, LAND_BY_SLUG)):
        if value in (None, ""):
            continue
        if not isinstance(value, str) or value not in allowed:
            problems[name] = _l("Unknown value.")
        else:
            filters[name] = value
    if problems:
        raise InvalidInput(_l("Please correct the marked fields."), fields=problems)
    return filters


def search(viewer, query: str | None, page: int = 1, per_page: int = 20, filters: dict | None = None,
           everything: bool = False) -> SearchResult:
    """One page of hits for `query`; `filters` as returned by parse_filters. Organisations, needs and
    offers (the partners a room or a thread looks for); with `everything`, every searchable kind, and
    the count of hits per kind (before the kind filter) in `counts`."""
    filters = filters or {}
    query = (query or "").strip()
    truncated = len(query) > MAX_QUERY_CHARS
    query = query[:MAX_QUERY_CHARS]
    engine = matching.engine()
    words = QueryWords(engine.index(), query)
    word_ranking = len(surface_words(query)) <= WORD_RANKING_WORDS and bool(words.words)
    counts = {}
    if everything or "kind" not in filters:
        kinds = all_kinds() if everything else KINDS
        problem, groups, more = _ranked(viewer, engine, query, kinds, filters, words, word_ranking)
        if everything:
            for first, _rest in groups:
                counts[first.kind] = counts.get(first.kind, 0) + 1
    if "kind" in filters:
        # The kind's own candidates: a kind with many weaker hits is not cut off by the others.
        problem, groups, more = _ranked(viewer, engine, query, (filters["kind"],), filters, words, word_ranking)
        if everything:
            counts[filters["kind"]] = len(groups)
    start = (page - 1) * per_page
    hits = _hits(viewer, groups[start:start + per_page])
    return SearchResult(query, truncated, problem, Page(hits, len(groups), page, per_page), more, filters, words,
                        counts)


def _ranked(viewer, engine, query, kinds, filters, words, word_ranking) -> tuple[str | None, list, bool]:
    """(problem, [(hit, its near-duplicates)] best first, more candidates than examined)."""
    problem, matches = engine.search(query, k=CANDIDATES + 1, kinds=tuple(kinds))
    more = len(matches) > CANDIDATES
    candidates = [c for c in _visible_candidates(viewer, matches[:CANDIDATES], "topic" in filters)
                  if _passes(c, filters)]
    if word_ranking:
        candidates = _words_first(candidates, words)
    candidates = _one_per_group(candidates)
    # Organisations are never merged: sixteen Land bodies with alike descriptions are sixteen partners.
    groups = collapse(candidates, key=lambda c: c.kind, text_of=lambda c: f"{c.title}\n{c.text}",
                      merge=lambda c: c.kind != matching.ORGANISATION)
    return problem, groups, more


def _one_per_group(candidates: list[Candidate]) -> list[Candidate]:
    """The best hit of each group (a thread's posts), in rank order."""
    seen, kept = set(), []
    for candidate in candidates:
        group = candidate.found.group if candidate.found is not None else None
        if group is not None:
            if (candidate.kind, group) in seen:
                continue
            seen.add((candidate.kind, group))
        kept.append(candidate)
    return kept


def _passes(candidate: Candidate, filters: dict) -> bool:
    if "topic" in filters and filters["topic"] not in candidate.topics:
        return False
    return "land" not in filters or candidate.land == filters["land"]


def _words_first(candidates: list[Candidate], words: QueryWords) -> list[Candidate]:
    """Hits meeting more query words as whole words or compound parts first, fragment-only hits last;
    the engine's score orders hits alike (a fragment match never outranks a word match)."""
    met = [replace(c, words_met=words.meets(c.title, c.text)[0]) for c in candidates]
    return sorted(met, key=lambda c: (-c.words_met, -c.score))


def _visible_candidates(viewer, matches, with_topics: bool) -> list[Candidate]:
    """The matches the viewer may see, as plain candidates in rank order; one row query per kind
    (hundreds of matches: ORM objects are made only for the page shown, in _hits)."""
    ids: dict[str, list[int]] = {kind: [] for kind in SEARCH_KINDS}
    for match in matches:
        parsed = matching.parse_record_id(match.id)
        if parsed and parsed[0] in ids:
            ids[parsed[0]].append(parsed[1])
    rows: dict[str, tuple] = {}
    found: dict[str, Found] = {}
    for kind in SEARCH_KINDS.values():
        if kind.find is not None and ids[kind.name]:
            for item_id, row in kind.find(viewer, ids[kind.name]).items():
                key = matching.record_id(kind.name, item_id)
                found[key] = row
                rows[key] = (row.title, row.text, tuple(row.topics), row.land)
    if ids[matching.ORGANISATION]:
        members = policy.can(viewer, "members_only.view")
        org_ids = ids[matching.ORGANISATION]
        topics: dict[int, list[str]] = {}
        if with_topics:
            for org_id, topic in db.session.execute(db.select(OrganisationTopic.organisation_id, OrganisationTopic.topic)
                                                    .filter(OrganisationTopic.organisation_id.in_(org_ids))):
                topics.setdefault(org_id, []).append(topic)
        select = db.select(Organisation.id, Organisation.name, Organisation.description,
                           Organisation.description_visibility, Organisation.land).filter(Organisation.id.in_(org_ids))
        for org_id, name, description, description_visibility, land in db.session.execute(select):
            text = description if description_visibility == "public" or members else ""
            rows[matching.record_id(matching.ORGANISATION, org_id)] = (name, text or "", tuple(topics.get(org_id, ())), land)
    for kind, model in matching.ENTRY_MODELS.items():
        if ids[kind]:
            select = (db.select(model.id, model.title, model.body, model.topics, Organisation.land)
                      .join(Organisation, Organisation.id == model.organisation_id)
                      .filter(model.id.in_(ids[kind]), model.status == "open", visibility.condition(model, viewer)))
            for row in db.session.execute(select):
                rows[matching.record_id(kind, row.id)] = (row.title, row.body, tuple(row.topics or ()), row.land)
    candidates = []
    for match in matches:
        row = rows.get(match.id)
        if row is not None:
            kind, item_id = matching.parse_record_id(match.id)
            candidates.append(Candidate(kind, item_id, row[0], row[1], row[2], row[3], match.score,
                                        tuple(match.terms), found=found.get(match.id)))
    return candidates


def _hits(viewer, groups: list[tuple[Candidate, list[Candidate]]]) -> list[Hit]:
    """The page's hits with their ORM objects (the templates and the API read organisation and topics)."""
    wanted: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for first, _rest in groups:
        if first.found is None:
            wanted[first.kind].append(first.id)
    items: dict[tuple[str, int], object] = {}
    if wanted[matching.ORGANISATION]:
        for org in db.session.scalars(db.select(Organisation).filter(Organisation.id.in_(wanted[matching.ORGANISATION]))):
            items[matching.ORGANISATION, org.id] = org
    for kind, model in matching.ENTRY_MODELS.items():
        if wanted[kind]:
            select = db.select(model).options(joinedload(model.organisation)).filter(model.id.in_(wanted[kind]))
            for entry in db.session.scalars(select):
                items[kind, entry.id] = entry
    return [Hit(first.kind, items.get((first.kind, first.id)), first.score, first.terms, first.text, tuple(rest),
                first.words_met, first.found, first.id)
            for first, rest in groups if first.found is not None or (first.kind, first.id) in items]


_BLOCK_TAG = re.compile(r"<(/?(?:p|li|ul|ol|h\d|blockquote|pre|tr|td|th|table|br|hr)\b)")


@lru_cache(maxsize=1024)
def plain_text(text: str) -> str:
    """The words a reader sees of a Markdown text: no markup, no link targets, whitespace collapsed."""
    from community.rendering import render_markdown

    if not text or not re.search(r"[*_`#>\[\]<|~]|^\s*[-+]\s|^\s*\d+\.\s", text, re.MULTILINE):
        return " ".join((text or "").split())
    words = nh3.clean(_BLOCK_TAG.sub(r" <\1", render_markdown(text)), tags=set())
    return " ".join(html.unescape(words).split())


def _pattern(terms) -> re.Pattern | None:
    # Explanations mark a cut compound with a trailing hyphen ("Kindertages-"); the stem is what occurs.
    words = sorted({term.rstrip("-‐") for term in terms if len(term.rstrip("-‐")) > 1}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


_TEXT_WORD = re.compile(r"[^\W_]+(?:[-‐‑][^\W_]+)*")


def _word_spans(text: str, words: QueryWords):
    """Where the whole words of `text` that meet the query (as words or compound parts) stand."""
    for found in _TEXT_WORD.finditer(text):
        if words.level(found.group())[0] is not None:
            yield found


def highlight(text: str, terms) -> Markup:
    """`text` escaped, with the words that meet the query wrapped in <mark>: whole words ("Bauakte",
    never "Bau" + "akte"). `terms` is the search's QueryWords, or a list of words to mark anywhere."""
    text = text or ""
    if isinstance(terms, QueryWords):
        spans = _word_spans(text, terms)
    else:
        pattern = _pattern(terms)
        if pattern is None:
            return escape(text)
        spans = pattern.finditer(text)
    pieces, last = [], 0
    for found in spans:
        pieces.append(escape(text[last:found.start()]))
        pieces.append(Markup("<mark>%s</mark>") % found.group())
        last = found.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)


def excerpt(text: str, terms, width: int = EXCERPT_CHARS) -> str:
    """Up to `width` characters of `text` around the first matched term, cut at spaces."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    if isinstance(terms, QueryWords):
        found = next(_word_spans(text, terms), None)
    else:
        pattern = _pattern(terms)
        found = pattern.search(text) if pattern else None
    start = max(0, (found.start() if found else 0) - width // 4)
    if start:
        start = text.find(" ", start) + 1 or start
    end = start + width
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    return ("… " if start else "") + text[start:end] + (" …" if end < len(text) else "")
