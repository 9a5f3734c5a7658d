"""Matching quality: the engine against three baselines on labelled JSONL sets, side by side.

    python bench/matching_quality.py [EXTRA.jsonl ...] [--k 10] [--long N]

Always runs bench/data/leika_matching.jsonl and the free-text sets bench/data/freetext_dev.jsonl,
freetext_dev2.jsonl, freetext_dev3.jsonl and freetext_dev4.jsonl (the last one held out: never tuned
on), then any files given; each set also without topics (topics stripped from every record: the
engine loses its topic evidence, the baselines never used it). `--long N` also runs each set whose
needs have texts with every labelled need lengthened: the texts of N needs of other labels go in
front of its own, as in a report that comes to its point last. Protocol of `matching.evaluate`:
needs rank the offers (other owners only); relevant = same label. Baselines see "title. text" and
are fitted on all records of the set, like the README's sanity figures (0.550 / 0.709 / 0.549 MAP@10 on the LeiKa set). Each set is also split into two
halves of its needs by id parity, to show that results hold on queries the tuning did not single out.
"""

from __future__ import annotations

import argparse
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching import MatchIndex, Record, evaluate, read_records  # noqa: E402
from matching.evaluate import CANDIDATE_KINDS, Evaluation, ranking_metrics, relevance  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_SETS = (DATA / "leika_matching.jsonl", DATA / "freetext_dev.jsonl", DATA / "freetext_dev2.jsonl",
                DATA / "freetext_dev3.jsonl", DATA / "freetext_dev4.jsonl", DATA / "freetext_dev5.jsonl")
TARGET_RATIO = 1.15
TARGET_EXPLAINED = 0.95

Scorer = Callable[[list[str], list[str]], np.ndarray]
"""(query texts, candidate texts) -> query × candidate score matrix."""


def baseline_text(record: Record) -> str:
    return ". ".join(part for part in (record.title, record.text) if part)


def tfidf_scorer(vectorizer_factory: Callable[[], TfidfVectorizer]) -> Scorer:
    def score(queries: list[str], candidates: list[str]) -> np.ndarray:
        vectorizer = vectorizer_factory().fit(queries + candidates)
        return (vectorizer.transform(queries) @ vectorizer.transform(candidates).T).toarray()
    return score


def bm25_scorer(k1: float = 1.5, b: float = 0.75) -> Scorer:
    def score(queries: list[str], candidates: list[str]) -> np.ndarray:
        counter = CountVectorizer().fit(queries + candidates)
        counts = counter.transform(candidates).tocoo()
        n_docs = counts.shape[0]
        document_frequency = np.bincount(counts.col, minlength=counts.shape[1])
        idf = np.log((n_docs - document_frequency + 0.5) / (document_frequency + 0.5) + 1)
        lengths = np.asarray(counts.sum(axis=1)).ravel()
        tf = counts.data
        weights = tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[counts.row] / lengths.mean())) * idf[counts.col]
        documents = sp.csr_matrix((weights, (counts.row, counts.col)), shape=counts.shape)
        query_terms = (counter.transform(queries) > 0).astype(np.float64)
        return (query_terms @ documents.T).toarray()
    return score


BASELINES: dict[str, Scorer] = {
    "tfidf-word": tfidf_scorer(TfidfVectorizer),
    "tfidf-char_wb(3,5)": tfidf_scorer(
        lambda: TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)),
    "bm25": bm25_scorer(),
}


def evaluate_baseline(scorer: Scorer, records: list[Record], queries: list[Record],
                      relevant: list[set[str]], k: int) -> Evaluation:
    candidates = [r for r in records if r.kind in CANDIDATE_KINDS]
    scores = scorer([baseline_text(q) for q in queries], [baseline_text(c) for c in candidates])
    owners = np.array([c.owner or f"\0{c.id}" for c in candidates])
    rankings = []
    for row, query in enumerate(queries):
        row_scores = np.where(owners == query.owner, -np.inf, scores[row])
        top = np.argsort(-row_scores, kind="stable")[:k]
        rankings.append([candidates[i].id for i in top])
    return ranking_metrics(rankings, relevant, k)


def id_parity(record_id: str) -> int:
    digits = "".join(ch for ch in record_id if ch.isdigit())
    return int(digits[-6:]) % 2 if digits else zlib.crc32(record_id.encode()) % 2


def with_long_needs(records: list[Record], donors: int) -> list[Record]:
    """Each labelled need with the texts of `donors` needs of other labels in front of its own text;
    a need lends its text at most once per round, so that no passage recurs in three texts (that
    would make it boilerplate)."""
    needs = [r for r in records if r.kind == "need" and r.label is not None]
    lent: dict[str, list[Record]] = {need.id: [] for need in needs}
    for round_number in range(donors):
        used: set[str] = set()
        for position, need in enumerate(needs):
            start = position + len(needs) // 2 + 3 * round_number
            for donor in (needs[(start + step) % len(needs)] for step in range(len(needs))):
                if donor.label != need.label and donor.id not in used and donor not in lent[need.id]:
                    lent[need.id].append(donor)
                    used.add(donor.id)
                    break
    return [replace(r, text=" ".join([*(d.text for d in lent[r.id]), r.text])) if r.id in lent else r
            for r in records]


def run_set(path: Path, k: int, long_donors: int = 0) -> dict[str, list[tuple[str, str, Evaluation]]]:
    """Rows (half, method, result) of the set as given and of its no-topics variant; with
    `long_donors`, of its lengthened variant (`with_long_needs`) instead."""
    records = read_records(path)
    if long_donors:
        records = with_long_needs(records, long_donors)
        path = path.with_name(f"{path.stem} long x{long_donors + 1}{path.suffix}")
    queries, relevant = relevance(records)
    halves = {"all": None, "even ids": {q.id for q in queries if id_parity(q.id) == 0},
              "odd ids": {q.id for q in queries if id_parity(q.id) == 1}}
    baselines = {}
    for half, query_ids in halves.items():
        chosen = [i for i, q in enumerate(queries) if query_ids is None or q.id in query_ids]
        for name, scorer in BASELINES.items():
            baselines[half, name] = evaluate_baseline(
                scorer, records, [queries[i] for i in chosen], [relevant[i] for i in chosen], k)
    variants = {path.name: records, f"{path.name} without topics": [replace(r, topics=()) for r in records]}
    tables = {}
    for variant, variant_records in variants.items():
        started = time.perf_counter()
        index = MatchIndex.build(variant_records)
        build_seconds = time.perf_counter() - started
        rows = []
        for half, query_ids in halves.items():
            rows.append((half, "engine", evaluate(index, records=variant_records, k=k, query_ids=query_ids)))
            rows.extend((half, name, baselines[half, name]) for name in BASELINES)
        print(f"\n## {variant}: {len(records)} records, {len(queries)} queries, "
              f"engine build {build_seconds:.2f} s")
        print_table(rows, k)
        tables[variant] = rows
    return tables


def print_table(rows: Sequence[tuple[str, str, Evaluation]], k: int) -> None:
    print(f"| queries | method | MAP@{k} | P@5 | nDCG@{k} | top-5 explained |")
    print("|---|---|---:|---:|---:|---:|")
    for half, method, result in rows:
        explained = "" if result.explained_top5 is None else f"{result.explained_top5:.1%}"
        print(f"| {half} ({result.queries}) | {method} | {result.map_at_k:.3f} | "
              f"{result.precision_at_5:.3f} | {result.ndcg_at_k:.3f} | {explained} |")
    for half in dict.fromkeys(h for h, _, _ in rows):
        engine = next(r for h, m, r in rows if h == half and m == "engine")
        best_name, best = max(((m, r) for h, m, r in rows if h == half and m != "engine"),
                              key=lambda item: item[1].map_at_k)
        ratio = engine.map_at_k / best.map_at_k if best.map_at_k else float("inf")
        verdict = "ok" if ratio >= TARGET_RATIO else f"below target {TARGET_RATIO}"
        print(f"{half}: engine / strongest baseline ({best_name}) MAP@{k} = {ratio:.3f} ({verdict})")


PROXIMITY_WEIGHTS = (0.0, 0.002, 0.003, 0.005, 0.01, 0.02, 0.05)
LAENDER = 16
POPULATION_CLASSES = 5


def owner_place(owner: str | None) -> tuple[str | None, str | None]:
    """A Land and a population class for an owner, by hash: the sets carry neither, and a place
    that knows nothing of the labels shows what proximity costs at worst."""
    if not owner:
        return None, None
    digest = zlib.crc32(owner.encode())
    return f"{digest % LAENDER:02d}", str((digest // LAENDER) % POPULATION_CLASSES)


def run_proximity(path: Path, k: int) -> None:
    """MAP@k of the engine's need -> offer ranking before and after the app's proximity lift
    (community/suggestions/proximity.py) at several weights; candidates as the app asks them."""
    from community.suggestions import proximity

    records = read_records(path)
    queries, relevant = relevance(records)
    index = MatchIndex.build(records)
    owner_of = {record.id: record.owner for record in records}
    candidates = {query.id: index.similar(query.id, k=50, kinds=CANDIDATE_KINDS) for query in queries}
    print(f"\n## proximity on {path.name}: {len(queries)} queries (Land and population class by owner hash)")
    print(f"| weight | MAP@{k} | P@5 | nDCG@{k} | change of MAP@{k} |")
    print("|---:|---:|---:|---:|---:|")
    before = None
    for weight in PROXIMITY_WEIGHTS:
        rankings = []
        for query in queries:
            ours = owner_place(query.owner)
            order = proximity.ranked(candidates[query.id], lambda match: match.score,
                                     lambda match: proximity.closeness(ours, owner_place(owner_of[match.id])),
                                     weight=weight)
            rankings.append([match.id for match in order])
        result = ranking_metrics(rankings, relevant, k)
        before = result.map_at_k if before is None else before
        print(f"| {weight:.3f} | {result.map_at_k:.4f} | {result.precision_at_5:.3f} | {result.ndcg_at_k:.3f} | "
              f"{result.map_at_k - before:+.4f} |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="further labelled JSONL sets")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--long", type=int, default=0, metavar="N",
                        help="also run the sets with N needs of other labels in front of each need's text")
    parser.add_argument("--proximity", action="store_true",
                        help="only measure the app's proximity lift (same Land, same population class)")
    args = parser.parse_args(argv)
    if args.proximity:
        for path in (*DEFAULT_SETS, *args.files):
            run_proximity(path, args.k)
        return 0
    for path in (*DEFAULT_SETS, *args.files):
        run_set(path, args.k)
        if args.long and any(r.kind == "need" and r.text for r in read_records(path)):
            run_set(path, args.k, args.long)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
