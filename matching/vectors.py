"""Records to L2-normalised TF-IDF rows: the vocabulary, its idf, and the readable word per term.

scikit-learn does the TF-IDF: `CountVectorizer` (with the project's German analyser as its
`analyzer`) learns the vocabulary and counts, `TfidfTransformer` learns the smooth idf and applies
sublinear tf times idf, `sklearn.preprocessing.normalize` scales rows to unit length. This module
keeps what scikit-learn does not do: the German analysis and compounds (`matching.text`), title
weight, boilerplate, the two blocks of a row, unknown-term accounting and persistence of the fit.

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
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

from matching.boilerplate import Boilerplate
from matching.text import Analyser, count_words, fold, is_indexable, words

TITLE_WEIGHT = 2
"""Whole numbers only (so is `matching.text.PART_WEIGHT`): scikit-learn counts a term as tokens."""
WORD_BLOCK_SHARE = 0.4
SYNONYMS_IN_QUERIES = True
SYNONYMS_IN_INDEX = False
"""Where a word's synonyms (`matching.synonyms`) are added as terms: in queries (search, a room's
talk, an entry not yet indexed) and/or in indexed records (measured in docs/matching.md)."""
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
                   shingles: np.ndarray | None = None, synonyms: bool = False) -> Counter[str]:
    """Raw term weights of a document: word terms of title and text (boilerplate left out), with
    `synonyms` their synonyms' stems, char n-grams of the title's words and of CHAR_SOURCE_WORDS
    distinct words spread over the text. `shingles` may pass the text's run hashes
    (`Boilerplate.shingles`) if already computed."""
    title_words = words(document.title)
    text_words = boilerplate.strip(words(document.text), shingles)
    terms = analyser.analyse_words(title_words, TITLE_WEIGHT, synonyms=synonyms)
    analyser.analyse_words(text_words, 1, terms, synonyms)
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
        self.transformer = _fitted_transformer(self.idf)
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
        # The run hashes of every text are kept (8 bytes a word) so that each text is hashed once;
        # the analyser below drops each as soon as its document is read.
        hasher = Boilerplate()
        shingles = [hasher.shingles(words(document.text)) for document in documents]
        boilerplate = Boilerplate.learn(shingles)

        def analyse(number: int) -> Iterable[str]:
            document_shingles, shingles[number] = shingles[number], None
            # Weights are whole numbers (TITLE_WEIGHT, PART_WEIGHT), so each term is counted as often as its weight.
            return document_terms(analyser, boilerplate, documents[number], shingles=document_shingles,
                                  synonyms=SYNONYMS_IN_INDEX).elements()

        counter = CountVectorizer(analyzer=analyse, dtype=np.float32)
        try:
            counts = counter.fit_transform(range(len(documents)))
        except ValueError:
            # scikit-learn refuses a corpus without a single term (none, or only stop words); such
            # an index is valid here: it matches nothing until records with words arrive.
            if any(shingle is not None for shingle in shingles):
                raise
            return cls(analyser, [], np.zeros(0), [], boilerplate), _empty_rows(len(documents), 0)
        terms = counter.get_feature_names_out().tolist()
        transformer = TfidfTransformer(sublinear_tf=True, smooth_idf=True, norm=None).fit(counts)
        readable_by_term = analyser.readable_words(surface_counts)
        readable = [readable_by_term.get(term, "") for term in terms]
        vectoriser = cls(analyser, terms, transformer.idf_, readable, boilerplate)
        return vectoriser, vectoriser._weigh(sp.csr_matrix(counts))

    def transform(self, documents: Iterable[Document], query: bool = False) -> Vectorised:
        """Rows for new documents (records, or with `query` texts to look for) with the fitted
        vocabulary; unknown terms are dropped and counted."""
        synonyms = SYNONYMS_IN_QUERIES if query else SYNONYMS_IN_INDEX
        indptr, indices, counts = [0], [], []
        unknown = total = 0
        for document in documents:
            for term, weight in document_terms(self.analyser, self.boilerplate, document,
                                               synonyms=synonyms).items():
                column = self.vocabulary.get(term)
                if not term.startswith(CHAR_PREFIX):
                    total += 1
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

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear tf times idf (scikit-learn), each block scaled to its share, rows to unit length.

        In place: the temporaries of the whole matrix at once (row numbers, block masks, float64
        squares) were most of the build's peak memory at 100k rows, so the blocks are scaled a slice
        of rows at a time."""
        counts.sum_duplicates()
        if not self.terms:
            return counts
        rows = sp.csr_matrix(self.transformer.transform(counts, copy=False))
        for start in range(0, rows.shape[0], WEIGH_ROWS_AT_ONCE):
            stop = min(start + WEIGH_ROWS_AT_ONCE, rows.shape[0])
            low, high = rows.indptr[start], rows.indptr[stop]
            self._share_blocks(rows.data[low:high], rows.indices[low:high], np.diff(rows.indptr[start:stop + 1]))
        normalize(rows, copy=False)
        rows.eliminate_zeros()
        return rows

    def _share_blocks(self, data: np.ndarray, indices: np.ndarray, row_lengths: np.ndarray) -> None:
        """Scale the word and the character block of consecutive rows to their shares of the row;
        `data` is a view, changed in place."""
        n_rows = len(row_lengths)
        rows = np.repeat(np.arange(n_rows, dtype=np.int32), row_lengths)
        is_char = self.is_char[indices]
        for block, share in ((~is_char, WORD_BLOCK_SHARE), (is_char, 1 - WORD_BLOCK_SHARE)):
            norms = np.sqrt(np.bincount(rows[block], weights=data[block] ** 2, minlength=n_rows))
            scale = np.divide(math.sqrt(share), norms, out=np.zeros_like(norms), where=norms > 0)
            data[block] *= scale[rows[block]].astype(np.float32)


def _fitted_transformer(idf: np.ndarray) -> TfidfTransformer:
    """A `TfidfTransformer` with a known idf: fitted by `Vectoriser.fit`, or read back from disk.

    scikit-learn has no constructor for a stored fit; `idf_` and `n_features_in_` are exactly what
    its `fit` sets (and all `transform` reads), so setting them restores the fitted transformer."""
    transformer = TfidfTransformer(sublinear_tf=True, smooth_idf=True, norm=None)
    transformer.idf_ = idf
    transformer.n_features_in_ = len(idf)
    return transformer


def _empty_rows(n_rows: int, n_terms: int) -> sp.csr_matrix:
    return sp.csr_matrix((n_rows, n_terms), dtype=np.float32)
