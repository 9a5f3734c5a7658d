"""German text analysis: normalisation, tokens, stop words, stemming and compound splitting.

`Analyser` turns a text into weighted index terms. A term is a Snowball stem of a folded word
("Genehmigungen" -> "genehm"); long compounds also yield the stems of their parts, found against a
vocabulary of words seen on their own ("Dokumentenmanagementsystem" -> "dokument", "management",
"system"), so that compounds meet their parts and their siblings ("Bauantrag" and
"Baugenehmigungsverfahren" share "bau"). `Analyser.word_terms` also names the readable word behind each
term, so that explanations can show words instead of stems.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

from matching.stopwords import ABBREVIATIONS, STOP_WORDS
from matching.synonyms import Synonyms

MAX_TEXT_CHARS = 20_000
"""Texts are cut to this many characters before analysis; longer input adds cost, not meaning."""

PART_WEIGHT = 1
"""Weight of a compound part relative to a whole word (measured: docs/matching.md). A whole
number: the TF-IDF counts terms as tokens (`matching.vectors`)."""

SYNONYM_WEIGHT = 1
"""Weight of a synonym's stem (`matching.synonyms`) relative to the word that brought it; whole."""

MIN_PART_CHARS = 4
"""Shorter parts only from SHORT_MORPHEMES: three letters are too often a false split."""

SHORT_MORPHEMES: frozenset[str] = frozenset(
    "amt bau bus gas hof kfz lkw not pkw rad rat see tag weg zug arzt".split()
)

MIN_MODIFIER_CHARS = 4
MIN_HEAD_CHARS = 5
"""Bounds for a compound with an unknown modifier before a known head ("Bier|steuer")."""
_LINKING_ELEMENTS = ("ns", "es", "en", "er", "s", "n", "e")
# A plural or case ending stripped from a vocabulary word gives the form used inside compounds
# ("Einrichtungen" teaches "einrichtung" for "Kindertageseinrichtung").
_INFLECTION_ENDINGS = ("en", "n", "e", "s", "es", "er")
_WORD = re.compile(r"[^\W_]+(?:[-‐‑][^\W_]+)*")
_HYPHENS = re.compile(r"[-‐‑]")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_VOWELS = frozenset("aeiouy")
_stem = Stemmer.Stemmer("german").stemWord


def fold(word: str) -> str:
    """Return the matching form of a word: NFKC, case folded, umlauts and ß spelled out.

    ä→ae keeps "Müll" and "Muell" equal; the Snowball stemmer treats "ae"/"ue"/"oe" as umlauts,
    so stems come out the same either way.
    """
    return unicodedata.normalize("NFKC", word).casefold().translate(_UMLAUTS)


def is_indexable(folded: str) -> bool:
    """Whether a folded word may carry meaning: not a stop word, not a bare number, not one letter."""
    return len(folded) > 1 and folded not in STOP_WORDS and not folded.isdigit()


def words(text: str) -> list[str]:
    """Surface words of a text (hyphenated compounds kept whole), after truncation and NFKC."""
    return _WORD.findall(unicodedata.normalize("NFKC", text[:MAX_TEXT_CHARS]))


def content_words(text: str) -> list[str]:
    """The folded words of `text` that may carry meaning (is_indexable), in order: how much a short
    text says, before any analysis."""
    return [word for word in map(fold, words(text)) if is_indexable(word)]


def count_words(texts: Iterable[str]) -> Counter[str]:
    """How often each surface word occurs in `texts`."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(words(text))
    return counts


def synonym_key(surface: str) -> tuple[str, ...]:
    """How the synonym list knows a word: the stems of its hyphenated pieces ("E-Akte" -> ("e", "akt")),
    a plural in -s after a vowel taken as its singular ("Kitas" -> ("kita",); Snowball keeps the s)."""
    return tuple(_stem(_singular(fold(piece))) for piece in _HYPHENS.split(surface) if piece)


def _singular(folded: str) -> str:
    return folded[:-1] if len(folded) > 3 and folded[-1] == "s" and folded[-2] in _VOWELS else folded


def _member_keys(surface: str) -> list[tuple[str, ...]]:
    """The keys under which a word may be a synonym member: the whole word, and each piece of a
    hyphenated one ("Kita-Anmeldung" is "Kita" too)."""
    key = synonym_key(surface)
    return [key, *((stem,) for stem in key)] if len(key) > 1 else [key]


def _member_stems(member: str) -> tuple[str, ...]:
    """The stems a synonym adds: its own if it is one piece, none if hyphenated ("E-Akte"); a word
    ending in a vowel also its plural in -s, which Snowball stems apart ("Kita", "Kitas")."""
    folded = fold(member)
    if not is_indexable(folded) or _HYPHENS.search(member):
        return ()
    return tuple(dict.fromkeys((_stem(folded), *((_stem(folded + "s"),) if folded[-1] in _VOWELS else ()))))


@lru_cache(maxsize=1)
def default_synonyms() -> Synonyms:
    """The project's synonym list (matching/data/synonyms.txt), read once per process."""
    return Synonyms.read(synonym_key, _member_stems)


class Analyser:
    """Turns text into weighted stems; knows which words may be compound parts and their synonyms."""

    def __init__(self, part_vocabulary: Iterable[str] = (), synonyms: Synonyms | None = None) -> None:
        self.part_vocabulary = frozenset(part_vocabulary) | SHORT_MORPHEMES
        self.synonyms = synonyms if synonyms is not None else default_synonyms()
        self._split = lru_cache(maxsize=None)(self._split_uncached)
        self._word_terms = lru_cache(maxsize=500_000)(self._word_terms_uncached)
        self._synonym_terms = lru_cache(maxsize=100_000)(self._synonym_terms_uncached)

    @classmethod
    def from_surface_counts(cls, surface_counts: Counter[str]) -> Analyser:
        """Learn the part vocabulary from the words of a corpus (see `count_words`): every indexable
        word seen on its own, plus its form without a plural or case ending."""
        vocabulary: set[str] = set()
        for surface in surface_counts:
            word = fold(surface)
            if len(word) >= MIN_PART_CHARS and word.isalpha() and is_indexable(word):
                vocabulary.add(word)
                vocabulary.update(
                    word[: -len(ending)] for ending in _INFLECTION_ENDINGS
                    if word.endswith(ending) and len(word) - len(ending) >= MIN_PART_CHARS
                )
        return cls(vocabulary)

    def readable_words(self, surface_counts: Counter[str]) -> dict[str, str]:
        """The most frequent readable word behind each term of a corpus (see `count_words`)."""
        counts: Counter[tuple[str, str]] = Counter()
        for surface, count in surface_counts.items():
            for term, _, shown in self.word_terms(surface):
                counts[term, shown] += count
        readable: dict[str, str] = {}
        best: dict[str, int] = {}
        for (term, shown), count in counts.items():
            if count > best.get(term, 0):
                best[term] = count
                readable[term] = shown
        return readable

    def analyse(self, text: str, weight: int = 1, into: Counter[str] | None = None,
                synonyms: bool = False) -> Counter[str]:
        """Add the terms of `text` (each occurrence counted with `weight`) to `into` and return it;
        with `synonyms`, also the stems of each word's synonyms (SYNONYM_WEIGHT)."""
        return self.analyse_words(words(text), weight, into, synonyms)

    def analyse_words(self, surfaces: list[str], weight: int = 1,
                      into: Counter[str] | None = None, synonyms: bool = False) -> Counter[str]:
        """Like `analyse`, for a text already split into surface words (see `words`)."""
        terms = into if into is not None else Counter()
        for surface, count in Counter(surfaces).items():
            for term, term_weight, _ in self.word_terms(surface):
                terms[term] += weight * count * term_weight
            if synonyms:
                for term in self._synonym_terms(surface):
                    terms[term] += weight * count * SYNONYM_WEIGHT
        return terms

    def synonym_keys(self, surface: str) -> frozenset[tuple[str, ...]]:
        """Keys (`synonym_key`) of the synonyms of a word or of one of its hyphenated pieces."""
        return frozenset().union(*(self.synonyms.keys(key) for key in _member_keys(surface)))

    def _synonym_terms_uncached(self, surface: str) -> tuple[str, ...]:
        own = {term for term, _, _ in self.word_terms(surface)}
        return tuple(dict.fromkeys(
            stem for key in _member_keys(surface) for stem in self.synonyms.added(key) if stem not in own
        ))

    def word_terms(self, surface: str) -> list[tuple[str, float, str]]:
        """Terms of one surface word as (stem, weight, readable word shown for the stem)."""
        return self._word_terms(surface)

    def _word_terms_uncached(self, surface: str) -> list[tuple[str, int, str]]:
        terms: list[tuple[str, float, str]] = []
        for piece in _HYPHENS.split(surface):
            folded = fold(piece)
            expansion = ABBREVIATIONS.get(folded)
            if expansion is not None:
                terms.extend((_stem(word), 1, word) for word in expansion.split())
            if not is_indexable(folded):
                continue
            terms.append((_stem(folded), 1, piece))
            terms.extend((_stem(part), PART_WEIGHT, part.capitalize()) for part in self._split(folded))
        return terms

    def word_stems(self, surface: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The stems of one surface word (one per hyphenated piece) and the stems of its compound
        parts: "Bauakte" -> (("bauakt",), ("bau", "akt")) when "bau" and "akte" are known parts."""
        own: dict[str, None] = {}
        parts: dict[str, None] = {}
        for piece in _HYPHENS.split(surface):
            folded = fold(piece)
            if not is_indexable(folded):
                continue
            own.setdefault(_stem(folded))
            for part in self._split(folded):
                parts.setdefault(_stem(part))
        return tuple(own), tuple(part for part in parts if part not in own)

    def _split_uncached(self, word: str) -> tuple[str, ...]:
        """Known parts of a compound and, recursively, of its parts; () if it is not a compound.

        Preferably the word is covered by at least two known parts, each optionally followed by a
        linking element ("Genehmigung-s-verfahren"); among coverings the one with the longest parts
        wins (sum of squared lengths), which keeps "Verfahren" whole instead of "Ver|fahren".
        Failing that, an unknown modifier before the longest known head is accepted. Parts are
        split again, so "Dokumentenmanagementsystem" yields "managementsystem", "management" and
        "system", and meets both "Managementsystem" and "Dokumentenmanagement".
        """
        if len(word) < 2 * MIN_PART_CHARS - 1 or not word.isalpha():
            return ()
        parts = self._cover(word) or self._modifier_and_head(word)
        if parts is None:
            return ()
        return tuple(dict.fromkeys(
            piece for part in parts for piece in (part, *self._split(part))
        ))

    def _cover(self, word: str) -> list[str] | None:
        n = len(word)
        # best[i]: (score, parts) of the best covering of word[i:]
        best: list[tuple[int, list[str]] | None] = [None] * (n + 1)
        best[n] = (0, [])
        for start in range(n - 1, -1, -1):
            for end in range(start + 3, n + 1):
                part = word[start:end]
                if part not in self.part_vocabulary:
                    continue
                for link_end in self._link_ends(word, end):
                    rest = best[link_end]
                    if rest is None or (start == 0 and not rest[1]):
                        continue
                    score = len(part) ** 2 + rest[0]
                    current = best[start]
                    if current is None or score > current[0]:
                        best[start] = (score, [part, *rest[1]])
        return best[0][1] if best[0] is not None else None

    def _modifier_and_head(self, word: str) -> list[str] | None:
        """An unknown modifier before the longest known head: "Biersteuer" -> "bier", "steuer"."""
        for start in range(MIN_MODIFIER_CHARS, len(word) - MIN_HEAD_CHARS + 1):
            head = word[start:]
            if head in self.part_vocabulary:
                modifier = word[:start]
                for link in _LINKING_ELEMENTS:
                    if modifier.endswith(link) and len(modifier) - len(link) >= MIN_MODIFIER_CHARS:
                        modifier = modifier[: -len(link)]
                        break
                return [modifier, head]
        return None

    @staticmethod
    def _link_ends(word: str, end: int) -> list[int]:
        ends = [end]
        ends.extend(end + len(link) for link in _LINKING_ELEMENTS if word.startswith(link, end))
        return ends
