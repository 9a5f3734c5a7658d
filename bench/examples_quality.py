"""Ranking good examples for a need: the engine against the character n-gram baseline (and the others).

    python bench/examples_quality.py [--k 10]

Set: bench/data/examples_matching.jsonl (see bench/data/README.md): the 51 examples of the demo library
(kind "example", label = the problem they solve; some problems have two examples) and 48 needs written
afterwards in other words by municipalities (kind "need", same labels). Protocol as in
bench/matching_quality.py, with examples as the candidates: each labelled need ranks the examples
through `similar(need, kinds=("example",))`, as `GET /api/v1/examples?need_id=` and the need page do;
relevant = examples with the same label (other owner). Baselines see "title. text", fitted on all records.
Also without topics (the engine loses its topic evidence), with long needs (texts of two needs of other
problems in front of each need's own), and split into halves by need id parity.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching import MatchIndex, Record, read_records  # noqa: E402
from matching.evaluate import Evaluation, ranking_metrics  # noqa: E402
from matching_quality import BASELINES, baseline_text, id_parity, print_table, with_long_needs  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "examples_matching.jsonl"
KIND = "example"


def queries_and_relevant(records: list[Record]) -> tuple[list[Record], list[set[str]]]:
    examples = [r for r in records if r.kind == KIND]
    queries, relevant = [], []
    for need in (r for r in records if r.kind == "need" and r.label is not None):
        wanted = {e.id for e in examples if e.label == need.label and e.owner != need.owner}
        if wanted:
            queries.append(need)
            relevant.append(wanted)
    return queries, relevant


def engine_rankings(records: list[Record], queries: list[Record], k: int) -> tuple[list[list[str]], float]:
    index = MatchIndex.build(records)
    rankings, explained, shown = [], 0, 0
    for need in queries:
        matches = index.similar(need.id, k=k, kinds=(KIND,))
        rankings.append([m.id for m in matches])
        explained += sum(1 for m in matches[:5] if m.terms)
        shown += len(matches[:5])
    return rankings, (explained / shown if shown else 0.0)


def baseline_rankings(scorer, records: list[Record], queries: list[Record], k: int) -> list[list[str]]:
    candidates = [r for r in records if r.kind == KIND]
    scores = scorer([baseline_text(q) for q in queries], [baseline_text(c) for c in candidates])
    owners = np.array([c.owner or c.id for c in candidates])
    rankings = []
    for row, query in enumerate(queries):
        row_scores = np.where(owners == query.owner, -np.inf, scores[row])
        rankings.append([candidates[i].id for i in np.argsort(-row_scores, kind="stable")[:k]])
    return rankings


def run(records: list[Record], name: str, k: int) -> dict[str, Evaluation]:
    queries, relevant = queries_and_relevant(records)
    engine, explained = engine_rankings(records, queries, k)
    methods = {"engine": engine, **{label: baseline_rankings(scorer, records, queries, k)
                                    for label, scorer in BASELINES.items()}}
    rows, results = [], {}
    for half, keep in (("all", lambda q: True), ("even ids", lambda q: id_parity(q.id) == 0),
                       ("odd ids", lambda q: id_parity(q.id) == 1)):
        chosen = [i for i, q in enumerate(queries) if keep(q)]
        for method, rankings in methods.items():
            result = ranking_metrics([rankings[i] for i in chosen], [relevant[i] for i in chosen], k)
            if method == "engine":
                result = replace(result, explained_top5=explained) if half == "all" else result
            rows.append((half, method, result))
            if half == "all":
                results[method] = result
    print(f"\n## {name}: {sum(r.kind == KIND for r in records)} examples, {len(queries)} needs")
    print_table(rows, k)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args(argv)
    records = read_records(DATA)
    run(records, DATA.name, args.k)
    run([replace(r, topics=()) for r in records], f"{DATA.name} without topics", args.k)
    # The short needs share distinctive words with their examples (the char baseline reaches 1.0): the
    # harder variant puts the texts of two needs of other problems in front of each need's own text,
    # as in a letter that comes to its point last (bench/matching_quality.py --long).
    run(with_long_needs(records, 2), f"{DATA.name} long x3", args.k)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
