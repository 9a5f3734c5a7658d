"""Every CSV export goes through community/csvfile.py, and what it writes stays text in a spreadsheet:
opened as German Excel opens it (`;`, UTF-8), by LibreOffice Calc headless, no cell becomes a formula."""
import ast
import io
import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from community import csvfile

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ["=1+1", "+1+1", "-1+1", "@SUM(1;2)", "\t=1+1", "\r=1+1", "Amt;=1+1", "Amt,=1+1", "Amt; =1+1",
           "Amt\n=1+1", " =HYPERLINK(\"http://x\")", "=cmd|' /C calc'!A0", "Straße ümlaut"]


def test_every_dangerous_start_is_neutralised_also_after_a_separator():
    assert csvfile.cell("=1+1") == "'=1+1"
    assert csvfile.cell("Amt;=1+1") == "Amt;'=1+1"
    assert csvfile.cell("Amt, -1") == "Amt,' -1"
    assert csvfile.cell("\t=1") == "'\t'=1"
    assert csvfile.cell("Kreis Lippe") == "Kreis Lippe" and csvfile.cell(None) == "" and csvfile.cell(3) == "3"


def test_the_file_is_utf8_with_bom_and_semicolons():
    data = csvfile.text(["name", "ort"], [["Jürgen", "Köln;Bonn"]])
    assert data.startswith("\ufeffname;ort\r\n")
    assert list(csv.reader(io.StringIO(data.lstrip("\ufeff")), delimiter=";"))[1] == ["Jürgen", "Köln;Bonn"]


def test_no_csv_is_written_outside_the_one_helper():
    offenders = []
    for path in (ROOT / "community").rglob("*.py"):
        if path.name == "csvfile.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "csv" \
                    and node.attr in {"writer", "DictWriter"}:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], "write CSV with community.csvfile: " + ", ".join(offenders)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_calc_opening_it_as_german_excel_finds_no_formula(tmp_path):
    source = tmp_path / "export.csv"
    source.write_text(csvfile.text(["value", "second"], [[value, value] for value in HOSTILE]), encoding="utf-8",
                      newline="")
    # CSV filter options: separator 59 (;), text delimiter 34 ("), charset 76 (UTF-8), first line 1,
    # default column formats, language 1031 (German); formulas are evaluated, as Excel would.
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--infilter=CSV:59,34,76,1,,1031", "--convert-to", "fods", "--outdir", str(tmp_path),
                    str(source)], check=True, capture_output=True, timeout=180)
    sheet = (tmp_path / "export.fods").read_text(encoding="utf-8")
    assert "table:formula" not in sheet
    assert "Straße ümlaut" in sheet and "=1+1" in sheet  # the text is there, as text
