"""`flask import-organisations FILE`: CSV and JSONL bulk import, all or nothing."""
import json
import re
from pathlib import Path

import pytest

from community.extensions import db
from community.organisations import importer
from community.organisations.models import Organisation
from community.profiles.models import Need, Offer
from tests.factories import make_org

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
CSV_HEADER = "record,ref,organisation,kind,name,org_type,official_key,land,topics,title,urgency,offer_kind"


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(db.select(db.func.count()).select_from(model))
                 for model in (Organisation, Need, Offer))


def run_import(runner, path, *options):
    return runner.invoke(args=["import-organisations", str(path), *options])


def write(tmp_path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problem_lines(output: str) -> list[str]:
    """The problems as `<number>: <field>:` (row/line words may be translated)."""
    return re.findall(r"^\S+ (\d+: [\w.\[\]]+): ", output, flags=re.MULTILINE)


@pytest.mark.parametrize("example", ["organisations.csv", "organisations.jsonl"])
def test_example_file_imports_every_organisation_with_needs_and_offers(runner, example):
    result = run_import(runner, EXAMPLES / example)

    assert result.exit_code == 0, result.output
    assert counts() == (7, 6, 6)


def test_csv_need_rows_belong_to_the_organisation_they_name(runner):
    run_import(runner, EXAMPLES / "organisations.csv")

    district = db.session.execute(db.select(Organisation).filter_by(official_key="06999")).scalar_one()
    company = db.session.execute(db.select(Organisation).filter_by(name="Beispiel Kommunal-IT GmbH")).scalar_one()
    assert sorted(need.title for need in district.needs) == [
        "Externe Informationssicherheitsbeauftragte gesucht", "Wohngeld digital: Online-Antrag und E-Akte"]
    assert {offer.offer_kind for offer in company.offers} == {"service"}
    assert district.topics == ["sicherheit", "soziales"]


def test_imported_fields_are_cleaned_like_form_input(runner):
    run_import(runner, EXAMPLES / "organisations.csv")

    title = "Wohngeld digital: Online-Antrag und E-Akte"
    need = db.session.execute(db.select(Need).filter_by(title=title)).scalar_one()
    assert (need.topics, need.ozg_ids, need.urgency, need.status) == (["soziales", "ozg"], [10092], "high", "open")


def test_bad_csv_rows_are_all_named_and_nothing_is_written(runner, tmp_path):
    make_org(official_key="03999200")
    before = counts()
    path = write(tmp_path, "bad.csv", [
        CSV_HEADER,
        "organisation,a,,municipality,Gemeinde A,gemeinde,03999101,99,ozg,,,",
        "need,,a,,,,,,ozg," + "x" * 201 + ",,",
        "need,,a,,,,,,astrologie,Digitale Sterndeutung,,",
        "organisation,b,,municipality,Gemeinde B,gemeinde,03999101,03,,,,",
        "organisation,c,,municipality,,gemeinde,03999102,03,,,,",
        "organisation,d,,municipality,Gemeinde D,gemeinde,03999200,03,,,,",
        "offer,,nowhere,,,,,,ozg,Angebot ohne Organisation,,service",
        "organisation,e,,municipality,Gemeinde E,gemeinde,,03,ozg,,,",
    ])

    result = run_import(runner, path)

    assert result.exit_code != 0
    assert problem_lines(result.output) == [
        "2: land", "3: title", "4: topics", "5: official_key", "6: name", "7: official_key", "8: organisation",
    ]
    assert counts() == before


def test_bad_jsonl_lines_are_all_named_and_nothing_is_written(runner, tmp_path):
    good = {"kind": "company", "name": "Muster GmbH", "offers": [{"title": "Beratung zur E-Akte"}]}
    path = write(tmp_path, "bad.jsonl", [
        json.dumps(good),
        json.dumps({"kind": "municipality", "name": "Gemeinde A", "land": "99"}),
        '{"kind": "municipality", "name": ',
        "",
        json.dumps({"kind": "company", "needs": [{"title": "ab"}]}),
    ])

    result = run_import(runner, path)

    assert result.exit_code != 0
    assert problem_lines(result.output) == ["2: land", "5: name", "5: needs[1].title"]
    assert re.search(r"^\S+ 3: .*JSON", result.output, flags=re.MULTILINE)
    assert counts() == (0, 0, 0)


def test_official_key_of_an_existing_organisation_is_refused(runner):
    make_org(official_key="05999002")

    result = run_import(runner, EXAMPLES / "organisations.csv")

    assert result.exit_code != 0
    assert problem_lines(result.output) == ["5: official_key"]
    assert counts() == (1, 0, 0)


def test_official_key_taken_between_check_and_write_fails_without_writing(app):
    parsed = importer.read(str(EXAMPLES / "organisations.csv"), "csv")
    assert importer.check(parsed) == []
    make_org(official_key="05999002")

    with pytest.raises(importer.ImportFailed) as failure:
        importer.write(parsed.organisations)

    assert [(problem.number, problem.field) for problem in failure.value.problems] == [(5, "official_key")]
    assert counts() == (1, 0, 0)


def test_unknown_csv_column_is_reported_before_any_row(runner, tmp_path):
    path = write(tmp_path, "columns.csv", ["kind,name,colour", "company,Muster GmbH,blau"])

    result = run_import(runner, path)

    assert result.exit_code != 0
    assert problem_lines(result.output) == ["1: colour"]
    assert counts() == (0, 0, 0)


def test_cells_of_another_record_type_are_refused(runner, tmp_path):
    path = write(tmp_path, "misplaced.csv", [
        CSV_HEADER,
        "organisation,m,,company,Muster GmbH,beratung,,,,Titel einer Organisation,,",
        "offer,,m,,,,,,,Beratung zur E-Akte,high,service",
    ])

    result = run_import(runner, path)

    assert problem_lines(result.output) == ["2: title", "3: urgency"]


def test_semicolon_separated_csv_from_a_spreadsheet_is_read(runner, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text('\ufeffkind;name;topics\ncompany;Muster GmbH;"ozg;eakte"\n', encoding="utf-8")

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    assert db.session.execute(db.select(Organisation)).scalar_one().topics == ["eakte", "ozg"]


def test_format_option_overrides_the_file_extension(runner, tmp_path):
    path = tmp_path / "export.txt"
    path.write_text((EXAMPLES / "organisations.jsonl").read_text(encoding="utf-8"), encoding="utf-8")

    assert run_import(runner, path).exit_code != 0
    assert run_import(runner, path, "--format", "jsonl").exit_code == 0
    assert counts() == (7, 6, 6)


def test_file_larger_than_one_batch_is_written_completely(runner, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)

    result = run_import(runner, EXAMPLES / "organisations.csv")

    assert result.exit_code == 0, result.output
    assert counts() == (7, 6, 6)
