"""Free-text search over organisations, needs and offers, ranked by the matching engine.

The engine ranks; the database decides what the viewer may see (members-only entries only for
signed-in users, open entries only). On top of the engine's order (docs/search.md):
- hits that meet the query's words as whole words or real compound parts come before hits that
  share only fragments (community/search/words.py), for searches of up to WORD_RANKING_WORDS words;
- near-duplicate texts collapse into one hit that says how many similar ones it stands for;
- the total is true; only when the engine's CANDIDATES are exhausted is it a lower bound (`more`);
- filters by kind, topic and Land.
Highlighting escapes every piece of text before it wraps whole matched words in <mark>, so no text
from the database is ever rendered as HTML.
"""
import re
from dataclasses import dataclass, field, replace

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload

from community import policy
from community.errors import InvalidInput
from community.extensions import db
from community.organisations.models import Organisation
from community.organisations.services import visible_profile
from community.pagination import Page
from community.search.duplicates import collapse
from community.search.words import QueryWords, surface_words
from community.suggestions import engine as matching
from community.taxonomy import LAND_BY_SLUG, TOPIC_BY_SLUG

CANDIDATES = 1000
"""Matches asked of the engine; beyond these the total is a lower bound ("more than")."""
WORD_RANKING_WORDS = 8
"""Longer queries are texts (a thread, a room's talk): ranked by the engine's score alone."""
KINDS = (matching.NEED, matching.OFFER, matching.ORGANISATION)
MAX_QUERY_CHARS = matching.MAX_QUERY_CHARS
EXCERPT_CHARS = 280
PROBLEMS = {
    "empty": _l("Enter a word to search for."),
    "stop_words_only": _l("Your search contains only very common words (such as “und” or “die”), "
                          "which are not searched for. Add a more specific word."),
    "unknown_words": _l("None of these words occurs in any organisation, need or offer."),
}


@dataclass(frozen=True)
class Hit:
    kind: str
    item: object  # a Need, Offer or Organisation
    score: float
    terms: tuple[str, ...]
    text: str  # what the viewer may read of it
    similar: tuple = ()  # near-duplicate hits collapsed into this one
    words_met: int = 0  # query words met as whole words or compound parts (0: fragments only)

    @property
    def organisation(self) -> Organisation:
        return self.item if self.kind == matching.ORGANISATION else self.item.organisation

    @property
    def title(self) -> str:
        return self.item.name if self.kind == matching.ORGANISATION else self.item.title

    @property
    def percent(self) -> int:
        return round(self.score * 100)


@dataclass(frozen=True)
class SearchResult:
    query: str
    truncated: bool
    problem: str | None  # a key of PROBLEMS when the query could not match anything
    page: Page
    # Forum threads whose title or posts contain the words: (thread, matching post) pairs.
    threads: tuple = ()
    more: bool = False  # page.total is a lower bound: the engine had more candidates than it was asked for
    filters: dict = field(default_factory=dict)
    words: QueryWords | None = None

    @property
    def message(self):
        return PROBLEMS.get(self.problem)


def parse_filters(kind=None, topic=None, land=None) -> dict:
    """The filters of a search, each optional; an unknown value is a 400 naming the field."""
    filters, problems = {}, {}
    for name, value, allowed in (("kind", kind, KINDS), ("topic", topic, TOPIC_BY_SLUG), ("land", land, LAND_BY_SLUG)):
        if value in (None, ""):
            continue
        if not isinstance(value, str) or value not in allowed:
            problems[name] = _l("Unknown value.")
        else:
            filters[name] = value
    if problems:
        raise InvalidInput(_l("Please correct the marked fields."), fields=problems)
    return filters


def search(viewer, query: str | None, page: int = 1, per_page: int = 20, filters: dict | None = None) -> SearchResult:
    """One page of hits for `query`; `filters` as returned by parse_filters."""
    filters = filters or {}
    query = (query or "").strip()
    truncated = len(query) > MAX_QUERY_CHARS
    query = query[:MAX_QUERY_CHARS]
    engine = matching.engine()
    kinds = (filters["kind"],) if "kind" in filters else KINDS
    problem, matches = engine.search(query, k=CANDIDATES + 1, kinds=kinds)
    more = len(matches) > CANDIDATES
    hits = [hit for hit in _visible_hits(viewer, matches[:CANDIDATES]) if _passes(hit, filters)]
    words = QueryWords(engine.index(), query)
    if len(surface_words(query)) <= WORD_RANKING_WORDS and words.words:
        hits = _words_first(hits, words)
    hits = [replace(first, similar=tuple(rest))
            for first, rest in collapse(hits, key=lambda hit: hit.kind, text_of=lambda hit: f"{hit.title}\n{hit.text}")]
    start = (page - 1) * per_page
    from community.forums.services import search_threads  # the forums ask this module for matches

    threads = tuple(search_threads(viewer, query)) if page == 1 and not filters else ()
    return SearchResult(query, truncated, problem, Page(hits[start:start + per_page], len(hits), page, per_page),
                        threads, more, filters, words)


def _passes(hit: "Hit", filters: dict) -> bool:
    if "topic" in filters and filters["topic"] not in (hit.item.topics or ()):
        return False
    return "land" not in filters or hit.organisation.land == filters["land"]


def _words_first(hits: list["Hit"], words: QueryWords) -> list["Hit"]:
    """Hits meeting more query words as whole words or compound parts first, fragment-only hits last;
    the engine's score orders hits alike (a fragment match never outranks a word match)."""
    met = [replace(hit, words_met=words.meets(hit.title, hit.text)[0]) for hit in hits]
    return sorted(met, key=lambda hit: (-hit.words_met, -hit.score))


def _visible_hits(viewer, matches) -> list[Hit]:
    """The matches the viewer may see, as hits in rank order; one query per kind."""
    ids: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for match in matches:
        parsed = matching.parse_record_id(match.id)
        if parsed:
            ids[parsed[0]].append(parsed[1])
    items = {}
    if ids[matching.ORGANISATION]:
        for org in db.session.scalars(db.select(Organisation).filter(Organisation.id.in_(ids[matching.ORGANISATION]))):
            items[matching.record_id(matching.ORGANISATION, org.id)] = org
    for kind, model in matching.ENTRY_MODELS.items():
        if ids[kind]:
            select = (db.select(model).options(joinedload(model.organisation))
                      .filter(model.id.in_(ids[kind]), model.status == "open"))
            for entry in db.session.scalars(select):
                if policy.can(viewer, "entry.view", entry):
                    items[matching.record_id(kind, entry.id)] = entry
    hits = []
    for match in matches:
        item = items.get(match.id)
        if item is None:
            continue
        kind = matching.parse_record_id(match.id)[0]
        if kind == matching.ORGANISATION:
            text = visible_profile(viewer, item)["description"] or ""
        else:
            text = item.body
        hits.append(Hit(kind, item, match.score, tuple(match.terms), text))
    return hits


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
