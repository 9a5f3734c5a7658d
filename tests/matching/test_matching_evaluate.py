"""JSONL reading and ranking metrics on hand-made examples."""

import json
import math

import pytest

from matching import Record, RecordFormatError, evaluate, read_records
from matching.evaluate import ranking_metrics

GOOD = {"id": "need:1", "kind": "need", "title": "E-Akte", "text": "", "topics": ["eakte"], "label": "a"}


def lines(*objects) -> list[str]:
    return [o if isinstance(o, str) else json.dumps(o) for o in objects]


def test_read_records_parses_all_fields():
    record = read_records(lines(GOOD, {"id": "o", "kind": "offer", "text": "x", "owner": "org:1"}))[0]
    assert record == Record("need:1", "need", text="", title="E-Akte", topics=("eakte",), label="a")


def test_read_records_reads_a_path(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines(GOOD)) + "\n\n", encoding="utf-8")
    assert [r.id for r in read_records(path)] == ["need:1"]


@pytest.mark.parametrize("bad, reason", [
    ("{not json", "invalid JSON"),
    ({"kind": "need", "text": "x"}, "'id'"),
    ({"id": "x", "text": "x"}, "'kind'"),
    ({"id": 7, "kind": "need", "text": "x"}, "'id'"),
    ({"id": "x", "kind": "need", "text": 5}, "'text'"),
    ({"id": "x", "kind": "need", "text": "t", "topics": "eakte"}, "'topics'"),
    ({"id": "need:1", "kind": "need", "text": "dup"}, "duplicate"),
    ("[1, 2]", "JSON object"),
])
def test_malformed_line_names_its_number(bad, reason):
    with pytest.raises(RecordFormatError) as raised:
        read_records(lines(GOOD, {"id": "o", "kind": "offer", "text": "ok"}, bad))
    assert raised.value.line == 3
    assert "line 3" in str(raised.value) and reason in str(raised.value)


def test_metrics_of_a_known_ranking():
    # Query 1: relevant {a, b}; ranked a, x, b -> AP = (1/1 + 2/3) / 2, P@5 = 2/5,
    # nDCG = (1 + 1/log2(4)) / (1 + 1/log2(3)).
    # Query 2: relevant {c}; ranked x, y -> AP 0, P@5 0, nDCG 0.
    result = ranking_metrics([["a", "x", "b"], ["x", "y"]], [{"a", "b"}, {"c"}], k=10)
    assert result.queries == 2
    assert result.map_at_k == pytest.approx(((1 + 2 / 3) / 2) / 2)
    assert result.precision_at_5 == pytest.approx((2 / 5) / 2)
    assert result.ndcg_at_k == pytest.approx(((1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))) / 2)


def test_average_precision_divides_by_at_most_k():
    result = ranking_metrics([["a", "b"]], [set("abcdefghijkl")], k=2)
    assert result.map_at_k == pytest.approx(1.0)


def test_evaluate_ranks_offers_for_needs():
    records = [
        Record("need:1", "need", title="Glasfaserausbau", owner="n1", label="fibre"),
        Record("need:2", "need", title="Photovoltaik auf Dächern", owner="n2", label="solar"),
        Record("offer:1", "offer", title="Glasfaser für Gewerbegebiete", owner="o1", label="fibre"),
        Record("offer:2", "offer", title="Photovoltaikanlagen für Dächer", owner="o2", label="solar"),
        Record("offer:3", "offer", title="Friedhofsverwaltung", owner="o3", label="other"),
    ]
    result = evaluate(records, k=10)
    assert result.queries == 2
    assert result.map_at_k == pytest.approx(1.0)
    assert result.explained_top5 == pytest.approx(1.0)


def test_labels_argument_overrides_record_labels():
    records = [
        Record("need:1", "need", title="Glasfaserausbau", owner="n1"),
        Record("offer:1", "offer", title="Glasfaser für Gewerbegebiete", owner="o1"),
        Record("offer:2", "offer", title="Photovoltaikanlagen", owner="o2"),
    ]
    assert evaluate(records, {"need:1": "x", "offer:2": "x"}).map_at_k == 0.0
