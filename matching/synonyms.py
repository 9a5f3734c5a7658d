"""Synonyms of administrative German (`data/synonyms.txt`, written by the team): the words people
use for the same thing ("Kita", "Kindertagesstätte", "Kindergarten", "Kinderbetreuung").

A member is one word, known by its key: the stems of its hyphenated pieces ("E-Akte" -> ("e",
"akt")). A word with a member's key brings the stems of the group's other members (`added`); a
hyphenated member adds none (its pieces alone, "Akte", are too general). This module only reads
the list; stemming is the analyser's (`matching.text`), passed in as `key` and `stems`, so the list
is compared in the index's own terms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

PATH = Path(__file__).resolve().parent / "data" / "synonyms.txt"

Key = tuple[str, ...]


class Synonyms:
    """Groups of members; for a member's key, the other members (keys) and their stems."""

    def __init__(self, groups: Iterable[list[tuple[Key, tuple[str, ...]]]] = ()) -> None:
        keys: dict[Key, set[Key]] = {}
        added: dict[Key, dict[str, None]] = {}
        for group in groups:
            for key, _stems in group:
                for other_key, other_stems in group:
                    if other_key == key:
                        continue
                    keys.setdefault(key, set()).add(other_key)
                    target = added.setdefault(key, {})
                    target.update((stem, None) for stem in other_stems if stem not in key)
        self._keys = {key: frozenset(others) for key, others in keys.items()}
        self._added = {key: tuple(stems) for key, stems in added.items()}

    @classmethod
    def read(cls, key: Callable[[str], Key], stems: Callable[[str], tuple[str, ...]],
             path: Path = PATH) -> Synonyms:
        """The groups of `path`: one a line, one-word members separated by commas, # starts a comment."""
        groups = []
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            members = [member.strip() for member in line.split(",") if member.strip()]
            if any(" " in member for member in members):
                raise ValueError(f"{path.name}: a synonym is one word: {line!r}")
            groups.append([(key(member), stems(member)) for member in members])
        return cls(groups)

    def __bool__(self) -> bool:
        return bool(self._added)

    def added(self, key: Key) -> tuple[str, ...]:
        """Stems of the other members of the groups of the member with `key` (() if none)."""
        return self._added.get(key, ())

    def keys(self, key: Key) -> frozenset[Key]:
        """Keys of the other members of the groups of the member with `key`."""
        return self._keys.get(key, frozenset())
