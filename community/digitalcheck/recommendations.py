"""What the Digital-Check recommends per Handlungsfeld, from features it does not import.

A feature (good examples, events, …) registers a source once at import time; the result page asks every
source for each of the top Handlungsfelder. A source gets the organisation, the dimension's slug and its
taxonomy topics, and returns at most `limit` items: dicts with "title", "url" and "reason" (a short,
already translated text saying why it fits).
"""
from collections.abc import Callable
from dataclasses import dataclass


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
