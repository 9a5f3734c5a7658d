"""Records to L2-normalised TF-IDF rows: the vocabulary, its idf, and the readable word per term.

A row has two blocks. The word block holds stems and compound parts of title and text (title
occurrences count `TITLE_WEIGHT` times). The character block holds character n-grams
(`CHAR_NGRAM_SIZES`) of the title's words and of at most `CHAR_SOURCE_WORDS` distinct words spread
over the text, which catches spelling variants and compound pieces the splitter does not know. Each
block is normalised to a share of the row (`WORD_BLOCK_SHARE`), then the row to unit length, so a
dot product is a cosine. Passages
repeated word for word across the corpus (`matching.boilerplate`) are left out of the text first.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from matching.boilerplate import Boilerplate
from matching.text import Analyser, count_words, fold, is_indexable, words

TITLE_WEIGHT = 2.0
WORD_BLOCK_SHARE = 0.4
CHAR_SOURCE_WORDS = 48
"""Distinct words of a text whose n-grams enter the character block, sampled evenly from start to
end when a text has more: a long text is read in full at the cost of a short one, where the first
words alone would miss a need stated after a long introduction (docs/matching.md, fourth round).
48 rather than 24: which 24 words were sampled moved long free-text sets by up to ±0.036 MAP, and
48 gained 0.03 on two long free-text sets, one of them held out (fifth round)."""
CHAR_NGRAM_SIZES = (4,)
CHAR_PREFIX = "#"
"""Character n-gram terms start with this; word terms never do (they are made of letters/digits)."""
WEIGH_ROWS_AT_ONCE = 10_000


@dataclass(frozen=True)
class Document:
    """What the vectoriser reads of a record or a query."""

    title: str
    text: str


@dataclass
class Vectorised:
    """Rows for some documents, plus how many of their terms the vocabulary did not know."""

    rows: sp.csr_matrix
    unknown_terms: int
    total_terms: int


def document_terms(analyser: Analyser, boilerplate: Boilerplate, document: Document,
                   shingles: np.ndarray | None = None) -> Counter[str]:
    """Raw term weights of a document: word terms of title and text (boilerplate left out), char
    n-grams of the title's words and of CHAR_SOURCE_WORDS distinct words spread over the text.
    `shingles` may pass the text's run hashes (`Boilerplate.shingles`) if already computed."""
    title_words = words(document.title)
    text_words = boilerplate.strip(words(document.text), shingles)
    terms = analyser.analyse_words(title_words, TITLE_WEIGHT)
    analyser.analyse_words(text_words, 1.0, terms)
    distinct = list(dict.fromkeys(filter(None, map(_indexable_form, text_words))))
    if len(distinct) > CHAR_SOURCE_WORDS:
        distinct = [distinct[(2 * n + 1) * len(distinct) // (2 * CHAR_SOURCE_WORDS)]
                    for n in range(CHAR_SOURCE_WORDS)]
    for folded in [*filter(None, map(_indexable_form, title_words)), *distinct]:
        terms.update(_char_ngrams(folded))
    return terms


# Both caches serve every index of the process; frequent words are most of the tokens, and a
# bound keeps a long-running server's memory in check (an n-gram tuple is about 1 kB).
@lru_cache(maxsize=100_000)
def _indexable_form(surface: str) -> str:
    """The folded word if it may carry meaning (`is_indexable`), else ""."""
    folded = fold(surface)
    return folded if is_indexable(folded) else ""


@lru_cache(maxsize=100_000)
def _char_ngrams(folded: str) -> tuple[str, ...]:
    padded = f" {folded} "
    return tuple(
        CHAR_PREFIX + padded[start:start + size]
        for size in CHAR_NGRAM_SIZES
        for start in range(len(padded) - size + 1)
    )


class Vectoriser:
    """Maps documents to rows with a fixed vocabulary and idf (learnt once, by `fit`)."""

    def __init__(
        self, analyser: Analyser, terms: Sequence[str], idf: np.ndarray, readable: Sequence[str],
        boilerplate: Boilerplate | None = None,
    ) -> None:
        self.analyser = analyser
        self.boilerplate = boilerplate if boilerplate is not None else Boilerplate()
        self.readable = list(readable)
        self.terms = list(terms)
        self.vocabulary = {term: column for column, term in enumerate(self.terms)}
        self.idf = idf.astype(np.float32)
        self.is_char = np.fromiter(
            (term.startswith(CHAR_PREFIX) for term in self.terms), dtype=bool, count=len(self.terms)
        )

    @classmethod
    def fit(cls, documents: Sequence[Document]) -> tuple[Vectoriser, sp.csr_matrix]:
        """Learn analyser, vocabulary and idf from `documents`; return the vectoriser and their rows."""
        surface_counts = count_words(
            text for document in documents for text in (document.title, document.text)
        )
        analyser = Analyser.from_surface_counts(surface_counts)
        # The run hashes of every text are kept (8 bytes a word) so that each text is hashed once.
        hasher = Boilerplate()
        shingles = [hasher.shingles(words(document.text)) for document in documents]
        boilerplate = Boilerplate.learn(shingles)
        vocabulary: dict[str, int] = {}
        indptr, indices, counts = array("q", [0]), array("i"), array("f")
        for number, document in enumerate(documents):
            document_shingles, shingles[number] = shingles[number], None
            terms = document_terms(analyser, boilerplate, document, shingles=document_shingles)
            for term, weight in terms.items():
                indices.append(vocabulary.setdefault(term, len(vocabulary)))
                counts.append(weight)
            indptr.append(len(indices))
        n_terms = len(vocabulary)
        column_indices = np.frombuffer(indices, dtype=np.int32)
        document_frequency = np.bincount(column_indices, minlength=n_terms)
        idf = np.log((1 + len(documents)) / (1 + document_frequency)) + 1
        readable_by_term = analyser.readable_words(surface_counts)
        readable = [readable_by_term.get(term, "") for term in vocabulary]
        vectoriser = cls(analyser, list(vocabulary), idf, readable, boilerplate)
        raw = sp.csr_matrix(
            (np.frombuffer(counts, dtype=np.float32), column_indices, np.frombuffer(indptr, dtype=np.int64)),
            shape=(len(documents), n_terms),
        )
        return vectoriser, vectoriser._weigh(raw)

    def transform(self, documents: Iterable[Document]) -> Vectorised:
        """Rows for new documents with the fitted vocabulary; unknown terms are dropped and counted."""
        indptr, indices, counts = [0], [], []
        unknown = total = 0
        for document in documents:
            for term, weight in document_terms(self.analyser, self.boilerplate, document).items():
                if term.startswith(CHAR_PREFIX):
                    column = self.vocabulary.get(term)
                else:
                    total += 1
                    column = self.vocabulary.get(term)
                    unknown += column is None
                if column is not None:
                    indices.append(column)
                    counts.append(weight)
            indptr.append(len(indices))
        raw = sp.csr_matrix(
            (np.asarray(counts, dtype=np.float32), np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
            shape=(len(indptr) - 1, len(self.terms)),
        )
        return Vectorised(self._weigh(raw), unknown, total)

    def _weigh(self, raw: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear tf times idf, each block scaled to its share, rows scaled to unit length.

        In place, a slice of rows at a time: the temporaries of the whole matrix at once (row
        numbers, block masks, float64 squares) were most of the build's peak memory at 100k rows."""
        raw.sum_duplicates()
        for start in range(0, raw.shape[0], WEIGH_ROWS_AT_ONCE):
            stop = min(start + WEIGH_ROWS_AT_ONCE, raw.shape[0])
            low, high = raw.indptr[start], raw.indptr[stop]
            self._weigh_slice(raw.data[low:high], raw.indices[low:high], np.diff(raw.indptr[start:stop + 1]))
        raw.eliminate_zeros()
        return raw

    def _weigh_slice(self, data: np.ndarray, indices: np.ndarray, row_lengths: np.ndarray) -> None:
        """`_weigh` on the entries of consecutive rows; `data` is a view, changed in place."""
        n_rows = len(row_lengths)
        data[:] = np.where(data > 1, 1 + np.log(np.maximum(data, 1)), data) * self.idf[indices]
        rows = np.repeat(np.arange(n_rows, dtype=np.int32), row_lengths)
        is_char = self.is_char[indices]
        for block, share in ((~is_char, WORD_BLOCK_SHARE), (is_char, 1 - WORD_BLOCK_SHARE)):
            norms = np.sqrt(np.bincount(rows[block], weights=data[block] ** 2, minlength=n_rows))
            scale = np.divide(math.sqrt(share), norms, out=np.zeros_like(norms), where=norms > 0)
            data[block] *= scale[rows[block]].astype(np.float32)
        norms = np.sqrt(np.bincount(rows, weights=data.astype(np.float64) ** 2, minlength=n_rows))
        scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        data *= scale[rows].astype(np.float32)
