"""The Digitalkompass questionnaire: versioned data in data/ (questionnaire.toml is version 1,
questionnaire-v2.toml the current one), validated once on load. Every assessment keeps the version it
answered and is read and scored with that version (`by_version`); new assessments take `current()`.

Version 2 adds per question `applies_to` (the municipal org types it concerns; a municipality sees only its
questions, `Questionnaire.for_org_type`) and `sources` naming entries of [sources], each with title, URL and
"Stand" date. Version 1 has neither: its questions apply to every type and its sources are plain titles.

Texts come in German and English side by side in the file (the questionnaire is data that changes
with its version, not interface text), so they are picked by the reader's locale here rather than
through the message catalogue.
"""
import re
import tomllib
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from flask import has_request_context
from flask_babel import get_locale

from community.profiles.catalogue import SERVICE_IDS
from community.taxonomy import (ENTRY_VISIBILITY_BY_SLUG, GEMEINDE, KREISFREIE_STADT, LANDKREIS, STADT, TOPIC_BY_SLUG,
                                VERBANDSGEMEINDE)

DATA_DIR = Path(__file__).with_name("data")
DATA = DATA_DIR / "questionnaire.toml"  # version 1
FILES = (DATA, DATA_DIR / "questionnaire-v2.toml")  # oldest first; the last is the current one
LEVELS = range(5)
MIN_DIMENSIONS = 8
MAX_DIMENSIONS = 10
QUESTIONS_PER_DIMENSION = range(4, 9)
# Version 2: per org type each dimension has 3 to 8 questions and the whole check at most 45.
QUESTIONS_PER_DIMENSION_AND_TYPE = range(3, 9)
MAX_QUESTIONS_PER_TYPE = 45
LANGUAGES = ("de", "en")
ORG_TYPES = (GEMEINDE, STADT, KREISFREIE_STADT, VERBANDSGEMEINDE, LANDKREIS)
STAND = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


class QuestionnaireError(ValueError):
    """The questionnaire file breaks one of its rules; raised at load, never at answer time."""


def _language() -> str:
    if has_request_context():
        locale = get_locale()
        if locale is not None and locale.language in LANGUAGES:
            return locale.language
    return "de"


@dataclass(frozen=True)
class Texts:
    de: object
    en: object

    def __str__(self) -> str:
        return str(self.current)

    @property
    def current(self):
        return getattr(self, _language())


@dataclass(frozen=True)
class NeedTemplate:
    title: Texts
    text: Texts
    topics: tuple[str, ...]
    ozg_ids: tuple[int, ...]
    # The visibility an adopted need starts with: "organisation" for what reveals a weakness
    # (security, data protection, emergency preparedness, staffing), so a gap is never published unasked.
    visibility: str = "public"


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str | None = None
    stand: str | None = None  # "YYYY-MM" or "YYYY-MM-DD": when the source was read

    def to_dict(self) -> dict:
        return {"title": self.title, "url": self.url, "stand": self.stand}


@dataclass(frozen=True)
class Question:
    id: str
    dimension: str
    text: Texts
    levels: tuple[Texts, ...]
    need: NeedTemplate | None
    applies_to: tuple[str, ...] = ORG_TYPES
    sources: tuple[Source, ...] = ()

    def applies(self, org_type: str | None) -> bool:
        return org_type not in ORG_TYPES or org_type in self.applies_to


@dataclass(frozen=True)
class Dimension:
    slug: str
    label: Texts
    topics: tuple[str, ...]
    sources: tuple[str, ...]
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    version: str
    sources: dict[str, Source]
    dimensions: tuple[Dimension, ...]
    org_type: str | None = None  # set on the filtered copy `for_org_type` returns

    def for_org_type(self, org_type: str | None) -> "Questionnaire":
        """Only the questions that concern this municipal type (all of them for an unknown or empty type,
        so nobody is left without a questionnaire); dimensions left empty are dropped."""
        if org_type not in ORG_TYPES:
            return self
        dimensions = tuple(replace(d, questions=tuple(q for q in d.questions if q.applies(org_type)))
                           for d in self.dimensions)
        return replace(self, dimensions=tuple(d for d in dimensions if d.questions), org_type=org_type)

    @property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for d in self.dimensions for q in d.questions}

    @property
    def dimension_by_slug(self) -> dict[str, Dimension]:
        return {d.slug: d for d in self.dimensions}


def _texts(raw: dict, name: str, where: str) -> Texts:
    values = []
    for language in LANGUAGES:
        value = raw.get(f"{name}_{language}")
        if not isinstance(value, str) or not value.strip():
            raise QuestionnaireError(f"{where}: {name}_{language} is missing")
        values.append(value.strip())
    return Texts(*values)


def _topics(raw, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw or any(t not in TOPIC_BY_SLUG for t in raw):
        raise QuestionnaireError(f"{where}: topics must be a non-empty list of taxonomy topics, got {raw!r}")
    return tuple(raw)


def _levels(raw: dict, where: str) -> tuple[Texts, ...]:
    by_language = {lang: raw.get(f"levels_{lang}") for lang in LANGUAGES}
    for language, levels in by_language.items():
        if not isinstance(levels, list) or len(levels) != len(LEVELS) or not all(
                isinstance(level, str) and level.strip() for level in levels):
            raise QuestionnaireError(f"{where}: levels_{language} must list exactly five described levels")
    return tuple(Texts(de.strip(), en.strip()) for de, en in zip(by_language["de"], by_language["en"]))


def _need(raw, where: str) -> NeedTemplate | None:
    if raw is None:
        return None
    ozg_ids = raw.get("ozg_ids", [])
    if not isinstance(ozg_ids, list) or any(i not in SERVICE_IDS for i in ozg_ids):
        raise QuestionnaireError(f"{where}: ozg_ids must be ids of the OZG catalogue, got {ozg_ids!r}")
    visibility = raw.get("visibility", "public")
    if visibility not in ENTRY_VISIBILITY_BY_SLUG:
        raise QuestionnaireError(f"{where}: visibility must be one of {sorted(ENTRY_VISIBILITY_BY_SLUG)}, got {visibility!r}")
    return NeedTemplate(_texts(raw, "title", where), _texts(raw, "text", where),
                        _topics(raw.get("topics"), where), tuple(ozg_ids), visibility)


def _sources(raw: dict) -> dict[str, Source]:
    """[sources]: key = "title" (version 1) or key = {title, url, stand} (version 2)."""
    sources = {}
    for key, value in (raw or {}).items():
        if isinstance(value, str) and value.strip():
            sources[key] = Source(key, value.strip())
            continue
        if not isinstance(value, dict) or not str(value.get("title", "")).strip() \
                or not str(value.get("url", "")).startswith("https://") or not STAND.match(str(value.get("stand", ""))):
            raise QuestionnaireError(f"source {key!r}: needs a title, an https URL and a stand (YYYY-MM[-DD])")
        sources[key] = Source(key, value["title"].strip(), value["url"], value["stand"])
    return sources


def _applies_to(raw, where: str) -> tuple[str, ...]:
    if raw is None:
        return ORG_TYPES
    if not isinstance(raw, list) or not raw or any(t not in ORG_TYPES for t in raw) or len(set(raw)) != len(raw):
        raise QuestionnaireError(f"{where}: applies_to must list municipal org types of {ORG_TYPES}, got {raw!r}")
    return tuple(t for t in ORG_TYPES if t in raw)


def _question_sources(raw, sources: dict, where: str, required: bool) -> tuple[Source, ...]:
    if raw is None and not required:
        return ()
    if not isinstance(raw, list) or not raw or any(key not in sources or sources[key].url is None for key in raw):
        raise QuestionnaireError(f"{where}: sources must name entries of [sources] with a URL, got {raw!r}")
    return tuple(sources[key] for key in raw)


def parse(data: dict) -> Questionnaire:
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise QuestionnaireError("version is missing")
    sources = _sources(data.get("sources"))
    # Version 2 files say so: every question declares applies_to and its own sources.
    strict = bool(data.get("per_question_sources"))
    dimensions, seen_ids, seen_slugs = [], set(), set()
    for raw_dimension in data.get("dimensions", []):
        slug = raw_dimension.get("slug")
        where = f"dimension {slug!r}"
        if not isinstance(slug, str) or not slug or slug in seen_slugs:
            raise QuestionnaireError(f"{where}: slug missing or repeated")
        seen_slugs.add(slug)
        unknown_sources = [s for s in raw_dimension.get("sources", []) if s not in sources]
        if not raw_dimension.get("sources") or unknown_sources:
            raise QuestionnaireError(f"{where}: sources must name entries of [sources], got {unknown_sources!r}")
        questions = []
        for raw_question in raw_dimension.get("questions", []):
            question_id = raw_question.get("id")
            qwhere = f"question {question_id!r}"
            if not isinstance(question_id, str) or not question_id.startswith(f"{slug}.") or len(
                    question_id) > 40 or question_id in seen_ids:
                raise QuestionnaireError(f"{qwhere}: id must be unique, start with '{slug}.', at most 40 chars")
            seen_ids.add(question_id)
            if strict and "applies_to" not in raw_question:
                raise QuestionnaireError(f"{qwhere}: applies_to is missing")
            questions.append(Question(question_id, slug, _texts(raw_question, "text", qwhere),
                                      _levels(raw_question, qwhere), _need(raw_question.get("need"), qwhere),
                                      _applies_to(raw_question.get("applies_to"), qwhere),
                                      _question_sources(raw_question.get("sources"), sources, qwhere, strict)))
        if not strict and len(questions) not in QUESTIONS_PER_DIMENSION:
            raise QuestionnaireError(f"{where}: needs 4 to 8 questions, has {len(questions)}")
        for org_type in ORG_TYPES if strict else ():
            count = sum(1 for q in questions if q.applies(org_type))
            if count not in QUESTIONS_PER_DIMENSION_AND_TYPE:
                raise QuestionnaireError(f"{where}: needs 3 to 8 questions for {org_type}, has {count}")
        dimensions.append(Dimension(slug, _texts(raw_dimension, "label", where),
                                    _topics(raw_dimension.get("topics"), where),
                                    tuple(raw_dimension["sources"]), tuple(questions)))
    if not MIN_DIMENSIONS <= len(dimensions) <= MAX_DIMENSIONS:
        raise QuestionnaireError(f"needs {MIN_DIMENSIONS} to {MAX_DIMENSIONS} dimensions, has {len(dimensions)}")
    for org_type in ORG_TYPES if strict else ():
        count = sum(1 for d in dimensions for q in d.questions if q.applies(org_type))
        if count > MAX_QUESTIONS_PER_TYPE:
            raise QuestionnaireError(f"at most {MAX_QUESTIONS_PER_TYPE} questions for {org_type}, has {count}")
    return Questionnaire(version, sources, tuple(dimensions))


def load(path: Path = DATA) -> Questionnaire:
    with path.open("rb") as handle:
        return parse(tomllib.load(handle))


@cache
def versions() -> dict[str, Questionnaire]:
    """Every version that assessments may have answered, oldest first."""
    return {known.version: known for known in map(load, FILES)}


def current() -> Questionnaire:
    return list(versions().values())[-1]


def by_version(version: str | None) -> Questionnaire:
    """The version an assessment answered; the current one for a version that is not (or no longer) known."""
    return versions().get(version) or current()


def all_dimension_slugs() -> list[str]:
    """The dimensions of every version, current first: what a stored score set may name."""
    slugs = {}
    for known in reversed(list(versions().values())):
        slugs.update(dict.fromkeys(d.slug for d in known.dimensions))
    return list(slugs)
