"""How a hit meets the query's words: as a whole word (its stem or a synonym: "Kindertagesstätte"
for "Kita", from matching/data/synonyms.txt), as a part of a real German compound, or only
through fragments (shared letter groups or a shared compound part: "Kindergarten" and "Weingarten"
share only "garten"). Search ranks word and compound hits before fragment hits and highlights
whole words only.

The stems and compound parts come from the matching index (`MatchIndex.word_stems`), so search
splits compounds with the same vocabulary that ranked the hits.
"""
import re
import unicodedata
from functools import lru_cache

WORD = "word"
COMPOUND = "compound"
_WORD = re.compile(r"[^\W_]+(?:[-‐‑][^\W_]+)*")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
MIN_PREFIX_CHARS = 3


def fold(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold().translate(_UMLAUTS)


def surface_words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text or ""))


class QueryWords:
    """The query's words, ready to be compared with the words of a hit."""

    def __init__(self, index, query: str, synonyms: bool = True) -> None:
        self._stems_of = lru_cache(maxsize=4096)(index.word_stems)
        self._key_of = lru_cache(maxsize=4096)(index.synonym_key)
        self._levels: dict[str, tuple[str | None, int]] = {}  # a page of hits repeats its words
        self.words = []  # (folded word, its own stems)
        self.synonyms = []  # per query word, the keys of its synonyms (index.synonym_keys)
        for surface in dict.fromkeys(surface_words(query)):
            own, _parts = self._stems_of(surface)
            if own:
                self.words.append((fold(surface), frozenset(own)))
                self.synonyms.append(index.synonym_keys(surface) if synonyms else frozenset())
        self._any_synonym = frozenset().union(*self.synonyms)

    def level(self, surface: str) -> tuple[str | None, int]:
        """How `surface` (one word of a hit) meets the query: (WORD, i), (COMPOUND, i) or (None, -1),
        with i the position of the query word it meets."""
        found = self._levels.get(surface)
        if found is None:
            found = self._levels[surface] = self._level(surface)
        return found

    def _level(self, surface: str) -> tuple[str | None, int]:
        own, parts = self._stems_of(surface)
        if not own:
            return None, -1
        folded = fold(surface)
        key = self._key_of(surface) if self._any_synonym else None
        found: tuple[str | None, int] = (None, -1)
        for position, (query_word, query_stems) in enumerate(self.words):
            if query_stems & set(own) or key in self.synonyms[position]:
                return WORD, position
            if found[0] is None and (query_stems & set(parts) or (
                    len(query_word) >= MIN_PREFIX_CHARS and folded.startswith(query_word))):
                found = (COMPOUND, position)
        return found

    def meets(self, *texts: str) -> tuple[int, int]:
        """(query words met as whole words or compound parts, of them as whole words) in the texts."""
        met: dict[int, str] = {}
        for text in texts:
            for surface in dict.fromkeys(surface_words(text)):
                level, position = self.level(surface)
                if level == WORD or (level == COMPOUND and position not in met):
                    met[position] = level
                if len(met) == len(self.words) and all(value == WORD for value in met.values()):
                    break
        return len(met), sum(1 for value in met.values() if value == WORD)

    def words_met(self, *texts: str) -> list[str]:
        """The words of `texts` that meet a query word as a whole word or as a real compound part (no
        prefixes, no fragments) or are a synonym of one, each once, in order of appearance: a hit's
        reason in words. Linear in the texts' words, so it serves long queries too (a room's talk)."""
        query_stems = frozenset().union(*(stems for _word, stems in self.words))
        met: dict[str, None] = {}
        for text in texts:
            for surface in dict.fromkeys(surface_words(text)):
                if surface in met:
                    continue
                own, parts = self._stems_of(surface)
                if (query_stems.intersection(own) or query_stems.intersection(parts)
                        or (own and self._any_synonym and self._key_of(surface) in self._any_synonym)):
                    met[surface] = None
        return list(met)
