"""The Digital-Check questionnaire: versioned data in data/questionnaire.toml, validated once on load.

Texts come in German and English side by side in the file (the questionnaire is data that changes
with its version, not interface text), so they are picked by the reader's locale here rather than
through the message catalogue.
"""
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import has_request_context
from flask_babel import get_locale

from community.profiles.catalogue import SERVICE_IDS
from community.taxonomy import ENTRY_VISIBILITY_BY_SLUG, TOPIC_BY_SLUG

DATA = Path(__file__).with_name("data") / "questionnaire.toml"
LEVELS = range(5)
MIN_DIMENSIONS = 8
QUESTIONS_PER_DIMENSION = range(4, 9)
LANGUAGES = ("de", "en")


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
class Question:
    id: str
    dimension: str
    text: Texts
    levels: tuple[Texts, ...]
    need: NeedTemplate | None


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
    sources: dict[str, str]
    dimensions: tuple[Dimension, ...]

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


def parse(data: dict) -> Questionnaire:
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise QuestionnaireError("version is missing")
    sources = data.get("sources") or {}
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
            questions.append(Question(question_id, slug, _texts(raw_question, "text", qwhere),
                                      _levels(raw_question, qwhere), _need(raw_question.get("need"), qwhere)))
        if len(questions) not in QUESTIONS_PER_DIMENSION:
            raise QuestionnaireError(f"{where}: needs 4 to 8 questions, has {len(questions)}")
        dimensions.append(Dimension(slug, _texts(raw_dimension, "label", where),
                                    _topics(raw_dimension.get("topics"), where),
                                    tuple(raw_dimension["sources"]), tuple(questions)))
    if len(dimensions) < MIN_DIMENSIONS:
        raise QuestionnaireError(f"needs at least {MIN_DIMENSIONS} dimensions, has {len(dimensions)}")
    return Questionnaire(version, dict(sources), tuple(dimensions))


def load(path: Path = DATA) -> Questionnaire:
    with path.open("rb") as handle:
        return parse(tomllib.load(handle))


@cache
def current() -> Questionnaire:
    return load()
