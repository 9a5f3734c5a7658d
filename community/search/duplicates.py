"""Near-duplicate texts collapsed into one hit: the first 20 hits for "Bauantrag" must not be copies of
two texts. Two hits of the same kind are near-duplicates when their word 3-shingles overlap by
SIMILARITY (Jaccard) or more (copies that differ in the name and a year score about 0.6). Candidate
pairs are those sharing their first line (title) or one of eight min-hashes (a pair at 0.5 is then
missed with a chance of 0.5**8, 0.4 %), so 500 hits need no pairwise comparison of all of them.
Shingles are hashed with CRC-32, so the grouping is the same in every process.
"""
import zlib

import numpy as np

from community.search.words import fold, surface_words

SIMILARITY = 0.5
SHINGLE = 3
_SALTS = np.array((0, 0x5BD1E995, 0x27D4EB2F, 0x165667B1, 0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x7FEB352D),
                  dtype=np.uint32)


def shingles(text: str) -> frozenset[int]:
    words = surface_words(fold(text or ""))  # folding the whole text once is what makes this cheap
    if len(words) < SHINGLE:
        grams = [" ".join(words)] if words else []
    else:
        grams = [" ".join(gram) for gram in zip(*(words[i:] for i in range(SHINGLE)))]
    return frozenset(zlib.crc32(gram.encode()) for gram in grams)


def _jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def collapse(items: list, key, text_of, merge=lambda item: True) -> list[tuple[object, list]]:
    """Group `items` (best first) into (representative, [near-duplicates]) pairs, keeping the order of
    the representatives. `key(item)` separates what may never be merged (the kind of record); items
    for which `merge(item)` is false stay on their own."""
    groups: list[tuple[object, list]] = []
    buckets: dict[tuple, list[int]] = {}
    sets: list[frozenset] = []
    for item in items:
        shingled = shingles(text_of(item)) if merge(item) else frozenset()
        if not shingled:
            groups.append((item, []))
            sets.append(shingled)
            continue
        minima = (np.fromiter(shingled, dtype=np.uint32, count=len(shingled))[:, None] ^ _SALTS).min(axis=0)
        hashes = [(key(item), band, int(value)) for band, value in enumerate(minima)]
        hashes.append((key(item), "title", fold(text_of(item).split("\n", 1)[0]).strip()))
        candidates = dict.fromkeys(group for bucket in hashes for group in buckets.get(bucket, ()))
        target = next((group for group in candidates if _jaccard(sets[group], shingled) >= SIMILARITY), None)
        if target is not None:
            groups[target][1].append(item)
            continue
        groups.append((item, []))
        sets.append(shingled)
        for bucket in hashes:
            buckets.setdefault(bucket, []).append(len(groups) - 1)
    return groups
