"""Ranking quality on labelled records: MAP@k, P@5, nDCG@k and the share of explained matches.

Protocol (the one of the LeiKa set's sanity figures): every `need` record with a label is a query;
it ranks the `offer` records (`MatchIndex.similar(need, kinds=("offer",))`, so never its own
owner's); an offer is relevant when its label equals the need's. Needs without any relevant offer
are skipped. AP@k divides by min(relevant, k); nDCG@k uses binary gains.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from matching.index import MatchIndex
from matching.records import Record

QUERY_KIND = "need"
CANDIDATE_KINDS = ("offer",)


@dataclass(frozen=True)
class Evaluation:
    """Mean ranking metrics over `queries` queries; `explained_top5` is the share of top-5 matches
    carrying at least one shared term (None for rankings without explanations)."""

    map_at_k: float
    precision_at_5: float
    ndcg_at_k: float
    queries: int
    explained_top5: float | None = None


def ranking_metrics(rankings: Sequence[Sequence[str]], relevant: Sequence[Collection[str]],
                    k: int = 10) -> Evaluation:
    """Metrics of ranked id lists against the relevant ids of each query (queries with no relevant
    id must be left out by the caller)."""
    average_precisions, precisions, ndcgs = [], [], []
    discounts = 1 / np.log2(np.arange(2, k + 2))
    for ranked, wanted in zip(rankings, relevant):
        hits = np.array([doc_id in wanted for doc_id in list(ranked)[:k]], dtype=float)
        hits = np.pad(hits, (0, k - len(hits)))
        precision_at = np.cumsum(hits) / np.arange(1, k + 1)
        average_precisions.append(float((precision_at * hits).sum()) / min(len(wanted), k))
        precisions.append(float(hits[:5].sum()) / 5)
        ideal = discounts[: min(len(wanted), k)].sum()
        ndcgs.append(float((hits * discounts).sum()) / ideal)
    count = len(average_precisions)
    if count == 0:
        return Evaluation(0.0, 0.0, 0.0, 0)
    return Evaluation(float(np.mean(average_precisions)), float(np.mean(precisions)),
                      float(np.mean(ndcgs)), count)


def relevance(records: Iterable[Record], labels: Mapping[str, str] | None = None,
              query_ids: Collection[str] | None = None) -> tuple[list[Record], list[set[str]]]:
    """The query records (needs with a label, optionally only `query_ids`) and the ids of the
    offers relevant to each (same label, other owner). `labels` overrides the records' labels."""
    records = list(records)
    label_of = dict(labels) if labels is not None else {r.id: r.label for r in records if r.label is not None}
    offers_by_label: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        if record.kind in CANDIDATE_KINDS and record.id in label_of:
            offers_by_label[label_of[record.id]].append(record)
    queries, relevant = [], []
    for record in records:
        if record.kind != QUERY_KIND or record.id not in label_of:
            continue
        if query_ids is not None and record.id not in query_ids:
            continue
        wanted = {offer.id for offer in offers_by_label[label_of[record.id]]
                  if offer.owner is None or offer.owner != record.owner}
        if wanted:
            queries.append(record)
            relevant.append(wanted)
    return queries, relevant


def evaluate(index_or_records: MatchIndex | Iterable[Record], labels: Mapping[str, str] | None = None,
             k: int = 10, records: Iterable[Record] | None = None,
             query_ids: Collection[str] | None = None) -> Evaluation:
    """Evaluate the engine on labelled records.

    Pass the records (an index is built from them), or an index plus `records` (for kinds,
    owners and labels). `labels` maps id → label and overrides the records' own labels.
    `query_ids` restricts the queries (e.g. a held-out half).
    """
    if isinstance(index_or_records, MatchIndex):
        if records is None:
            raise ValueError("evaluating a built index needs its records (for labels and kinds)")
        index, records = index_or_records, list(records)
    else:
        records = list(index_or_records)
        index = MatchIndex.build(records)
    queries, relevant = relevance(records, labels, query_ids)
    matches = [index.similar(query.id, k=k, kinds=CANDIDATE_KINDS) for query in queries]
    metrics = ranking_metrics([[m.id for m in found] for found in matches], relevant, k)
    top5 = [match for found in matches for match in found[:5]]
    explained = sum(1 for match in top5 if match.terms) / len(top5) if top5 else 1.0
    return Evaluation(metrics.map_at_k, metrics.precision_at_5, metrics.ndcg_at_k, metrics.queries, explained)
