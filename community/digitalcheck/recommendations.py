"""What the Digital-Check recommends per Handlungsfeld, from features it does not import.

A feature (good examples, events, …) registers a source once at import time; the result page asks every
source for each of the top Handlungsfelder. A source gets the organisation, the dimension's slug and its
taxonomy topics, and returns at most `limit` items: dicts with "title", "url" and "reason" (a short,
already translated text saying why it fits), optionally "providers" ([{"name", "url"}]: who offers it, when
one card stands for the same offer of several providers).

The rules of what fits a municipality live here, so every source applies the same ones:
`audience_fits` (trainings) and `topic_fit` (examples); funding programmes have their own source
(community/programmes/hooks.py).
"""
from collections.abc import Callable
from dataclasses import dataclass

from community.taxonomy import ORG_KIND_BY_SLUG, ORG_TYPE_SLUGS, MUNICIPALITY, POPULATION_CLASS_BY_SLUG


@dataclass(frozen=True)
class RecommendationSource:
    kind: str
    label: Callable[[], str]  # a lazy heading ("Gute Beispiele"), shown above the items
    find: Callable[..., list[dict]]  # find(organisation, dimension, topics, limit) -> [{"title", "url", "reason"}]
    order: int = 100


_sources: dict[str, RecommendationSource] = {}


def register_source(kind: str, label, find, order: int = 100) -> None:
    _sources[kind] = RecommendationSource(kind, label, find, order)


def sources() -> list[RecommendationSource]:
    return sorted(_sources.values(), key=lambda source: (source.order, source.kind))


def recommendations_for(organisation, dimension: str, topics, limit: int = 3) -> list[tuple[RecommendationSource, list[dict]]]:
    found = []
    for source in sources():
        items = source.find(organisation, dimension, tuple(topics), limit)[:limit]
        if items:
            found.append((source, items))
    return found


def audience_fits(audience, organisation) -> bool:
    """Whether a training's audience includes the organisation. The audience lists population classes,
    organisation kinds and municipal types; each group it names must include the organisation's own value
    (a training for "lt5k" is not for a city of 200,000), a group it does not name is no restriction."""
    audience = set(audience or ())
    if organisation is None or not audience:
        return True
    groups = ((set(POPULATION_CLASS_BY_SLUG), organisation.population_class),
              (set(ORG_KIND_BY_SLUG), organisation.kind),
              (ORG_TYPE_SLUGS[MUNICIPALITY], organisation.org_type))
    return all(value in named for group, value in groups if (named := audience & group))


def topic_fit(item_topics, dimension_topics) -> float:
    """How much of an item is about the field: the share of its topics that are the field's (0 to 1). An
    example on council meetings and IT infrastructure is half about infrastructure, one on backups wholly."""
    item_topics = set(item_topics or ())
    return len(item_topics & set(dimension_topics)) / len(item_topics) if item_topics else 0.0


# Examples at least this much about the field are shown; the ones most about it first.
MIN_TOPIC_FIT = 0.5


def consultation_draft(assessment) -> dict:
    """A first consultation's request prefilled from a submitted check: its top fields as subject, text and
    topics, the check attached and the open needs adopted from it ticked (the request form's values; the
    requester edits them before sending)."""
    from flask_babel import format_date
    from flask_babel import gettext as _

    from community.digitalcheck import services

    dimensions = services.questionnaire().dimension_by_slug
    top = [f for f in services.result_of(assessment)["fields"]
           if f["need_for_action"] is not None and f["dimension"] in dimensions][:services.TOP_FIELDS]
    lines = [_("Our Digital Compass of %(date)s is attached. Our top fields:", date=format_date(assessment.submitted_at))]
    lines += [f"- {dimensions[f['dimension']].label}: " + _("score %(score)s, priority %(priority)s",
                                                           score=round(f["score"]), priority=f["priority"]) for f in top]
    return {"subject": _("First consultation on our Digital Compass"), "description": "\n".join(lines),
            "topics": list(dict.fromkeys(t for f in top for t in dimensions[f["dimension"]].topics)),
            "assessment_id": assessment.id,
            "need_ids": [need.id for need in services.adopted_needs(assessment) if need.status == "open"]}
