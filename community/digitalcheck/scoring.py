"""Scores, maturity levels, Handlungsfelder and peer statistics: pure functions over plain data."""
from dataclasses import dataclass
from statistics import median, quantiles

from flask_babel import lazy_gettext as _l

K_ANONYMITY = 5
DEFAULT_PRIORITY = 2
PRIORITIES = (1, 2, 3)
MATURITY_LEVELS = (
    (1, _l("Beginning")),
    (2, _l("Developing")),
    (3, _l("Established")),
    (4, _l("Advanced")),
    (5, _l("Leading")),
)


def dimension_scores(questionnaire, answers: dict) -> dict[str, float | None]:
    """Mean of the answered levels ÷ 4 × 100 per dimension; None when nothing in it was answered."""
    scores = {}
    for dimension in questionnaire.dimensions:
        levels = [answers[q.id] for q in dimension.questions if answers.get(q.id) is not None]
        scores[dimension.slug] = round(sum(levels) / len(levels) / 4 * 100, 1) if levels else None
    return scores


def overall_score(scores: dict) -> float | None:
    known = [score for score in scores.values() if score is not None]
    return round(sum(known) / len(known), 1) if known else None


def maturity_level(score: float | None) -> int | None:
    """1 for 0–<20, 2 for 20–<40 … 5 for 80–100."""
    if score is None:
        return None
    return min(5, int(score // 20) + 1)


def maturity_label(value: int | None):
    return dict(MATURITY_LEVELS).get(value)


@dataclass(frozen=True)
class Field:
    dimension: str
    score: float | None
    priority: int
    need_for_action: float | None


def handlungsfelder(scores: dict, priorities: dict) -> list[Field]:
    """Dimensions ranked by need for action = priority × (100 − score), highest first; unanswered
    dimensions last; ties keep the questionnaire's order."""
    fields = []
    for slug, score in scores.items():
        priority = priorities.get(slug) or DEFAULT_PRIORITY
        need = None if score is None else round(priority * (100 - score), 1)
        fields.append(Field(slug, score, priority, need))
    order = {slug: position for position, slug in enumerate(scores)}
    return sorted(fields, key=lambda f: (f.need_for_action is None, -(f.need_for_action or 0), order[f.dimension]))


def peer_statistics(values: list[float]) -> dict | None:
    """Median and quartiles of peers' scores, or None below k = 5 peers so no single result shows."""
    if len(values) < K_ANONYMITY:
        return None
    p25, _, p75 = quantiles(values, n=4, method="inclusive")
    return {"peers": len(values), "median": round(median(values), 1), "p25": round(p25, 1), "p75": round(p75, 1)}


def benchmark(peer_scores: list[dict], slugs) -> dict[str, dict | None]:
    """Per dimension the statistics over the peers that answered it."""
    return {slug: peer_statistics([s[slug] for s in peer_scores if s.get(slug) is not None]) for slug in slugs}
