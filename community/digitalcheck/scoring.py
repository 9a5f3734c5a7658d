"""Scores, maturity levels, Handlungsfelder and peer statistics: pure functions over plain data."""
from dataclasses import dataclass
from statistics import median, quantiles

from flask_babel import lazy_gettext as _l

K_ANONYMITY = 5
# The two answers that are not a level. "Weiß nicht" is itself a sign of low maturity and counts as level 0;
# "trifft nicht zu" leaves the mean. A null (None) is "not answered yet" in version 2 and, in version 1
# assessments, the old joint "weiß nicht / trifft nicht zu": either way it stays out of the score.
DONT_KNOW = "dont_know"
NOT_APPLICABLE = "not_applicable"
ANSWER_WORDS = (DONT_KNOW, NOT_APPLICABLE)
TARGET_LEVELS = range(5)
DEFAULT_PRIORITY = 2
PRIORITIES = (1, 2, 3)
MATURITY_LEVELS = (
    (1, _l("Beginning")),
    (2, _l("Developing")),
    (3, _l("Established")),
    (4, _l("Advanced")),
    (5, _l("Leading")),
)


def level_of(answer) -> int | None:
    """The level an answer counts as: its own, 0 for "weiß nicht", None for what stays out of the mean."""
    if answer == DONT_KNOW:
        return 0
    if isinstance(answer, int) and not isinstance(answer, bool) and answer in range(5):
        return answer
    return None


def dimension_scores(questionnaire, answers: dict) -> dict[str, float | None]:
    """Mean of the counted levels ÷ 4 × 100 per dimension ("weiß nicht" counts as 0, "trifft nicht zu" and
    unanswered questions are left out); None when nothing in it counts."""
    scores = {}
    for dimension in questionnaire.dimensions:
        levels = [level for level in (level_of(answers.get(q.id)) for q in dimension.questions) if level is not None]
        scores[dimension.slug] = round(sum(levels) / len(levels) / 4 * 100, 1) if levels else None
    return scores


def dont_know_counts(questionnaire, answers: dict) -> dict[str, int]:
    """Per dimension how many questions were answered "weiß nicht" ("3 Fragen mit 'weiß nicht'")."""
    return {dimension.slug: sum(1 for q in dimension.questions if answers.get(q.id) == DONT_KNOW)
            for dimension in questionnaire.dimensions}


def target_score(target: int | None) -> float | None:
    """A target level 0–4 on the score's 0–100 scale."""
    return None if target is None else target * 25.0


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
    target: int | None = None  # the level 0–4 aimed for (Soll); None without a target
    gap: float | None = None  # points from the score up to the target (or to 100 without one); never negative


def gap_of(score: float | None, target: int | None) -> float | None:
    """Points between the score and the target's score (target × 25), 0 once reached; without a target the
    gap to 100. None without a score."""
    if score is None:
        return None
    goal = 100.0 if target is None else target_score(target)
    return round(max(0.0, goal - score), 1)


def handlungsfelder(scores: dict, priorities: dict, targets: dict | None = None) -> list[Field]:
    """Dimensions ranked by need for action = priority × gap (the gap between target and score, or to 100
    without a target), highest first; unanswered dimensions last; ties keep the questionnaire's order."""
    targets = targets or {}
    fields = []
    for slug, score in scores.items():
        priority = priorities.get(slug) or DEFAULT_PRIORITY
        target = targets.get(slug)
        gap = gap_of(score, target)
        need = None if gap is None else round(priority * gap, 1)
        fields.append(Field(slug, score, priority, need, target, gap))
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
