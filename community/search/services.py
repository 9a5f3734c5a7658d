"""Free-text search over organisations, needs and offers, ranked by the matching engine.

The engine ranks; the database decides what the viewer may see (members-only entries only for
signed-in users, open entries only). Highlighting escapes every piece of text before it wraps the
matched words in <mark>, so no text from the database is ever rendered as HTML.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload

from community import policy
from community.extensions import db
from community.organisations.models import Organisation
from community.organisations.services import visible_profile
from community.pagination import Page
from community.suggestions import engine as matching

CANDIDATES = 200
"""Matches asked of the engine; results are paged within these."""
KINDS = (matching.NEED, matching.OFFER, matching.ORGANISATION)
MAX_QUERY_CHARS = matching.MAX_QUERY_CHARS
EXCERPT_CHARS = 280
PROBLEMS = {
    "empty": _l("Enter a word to search for."),
    "stop_words_only": _l("Your search contains only very common words (such as “und” or “die”), "
                          "which are not searched for. Add a more specific word."),
    "unknown_words": _l("None of these words occurs in any organisation, need or offer."),
}

# (viewer, query) -> [(thread, matching post)]: the forums register theirs, so search imports no forum.
_thread_finders: list[Callable[[object, str], list]] = []


def register_thread_finder(find: Callable[[object, str], list]) -> None:
    """Add the forum threads matching a query to page 1 of the results."""
    _thread_finders.append(find)


@dataclass(frozen=True)
class Hit:
    kind: str
    item: object  # a Need, Offer or Organisation
    score: float
    terms: tuple[str, ...]
    text: str  # what the viewer may read of it

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

    @property
    def message(self):
        return PROBLEMS.get(self.problem)


def search(viewer, query: str | None, page: int = 1, per_page: int = 20) -> SearchResult:
    query = (query or "").strip()
    truncated = len(query) > MAX_QUERY_CHARS
    query = query[:MAX_QUERY_CHARS]
    problem, matches = matching.engine().search(query, k=CANDIDATES, kinds=KINDS)
    hits = _visible_hits(viewer, matches)
    start = (page - 1) * per_page
    threads = tuple(pair for find in _thread_finders for pair in find(viewer, query)) if page == 1 else ()
    return SearchResult(query, truncated, problem, Page(hits[start:start + per_page], len(hits), page, per_page),
                        threads)


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


def highlight(text: str, terms) -> Markup:
    """`text` escaped, with every occurrence of the matched terms wrapped in <mark>."""
    text = text or ""
    pattern = _pattern(terms)
    if pattern is None:
        return escape(text)
    pieces, last = [], 0
    for found in pattern.finditer(text):
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
    pattern = _pattern(terms)
    found = pattern.search(text) if pattern else None
    start = max(0, (found.start() if found else 0) - width // 4)
    if start:
        start = text.find(" ", start) + 1 or start
    end = start + width
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    return ("… " if start else "") + text[start:end] + (" …" if end < len(text) else "")
