"""Search quality: MRR and P@5 of what the search page shows, on judged queries, before and after.

    python bench/search_quality.py [bench/data/search_judged.jsonl]

The set (bench/data/search_judged.jsonl, written blind by the team): municipal needs, offers,
organisations and good examples, among them organisations whose names share letters with query
words (Weingarten, Donnersbergkreis, Ladenburg, Kinderbeuern, Kitzingen), and 46 queries with the ids
a person looking for them wants. Each query runs through the search service's own ranking:
the matching index asked like `MatchingEngine.search`, then `community.search.services._words_first`
(hits meeting query words as words, compound parts or synonyms before fragment-only hits) and the
near-duplicate collapse. Visibility is left out (every record is public). Four rows, one run:
the engine's order alone and with words first, each without and with synonyms
(`matching.vectors.SYNONYMS_IN_QUERIES` and `QueryWords(synonyms=...)`).
"fragment first" counts queries whose first hit meets no query word.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from community.search import services  # noqa: E402
from community.search.duplicates import collapse  # noqa: E402
from community.search.words import QueryWords  # noqa: E402
from matching import MatchIndex, Record, vectors  # noqa: E402

DEFAULT_SET = Path(__file__).resolve().parent / "data" / "search_judged.jsonl"
PAGE = 20


def read_set(path: Path) -> tuple[list[Record], list[tuple[str, set[str]]]]:
    records, queries = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "query" in row:
            queries.append((row["query"], set(row["relevant"])))
        else:
            records.append(Record(row["id"], row["kind"], text=row["text"], title=row["title"], owner=row["id"]))
    return records, queries


def ranking(index: MatchIndex, records: dict[str, Record], query: str, words_first: bool,
            synonyms: bool) -> tuple[list[str], bool]:
    """The ids of the first page as the search shows them, and whether the first hit is fragment-only."""
    vectors.SYNONYMS_IN_QUERIES = synonyms
    matches = index.query(query, k=services.CANDIDATES + 1)[:services.CANDIDATES]
    candidates = [services.Candidate(records[m.id].kind, m.id, records[m.id].title, records[m.id].text,
                                     (), None, m.score, tuple(m.terms)) for m in matches]
    words = QueryWords(index, query, synonyms=synonyms)
    if words_first and words.words:
        candidates = services._words_first(candidates, words)
    groups = collapse(candidates, key=lambda c: c.kind, text_of=lambda c: f"{c.title}\n{c.text}",
                      merge=lambda c: c.kind != "organisation")
    page = [first for first, _rest in groups[:PAGE]]
    fragment_first = bool(page) and words.meets(page[0].title, page[0].text)[0] == 0
    return [c.id for c in page], fragment_first


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SET
    records, queries = read_set(path)
    by_id = {record.id: record for record in records}
    saved = vectors.SYNONYMS_IN_QUERIES
    index = MatchIndex.build(records)
    print(f"## {path.name}: {len(records)} records, {len(queries)} queries\n")
    print("| ranking | synonyms | MRR | P@5 | fragment first |")
    print("|---|---|---:|---:|---:|")
    rows = {}
    try:
        for words_first in (False, True):
            for synonyms in (False, True):
                reciprocal = precision = fragment = 0.0
                for query, relevant in queries:
                    ids, fragment_first = ranking(index, by_id, query, words_first, synonyms)
                    first = next((rank for rank, rid in enumerate(ids, 1) if rid in relevant), None)
                    reciprocal += 1 / first if first else 0.0
                    precision += sum(rid in relevant for rid in ids[:5]) / 5
                    fragment += fragment_first
                n = len(queries)
                rows[words_first, synonyms] = (reciprocal / n, precision / n)
                print(f"| {'words first' if words_first else 'engine score'} | {'on' if synonyms else 'off'} "
                      f"| {reciprocal / n:.3f} | {precision / n:.3f} | {int(fragment)} |")
    finally:
        vectors.SYNONYMS_IN_QUERIES = saved
    before, after = rows[False, False], rows[True, True]
    print(f"\nbefore (engine score, no synonyms) -> after (words first, synonyms): "
          f"MRR {before[0]:.3f} -> {after[0]:.3f}, P@5 {before[1]:.3f} -> {after[1]:.3f}")


if __name__ == "__main__":
    main()
