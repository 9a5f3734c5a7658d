"""Proximity in partner suggestions: an organisation in the same Land, or of the same population
class, counts for something ("auch in Bayern", "auch 20.000–50.000 Einwohner"), kept small enough
that it only reorders suggestions of nearly equal text score and never costs ranking quality.

Plain functions over plain values (no Flask, no database): bench/matching_quality.py --proximity
measures them on the quality sets, whose records carry no Land, by giving every owner one by hash.
The matching/ library knows nothing of Länder; this lives in the app layer.
"""
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

WEIGHT = 0.01
"""The largest bonus, relative to the text score: same Land and same population class together
lift a score by 1 %; same Land alone by 2/3 of it, same class alone by 1/3 (bench figures in
docs/matching.md, "Proximity")."""
LAND_SHARE, CLASS_SHARE = 2 / 3, 1 / 3


@dataclass(frozen=True)
class Closeness:
    same_land: bool = False
    same_class: bool = False

    @property
    def bonus(self) -> float:
        return WEIGHT * (LAND_SHARE * self.same_land + CLASS_SHARE * self.same_class)


def closeness(ours: tuple[str | None, str | None], theirs: tuple[str | None, str | None]) -> Closeness:
    """(Land, population class) of our organisation and of theirs; unknown values never match."""
    return Closeness(same_land=bool(ours[0]) and ours[0] == theirs[0],
                     same_class=bool(ours[1]) and ours[1] == theirs[1])


def ranked(items: Iterable, score_of: Callable[[object], float], closeness_of: Callable[[object], Closeness],
           weight: float | None = None) -> list:
    """`items` ordered by text score lifted by proximity, best first (stable for equal values)."""
    factor = 1.0 if weight is None else weight / WEIGHT
    decorated = [(score_of(item) * (1 + factor * closeness_of(item).bonus), position, item)
                 for position, item in enumerate(items)]
    decorated.sort(key=lambda row: (-row[0], row[1]))
    return [item for _, _, item in decorated]


def reasons(close: Closeness, land_label, class_label) -> Sequence:
    """The reasons shown beside a suggestion: what the two organisations have in common."""
    found = []
    if close.same_land and land_label:
        found.append(("land", land_label))
    if close.same_class and class_label:
        found.append(("population_class", class_label))
    return found
