"""`flask matching eval` on record files and `flask matching rebuild` of the app's index."""
import json
from pathlib import Path

import pytest

from community import create_app
from tests.conftest import config_with
from tests.factories import make_need, make_offer, make_org

LEIKA = Path(__file__).resolve().parents[1] / "bench" / "data" / "leika_matching.jsonl"
RECORDS = [
    {"id": "n1", "kind": "need", "title": "Elektronische Akte einführen", "text": "Aktenplan und Scannen",
     "topics": ["eakte"], "label": "eakte", "owner": "a"},
    {"id": "n2", "kind": "need", "title": "Glasfaser für Schulen", "text": "Breitband für Grundschulen",
     "label": "netz", "owner": "b"},
    {"id": "o1", "kind": "offer", "title": "E-Akte für Kommunen", "text": "Aktenplan, Scannen, elektronische Akte",
     "topics": ["eakte"], "label": "eakte", "owner": "c"},
    {"id": "o2", "kind": "offer", "title": "Glasfaserausbau", "text": "Breitband und Glasfaser für Schulen",
     "label": "netz", "owner": "d"},
]


@pytest.fixture(scope="module")
def eval_runner():
    """`eval` reads files only, so one application without a database serves its tests."""
    return create_app(config_with(SQLALCHEMY_DATABASE_URI="sqlite://")).test_cli_runner()


def write_records(tmp_path, records, extra_lines=()) -> str:
    path = tmp_path / "records.jsonl"
    lines = [json.dumps(record, ensure_ascii=False) for record in records] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_eval_prints_the_best_offers_of_each_need_and_the_metrics(eval_runner, tmp_path):
    result = eval_runner.invoke(args=["matching", "eval", write_records(tmp_path, RECORDS)])
    assert result.exit_code == 0, result.output
    assert "n1  Elektronische Akte einführen" in result.stdout
    first_match = result.stdout.split("n1  ", 1)[1].splitlines()[1]
    assert "1. o1" in first_match and "Akte" in first_match
    assert "MAP@10 1.000" in result.stdout and "P@5" in result.stdout and "nDCG@10 1.000" in result.stdout


def test_eval_json_prints_one_object_per_need_then_the_evaluation(eval_runner, tmp_path):
    result = eval_runner.invoke(args=["matching", "eval", write_records(tmp_path, RECORDS), "--json", "--k", "1"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("id") for line in lines[:2]] == ["n1", "n2"]
    assert lines[0]["matches"][0]["id"] == "o1" and set(lines[0]["matches"][0]) == {"id", "score", "terms"}
    assert all(len(line["matches"]) <= 1 for line in lines[:2])
    assert lines[2]["evaluation"]["map_at_10"] == pytest.approx(1.0)


def test_eval_without_labels_prints_no_metrics(eval_runner, tmp_path):
    unlabelled = [{key: value for key, value in record.items() if key != "label"} for record in RECORDS]
    result = eval_runner.invoke(args=["matching", "eval", write_records(tmp_path, unlabelled)])
    assert result.exit_code == 0
    assert "MAP@10" not in result.stdout


def test_eval_names_the_malformed_line_and_fails(eval_runner, tmp_path):
    path = write_records(tmp_path, RECORDS[:2], extra_lines=['{"id": "x", "kind": '])
    result = eval_runner.invoke(args=["matching", "eval", path])
    assert result.exit_code != 0
    assert "line 3" in result.output and "invalid JSON" in result.output


def test_eval_refuses_a_missing_file(eval_runner, tmp_path):
    assert eval_runner.invoke(args=["matching", "eval", str(tmp_path / "missing.jsonl")]).exit_code != 0


@pytest.mark.skipif(not LEIKA.exists(), reason="bench/data/leika_matching.jsonl is not in this checkout")
def test_eval_of_the_leika_set_reaches_the_documented_quality(eval_runner):
    result = eval_runner.invoke(args=["matching", "eval", str(LEIKA), "--json", "--k", "3"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    evaluation = json.loads(lines[-1])["evaluation"]
    assert len(lines) - 1 == sum(1 for line in LEIKA.open(encoding="utf-8") if '"kind": "need"' in line)
    assert evaluation["map_at_10"] > 0.7 and evaluation["queries"] > 400


@pytest.fixture
def index_dir(app, tmp_path):
    app.config["MATCHING_INDEX_DIR"] = str(tmp_path / "matching")
    return tmp_path / "matching"


def test_rebuild_saves_a_snapshot_of_the_database(runner, index_dir):
    org = make_org()
    make_need(org)
    make_offer(make_org())
    result = runner.invoke(args=["matching", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Indexed 4 records" in result.stdout  # two organisations, a need and an offer
    assert len(list(index_dir.iterdir())) == 1


def test_rebuild_if_missing_keeps_an_existing_snapshot(runner, index_dir):
    runner.invoke(args=["matching", "rebuild"])
    result = runner.invoke(args=["matching", "rebuild", "--if-missing"])
    assert result.exit_code == 0 and "nothing to do" in result.stdout
    assert len(list(index_dir.iterdir())) == 1


def test_rebuild_keeps_only_the_two_newest_snapshots(runner, index_dir):
    for _ in range(3):
        assert runner.invoke(args=["matching", "rebuild"]).exit_code == 0
    assert len(list(index_dir.iterdir())) == 2
