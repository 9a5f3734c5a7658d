"""The match index: build, query top-k, similar records, upsert/remove, drift, persistence.

Rows live in two sparse matrices: `main` (fitted at build, kept column-major too, so a query
reads only the postings of its own terms) and `delta` (records upserted since, vectorised with the
build vocabulary). Removals and replaced rows are a tombstone mask. Scores are
(1 - w) * text cosine + w * topic-set cosine * min(1, text cosine / TOPIC_GATE), where the topic
weight w = TOPIC_WEIGHT * kappa ** TOPIC_RELIABILITY_POWER shrinks when the corpus's topics disagree
with its texts (`_topic_reliability`); only rows whose text cosine reaches MIN_TEXT_SCORE are
candidates, so topics alone never make a match.
The two best rows are fed back into the query once (pseudo-relevance feedback) to re-rank.
Large indexes find candidates with a pruned query (its strongest terms, read from the postings) and
score the best of them exactly with the whole query, row by row.

Thread safety: readers take one immutable `Snapshot` reference and never see it change; `upsert`
and `remove` build a new snapshot under a lock and swap the reference (atomic in Python). Queries
from several (green) threads may run while one thread writes.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from matching import storage
from matching.explain import shared_terms, shared_topics
from matching.records import Match, Record
from matching.snapshot import Snapshot
from matching.text import fold, is_indexable, synonym_key, words
from matching.vectors import Document, Vectoriser

TOPIC_WEIGHT = 0.45
TOPIC_GATE = 0.2
"""A row's topic evidence counts in full only once its text cosine reaches TOPIC_GATE, below that
in proportion: a shared topic may reorder rows that share words, but cannot lift a row that shares
almost none above rows that share many (coarse, missing or wrong topics; docs/matching.md)."""
MAX_QUERY_WORDS = 48
MAX_QUERY_NGRAMS = 96
"""Word terms and character n-grams of a query whose postings are read to find candidates in a
large index, strongest (tf-idf) first. Both kinds are needed: a relevant row may share only words,
or only n-grams (spelling variants, compounds)."""
RESCORE_ROWS = 1000
"""Candidates of a pruned query that are scored exactly, with all its terms. Scores of the pruned
query alone cost free text up to 0.05 MAP@10: many weak n-grams together carry most of a row."""
MAX_POSTINGS_SHARE = 0.5
"""Terms in more than this share of rows are dropped from the query (idf near its floor)."""
MIN_TEXT_SCORE = 0.01
"""Rows whose text cosine with the query is below this are no match, whatever their topics: a
stray shared n-gram is not evidence."""
FEEDBACK_ROWS = 2
FEEDBACK_WEIGHT = 0.5
"""Pseudo-relevance feedback: the query is re-run with the mean of its best rows added."""
TOPIC_RELIABILITY_SAMPLE = 300
"""Records whose nearest text neighbour is looked up to learn how far the corpus's topics can be trusted."""
MIN_TOPIC_RELIABILITY_SAMPLE = 20
"""Below this many topic-carrying records the agreement is not measured: topics count in full."""
TOPIC_RELIABILITY_POWER = 2.0
PRUNE_FROM_ROWS = 10_000
"""Query pruning is a speed measure for large indexes; small ones score every query term."""
REFIT_SHARE = 0.25
"""`needs_refit` when unknown terms, upserted rows or dead rows pass this share."""


@dataclass(frozen=True)
class TextAnalysis:
    """What the index makes of a text. `problem` is None when the text can match, else
    "empty", "stop_words_only" or "unknown_words" (no word the index has seen)."""

    terms: tuple[str, ...]
    problem: str | None


class MatchIndex:
    """Ranks records against a text or against another record. Build with `MatchIndex.build`."""

    def __init__(self, vectoriser: Vectoriser, snapshot: Snapshot, kinds: list[str],
                 owners: list[str], topics: list[str], topic_weight: float = TOPIC_WEIGHT) -> None:
        self._vectoriser = vectoriser
        self._topic_weight = topic_weight
        self._snapshot = snapshot
        self._write_lock = threading.Lock()
        self._kind_codes = {kind: code for code, kind in enumerate(kinds)}
        self._owner_codes = {owner: code for code, owner in enumerate(owners)}
        self._topic_codes = {topic: code for code, topic in enumerate(topics)}

    @classmethod
    def build(cls, records: Iterable[Record]) -> MatchIndex:
        """Fit vocabulary and idf on `records` and index them. Ids must be unique."""
        records = list(records)
        ids = [record.id for record in records]
        if len(set(ids)) != len(ids):
            raise ValueError("record ids must be unique")
        vectoriser, rows = Vectoriser.fit([Document(r.title, r.text) for r in records])
        index = cls(vectoriser, _empty_snapshot(vectoriser), [], [], [])
        kinds, owners, topic_rows = index._codes(records)
        index._snapshot = replace(
            index._snapshot, main=rows, main_columns=rows.tocsc(), topic_rows=topic_rows,
            ids=ids, row_of={record_id: row for row, record_id in enumerate(ids)},
            kinds=kinds, owners=owners, topics=[tuple(r.topics) for r in records],
            alive=np.ones(len(ids), dtype=bool), delta=_empty_rows(len(vectoriser.terms)),
        )
        index._topic_weight = TOPIC_WEIGHT * index._topic_reliability() ** TOPIC_RELIABILITY_POWER
        return index

    def __len__(self) -> int:
        return len(self._snapshot.row_of)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._snapshot.row_of

    def query(self, text: str, topics: Collection[str] = (), k: int = 10,
              kinds: Collection[str] | None = None, exclude_owner: str | None = None) -> list[Match]:
        """The k records best matching `text` (and `topics`), best first; [] if the text has no
        known terms (`analyse` says why). `kinds` restricts result kinds; `exclude_owner` drops
        that owner's records."""
        vector = self._vectoriser.transform([Document("", text)], query=True).rows
        owner = self._owner_codes.get(exclude_owner, -2) if exclude_owner is not None else -2
        return self._rank(self._snapshot, vector.indices, vector.data, tuple(topics), k, kinds, owner, -1)

    def similar(self, record_id: str, k: int = 10, kinds: Collection[str] | None = None) -> list[Match]:
        """The k records best matching an indexed record; never itself nor its owner's records.
        Raises KeyError for an unknown id."""
        snapshot = self._snapshot
        row = snapshot.row_of.get(record_id)
        if row is None:
            raise KeyError(f"unknown record id {record_id!r}")
        columns, values = snapshot.row_vector(row)
        owner = int(snapshot.owners[row])
        return self._rank(snapshot, columns, values, snapshot.topics[row], k, kinds,
                          owner if owner >= 0 else -2, row)

    def word_stems(self, word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The stems of one word and of its compound parts, split with this index's vocabulary
        (see Analyser.word_stems); lets a caller tell a whole-word match from a compound part."""
        return self._vectoriser.analyser.word_stems(word)

    def synonym_keys(self, word: str) -> frozenset[tuple[str, ...]]:
        """How this index's analyser knows the one-word synonyms of `word` (Analyser.synonym_keys)."""
        return self._vectoriser.analyser.synonym_keys(word)

    def synonym_key(self, word: str) -> tuple[str, ...]:
        """How the synonym list knows `word` (`matching.text.synonym_key`)."""
        return synonym_key(word)

    def analyse(self, text: str) -> TextAnalysis:
        """The known terms of `text` as readable words, or why it cannot match anything."""
        vector = self._vectoriser.transform([Document("", text)], query=True).rows
        readable = self._vectoriser.readable
        terms = tuple(dict.fromkeys(readable[c] for c in vector.indices if readable[c]))
        if terms:
            return TextAnalysis(terms, None)
        surfaces = words(text)
        if not surfaces:
            return TextAnalysis((), "empty")
        if not any(is_indexable(fold(surface)) for surface in surfaces):
            return TextAnalysis((), "stop_words_only")
        return TextAnalysis((), "unknown_words")

    def upsert(self, record: Record) -> None:
        """Add or replace a record; visible to the next query. Uses the build vocabulary: words
        it has never seen count towards `unknown_share` and do not match until a rebuild."""
        vectorised = self._vectoriser.transform([Document(record.title, record.text)])
        with self._write_lock:
            snapshot = self._snapshot
            kinds, owners, topic_rows = self._codes([record])
            alive = np.append(snapshot.alive, True)
            old_row = snapshot.row_of.get(record.id)
            if old_row is not None:
                alive[old_row] = False
            new_row = snapshot.n_rows
            self._snapshot = replace(
                snapshot,
                delta=sp.vstack([snapshot.delta, vectorised.rows], format="csr"),
                topic_rows=_stack_topics(snapshot.topic_rows, topic_rows),
                ids=[*snapshot.ids, record.id], row_of={**snapshot.row_of, record.id: new_row},
                kinds=np.append(snapshot.kinds, kinds), owners=np.append(snapshot.owners, owners),
                topics=[*snapshot.topics, tuple(record.topics)], alive=alive,
                unknown_terms=snapshot.unknown_terms + vectorised.unknown_terms,
                total_terms=snapshot.total_terms + vectorised.total_terms,
            )

    def remove(self, record_id: str) -> bool:
        """Remove a record; False if it was not indexed. Visible to the next query."""
        with self._write_lock:
            snapshot = self._snapshot
            row = snapshot.row_of.get(record_id)
            if row is None:
                return False
            alive = snapshot.alive.copy()
            alive[row] = False
            row_of = dict(snapshot.row_of)
            del row_of[record_id]
            self._snapshot = replace(snapshot, alive=alive, row_of=row_of)
            return True

    @property
    def unknown_share(self) -> float:
        """Share of word terms of upserted records that the build vocabulary did not know."""
        snapshot = self._snapshot
        return snapshot.unknown_terms / snapshot.total_terms if snapshot.total_terms else 0.0

    @property
    def needs_refit(self) -> bool:
        """True when a rebuild (`MatchIndex.build` on all records) would noticeably change results:
        many unknown words, upserted rows or dead rows relative to the build."""
        snapshot = self._snapshot
        built = max(snapshot.main.shape[0], 1)
        dead = snapshot.n_rows - len(snapshot.row_of)
        return (self.unknown_share > REFIT_SHARE or snapshot.delta.shape[0] > REFIT_SHARE * built
                or dead > REFIT_SHARE * built)

    def save(self, path: str | Path) -> None:
        """Write the index to the directory `path` (numpy .npz + JSON, no pickle)."""
        storage.save(Path(path), self._vectoriser, self._snapshot, self._names())

    @classmethod
    def load(cls, path: str | Path) -> MatchIndex:
        """Read an index written by `save`."""
        vectoriser, parts, names = storage.load(Path(path))
        snapshot = Snapshot(
            main=parts["main"], main_columns=parts["main_columns"],
            delta=_empty_rows(len(vectoriser.terms)), topic_rows=parts["topic_rows"],
            ids=names["ids"], row_of={record_id: row for row, record_id in enumerate(names["ids"])},
            kinds=parts["kinds"], owners=parts["owners"], topics=[tuple(t) for t in names["row_topics"]],
            alive=np.ones(len(names["ids"]), dtype=bool),
            unknown_terms=names["unknown_terms"], total_terms=names["total_terms"],
        )
        return cls(vectoriser, snapshot, names["kinds"], names["owners"], names["topics"],
                   names.get("topic_weight", TOPIC_WEIGHT))

    def _names(self) -> dict[str, list[str] | float]:
        return {"kinds": list(self._kind_codes), "owners": list(self._owner_codes),
                "topics": list(self._topic_codes), "topic_weight": self._topic_weight}

    def _topic_reliability(self) -> float:
        """How far the topics of this corpus agree with its texts, from 0 (chance) to 1.

        For a sample of records with topics, the nearest text neighbour with topics (another owner)
        is found; the share of those pairs that share a topic is compared with the share among
        random pairs, as Cohen's kappa: (agreement - chance) / (1 - chance). Curated topics
        (LeiKa's Themenfelder) agree almost always (kappa 0.94); coarse, missing or misleading ones
        far less (0.27 on the second free-text set). Too few records with topics: 1 (trusted).
        """
        snapshot = self._snapshot
        tagged = np.flatnonzero(np.diff(snapshot.topic_rows.indptr) > 0)
        if len(tagged) < MIN_TOPIC_RELIABILITY_SAMPLE:
            return 1.0
        generator = np.random.default_rng(len(tagged))
        sample = generator.choice(tagged, min(TOPIC_RELIABILITY_SAMPLE, len(tagged)), replace=False)
        is_tagged = np.zeros(snapshot.n_rows, dtype=bool)
        is_tagged[tagged] = True
        topic_rows = snapshot.topic_rows
        agreements = []
        for row in sample:
            candidates = is_tagged.copy()
            candidates[row] = False
            if snapshot.owners[row] >= 0:
                candidates &= snapshot.owners != snapshot.owners[row]
            rows, text = self._text_candidates(snapshot, *snapshot.row_vector(int(row)), candidates)
            if len(rows):
                best = int(rows[np.argmax(text)])
                agreements.append(topic_rows[row].multiply(topic_rows[best]).nnz > 0)
        if len(agreements) < MIN_TOPIC_RELIABILITY_SAMPLE:
            return 1.0
        left, right = generator.choice(tagged, (2, 4 * TOPIC_RELIABILITY_SAMPLE))
        distinct = left != right
        chance = float(np.mean(topic_rows[left[distinct]].multiply(topic_rows[right[distinct]]).getnnz(axis=1) > 0))
        if chance >= 1:
            return 1.0
        return float(np.clip((np.mean(agreements) - chance) / (1 - chance), 0.0, 1.0))

    def _codes(self, records: list[Record]) -> tuple[np.ndarray, np.ndarray, sp.csr_matrix]:
        """Kind and owner codes and topic rows of records, registering new names."""
        kinds = np.array([self._kind_codes.setdefault(r.kind, len(self._kind_codes)) for r in records],
                         dtype=np.int16)
        owners = np.array([self._owner_code(r.owner) for r in records], dtype=np.int32)
        indptr, indices, data = [0], [], []
        for record in records:
            codes = sorted({self._topic_codes.setdefault(t, len(self._topic_codes)) for t in record.topics})
            indices.extend(codes)
            data.extend([1 / max(len(codes), 1) ** 0.5] * len(codes))
            indptr.append(len(indices))
        topic_rows = sp.csr_matrix((np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32),
                                    np.asarray(indptr)), shape=(len(records), len(self._topic_codes)))
        return kinds, owners, topic_rows

    def _owner_code(self, owner: str | None) -> int:
        """-1 for records without owner: they share an owner with nobody."""
        return -1 if owner is None else self._owner_codes.setdefault(owner, len(self._owner_codes))

    def _rank(self, snapshot: Snapshot, columns: np.ndarray, values: np.ndarray,
              topics: tuple[str, ...], k: int, kinds: Collection[str] | None,
              excluded_owner: int, excluded_row: int) -> list[Match]:
        if k <= 0 or len(columns) == 0 or snapshot.n_rows == 0:
            return []
        allowed = snapshot.alive.copy()
        if kinds is not None:
            codes = [self._kind_codes[kind] for kind in kinds if kind in self._kind_codes]
            allowed &= np.isin(snapshot.kinds, codes)
        if excluded_owner != -2:
            allowed &= snapshot.owners != excluded_owner
        if excluded_row >= 0:
            allowed[excluded_row] = False
        rows, text = self._text_candidates(snapshot, columns, values, allowed)
        topic_scores = self._topic_scores(snapshot, topics)
        topic = topic_scores[rows] if topic_scores is not None else None
        scores = self._combine(text, topic, self._topic_weight)
        if FEEDBACK_ROWS and len(rows) > FEEDBACK_ROWS:
            feedback = rows[np.argpartition(-scores, FEEDBACK_ROWS - 1)[:FEEDBACK_ROWS]]
            expanded = self._expand(snapshot, columns, values, feedback)
            text = self._row_scores(snapshot, rows, *expanded)
            scores = self._combine(text, topic, self._topic_weight)
        if len(rows) > k:
            best = np.argpartition(-scores, k - 1)[:k]
            rows, scores = rows[best], scores[best]
        order = np.lexsort((rows, -scores))
        return [self._match(snapshot, columns, values, topics, int(rows[i]), float(scores[i])) for i in order]

    def _text_candidates(self, snapshot: Snapshot, columns: np.ndarray, values: np.ndarray,
                         allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Allowed rows whose text cosine with the query reaches MIN_TEXT_SCORE, and the cosines.
        When the query had to be pruned, its candidates are the RESCORE_ROWS best rows of the
        pruned query, scored exactly."""
        pruned = self._prune(snapshot, columns, values)
        scores = self._text_scores(snapshot, *pruned)
        if len(pruned[0]) == len(columns):
            rows = np.flatnonzero((scores >= MIN_TEXT_SCORE) & allowed)
            return rows, scores[rows]
        rows = np.flatnonzero((scores > 0) & allowed)
        if len(rows) > RESCORE_ROWS:
            rows = rows[np.argpartition(-scores[rows], RESCORE_ROWS - 1)[:RESCORE_ROWS]]
        text = self._row_scores(snapshot, rows, columns, values)
        found = text >= MIN_TEXT_SCORE
        return rows[found], text[found]

    @staticmethod
    def _combine(text: np.ndarray, topic: np.ndarray | None, topic_weight: float) -> np.ndarray:
        """Scores of candidate rows from their text and topic cosines (see the module docstring)."""
        scores = (1 - topic_weight) * text
        if topic is not None:
            scores += topic_weight * topic * np.minimum(text / TOPIC_GATE, 1.0)
        return scores

    @staticmethod
    def _expand(snapshot: Snapshot, columns: np.ndarray, values: np.ndarray,
                feedback: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rocchio feedback: the query plus FEEDBACK_WEIGHT times the mean of the best rows."""
        query = np.zeros(snapshot.main.shape[1], dtype=np.float32)
        query[columns] = values
        for row in feedback:
            row_columns, row_values = snapshot.row_vector(int(row))
            query[row_columns] += FEEDBACK_WEIGHT / len(feedback) * row_values
        expanded = np.flatnonzero(query)
        return expanded, query[expanded] / np.linalg.norm(query[expanded])

    def _prune(self, snapshot: Snapshot, columns: np.ndarray,
               values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The query terms whose postings are read: in a large index the strongest word terms and
        n-grams (MAX_QUERY_WORDS, MAX_QUERY_NGRAMS) that are not in most rows; else all."""
        n_main = snapshot.main.shape[0]
        if n_main < PRUNE_FROM_ROWS:
            return columns, values
        postings = np.diff(snapshot.main_columns.indptr)[columns]
        useful = postings <= MAX_POSTINGS_SHARE * n_main
        is_char = self._vectoriser.is_char[columns]
        kept = []
        for block, limit in ((useful & ~is_char, MAX_QUERY_WORDS), (useful & is_char, MAX_QUERY_NGRAMS)):
            positions = np.flatnonzero(block)
            if len(positions) > limit:
                positions = positions[np.argpartition(-values[positions], limit - 1)[:limit]]
            kept.append(positions)
        kept = np.sort(np.concatenate(kept))
        return columns[kept], values[kept]

    @staticmethod
    def _text_scores(snapshot: Snapshot, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Dot products of the query with every row: postings of main, a mat-vec of delta."""
        matrix = snapshot.main_columns
        starts, ends = matrix.indptr[columns], matrix.indptr[columns + 1]
        rows = np.concatenate([matrix.indices[s:e] for s, e in zip(starts, ends)] or [np.empty(0, np.int32)])
        weights = np.concatenate([matrix.data[s:e] * v for s, e, v in zip(starts, ends, values)]
                                 or [np.empty(0, np.float32)])
        scores = np.bincount(rows, weights=weights, minlength=matrix.shape[0])
        if snapshot.delta.shape[0]:
            query = np.zeros(matrix.shape[1])
            query[columns] = values
            scores = np.concatenate([scores, snapshot.delta @ query])
        return scores

    @staticmethod
    def _row_scores(snapshot: Snapshot, rows: np.ndarray, columns: np.ndarray,
                    values: np.ndarray) -> np.ndarray:
        """Exact dot products of the query with some rows, read row by row."""
        query = np.zeros(snapshot.main.shape[1], dtype=np.float32)
        query[columns] = values
        n_main = snapshot.main.shape[0]
        in_main = rows < n_main
        scores = np.empty(len(rows))
        scores[in_main] = snapshot.main[rows[in_main]] @ query
        scores[~in_main] = snapshot.delta[rows[~in_main] - n_main] @ query
        return scores

    def _topic_scores(self, snapshot: Snapshot, topics: tuple[str, ...]) -> np.ndarray | None:
        codes = {self._topic_codes.get(topic, -1) for topic in topics}
        codes = [code for code in codes if 0 <= code < snapshot.topic_rows.shape[1]]
        if not codes:
            return None
        query = np.zeros(snapshot.topic_rows.shape[1], dtype=np.float32)
        query[codes] = 1 / np.sqrt(len(set(topics)))
        return snapshot.topic_rows @ query

    def _match(self, snapshot: Snapshot, columns: np.ndarray, values: np.ndarray,
               topics: tuple[str, ...], row: int, score: float) -> Match:
        row_columns, row_values = snapshot.row_vector(row)
        order = np.argsort(columns)
        terms = shared_terms(columns[order], values[order], row_columns, row_values,
                             self._vectoriser.is_char, self._vectoriser.readable, self._vectoriser.terms)
        return Match(snapshot.ids[row], min(max(score, 0.0), 1.0), terms,
                     shared_topics(topics, snapshot.topics[row]))


def _empty_rows(n_columns: int) -> sp.csr_matrix:
    return sp.csr_matrix((0, n_columns), dtype=np.float32)


def _empty_snapshot(vectoriser: Vectoriser) -> Snapshot:
    empty = _empty_rows(len(vectoriser.terms))
    return Snapshot(main=empty, main_columns=empty.tocsc(), delta=empty, topic_rows=_empty_rows(0),
                     ids=[], row_of={}, kinds=np.empty(0, np.int16), owners=np.empty(0, np.int32),
                     topics=[], alive=np.empty(0, bool))


def _stack_topics(old: sp.csr_matrix, new: sp.csr_matrix) -> sp.csr_matrix:
    """Append topic rows, widening the older rows when new topics appeared."""
    width = max(old.shape[1], new.shape[1])
    old = sp.csr_matrix((old.data, old.indices, old.indptr), shape=(old.shape[0], width))
    new = sp.csr_matrix((new.data, new.indices, new.indptr), shape=(new.shape[0], width))
    return sp.vstack([old, new], format="csr")
