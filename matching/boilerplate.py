"""Boilerplate: passages repeated word for word across documents (signatures, greetings, slogans).

A mail signature ("Für Rückfragen stehe ich gern zur Verfügung. Mit freundlichen Grüßen, i. A.
Fachbereich 1 Zentrale Dienste ..."), a vendor's closing claim ("Über 25 Jahre Erfahrung ...,
DSGVO-konform, Made in Germany. Jetzt kostenlose Demo vereinbaren!") or a municipality's standard
introduction say nothing about what a record needs or offers, yet their words ("Organisation",
"IT", "Haushalt", "Verwaltung") match unrelated records. Such passages are found as runs of
`SHINGLE_WORDS` consecutive words that occur in at least `MIN_DOCUMENTS` documents of the corpus;
every word covered by such a run is left out of a text's analysis. Natural prose rarely repeats
eight words in a row across three documents, so content survives (measured: docs/matching.md).

Hashes are stable across processes (CRC-32 of each folded word, combined by a polynomial rolling
hash in 64-bit arithmetic), so the learnt set can be saved with the index.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence

import numpy as np

from matching.text import fold

SHINGLE_WORDS = 8
MIN_DOCUMENTS = 3
MAX_CACHED_WORDS = 1_000_000
"""Word hashes are cached; queries bring new words, so the cache is emptied when it grows past this."""
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


class Boilerplate:
    """A learnt set of repeated word runs; `strip` removes the words they cover from a text."""

    def __init__(self, hashes: np.ndarray | None = None) -> None:
        self.hashes = np.unique(np.asarray(hashes if hashes is not None else [], dtype=np.uint64))
        self._word_hash: dict[str, int] = {}

    @classmethod
    def learn(cls, shingles: Iterable[np.ndarray]) -> Boilerplate:
        """Runs present in at least MIN_DOCUMENTS documents, from each document's `shingles`."""
        hashes = [np.unique(document) for document in shingles if len(document)]
        if not hashes:
            return cls()
        values, counts = np.unique(np.concatenate(hashes), return_counts=True)
        return cls(values[counts >= MIN_DOCUMENTS])

    def strip(self, surfaces: list[str], shingles: np.ndarray | None = None) -> list[str]:
        """The words of `surfaces` not covered by a repeated run, in order; all of them if fewer
        than SHINGLE_WORDS would remain (a text that is only a template, or a query that quotes one,
        is its own content). `shingles` may pass `self.shingles(surfaces)` if already computed."""
        if len(self.hashes) == 0 or len(surfaces) < SHINGLE_WORDS:
            return surfaces
        if shingles is None:
            shingles = self.shingles(surfaces)
        positions = np.searchsorted(self.hashes, shingles)
        found = self.hashes[np.minimum(positions, len(self.hashes) - 1)] == shingles
        if not found.any():
            return surfaces
        starts = np.flatnonzero(found)
        change = np.bincount(starts, minlength=len(surfaces))
        # A run starting at i covers words i .. i + SHINGLE_WORDS - 1 (the last run ends at the end).
        change[SHINGLE_WORDS:] -= np.bincount(starts, minlength=len(shingles))[:len(surfaces) - SHINGLE_WORDS]
        covered = np.cumsum(change) > 0
        if len(surfaces) - np.count_nonzero(covered) < SHINGLE_WORDS:
            return surfaces
        return [surface for surface, drop in zip(surfaces, covered) if not drop]

    def shingles(self, surfaces: Sequence[str]) -> np.ndarray:
        """Hash of every run of SHINGLE_WORDS consecutive words (folded, so case does not matter)."""
        if len(surfaces) < SHINGLE_WORDS:
            return np.empty(0, dtype=np.uint64)
        cache = self._word_hash
        if len(cache) > MAX_CACHED_WORDS:
            cache.clear()
        # get-or-compute (never a check, then a read) so that a clear by another thread is harmless;
        # hashes are ≥ 1, so a missing word is the only falsy value.
        words = np.fromiter((cache.get(s) or _remember(cache, s) for s in surfaces),
                            dtype=np.uint64, count=len(surfaces))
        count = len(words) - SHINGLE_WORDS + 1
        hashes = np.zeros(count, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for offset in range(SHINGLE_WORDS):
                hashes = hashes * _MULTIPLIER + words[offset:offset + count]
        return hashes


def _remember(cache: dict[str, int], surface: str) -> int:
    value = cache[surface] = zlib.crc32(fold(surface).encode()) + 1
    return value
