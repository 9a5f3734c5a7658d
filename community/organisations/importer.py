"""Bulk import of organisations with their needs and offers, all or nothing.

Files are CSV (one row per organisation, need or offer) or JSONL (one organisation per line with
`needs` and `offers` arrays); docs/import.md describes both. Every row is checked with the rules the
app applies to its forms (organisation and profile services), plus duplicates inside the file and
clashes with existing official keys. Only a file without a single problem is written, in one
transaction. The demo seeding writes its organisations through here too.
"""
import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from community.errors import ValidationError
from community.extensions import db
from community.organisations.services import CREATE_SCHEMA, create_organisation, validate_new_organisation
from community.profiles.services import SCHEMAS as ENTRY_SCHEMAS
from community.profiles.services import build_entry, validate_entry
from community.signals import records_bulk_changed

FORMATS = ("csv", "jsonl")
EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
ORGANISATION_FIELDS = frozenset(CREATE_SCHEMA.fields)
ENTRY_FIELDS = {kind: frozenset(schema.fields) for kind, schema in ENTRY_SCHEMAS.items()}
CSV_CONTROL_COLUMNS = ("record", "ref", "organisation")
CSV_COLUMNS = frozenset(CSV_CONTROL_COLUMNS) | ORGANISATION_FIELDS | frozenset().union(*ENTRY_FIELDS.values())
LIST_FIELDS = ("topics", "ozg_ids")
LIST_SEPARATORS = re.compile(r"[|;,]")
BATCH_SIZE = 500  # organisations per flush: few round trips, bounded memory per flush

Progress = Callable[[int], None]


def _no_progress(steps: int) -> None:
    """Default progress callback: report nothing."""


def where(unit: str, number: int) -> str:
    """"row 7" of a CSV file, "line 3" of a JSONL file, "record 5" of seeded data."""
    if unit == "row":
        return _("row %(n)s", n=number)
    if unit == "line":
        return _("line %(n)s", n=number)
    return _("record %(n)s", n=number)


@dataclass(frozen=True)
class Problem:
    """One bad field (or a bad row when `field` is empty) of a row, a line, or the file (number 0)."""

    unit: str  # "row", "line" or "record"
    number: int
    field: str
    message: str

    def __str__(self) -> str:
        if not self.number:
            return self.message
        if not self.field:
            return f"{where(self.unit, self.number)}: {self.message}"
        return f"{where(self.unit, self.number)}: {self.field}: {self.message}"


@dataclass
class EntryItem:
    kind: str  # "need" or "offer"
    number: int
    prefix: str  # names the entry inside a JSONL line, e.g. "needs[2]."
    data: dict
    values: dict | None = None  # the cleaned fields once checked


@dataclass
class OrganisationItem:
    unit: str
    number: int
    data: dict
    entries: list[EntryItem] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return 1 + len(self.entries)


@dataclass(frozen=True)
class Summary:
    organisations: int
    needs: int
    offers: int


@dataclass
class ParsedFile:
    organisations: list[OrganisationItem]
    problems: list[Problem]  # found while reading: bad JSON, unknown record types, references
    orphans: list[EntryItem] = field(default_factory=list)  # entries without their organisation

    @property
    def rows(self) -> int:
        return sum(item.rows for item in self.organisations) + len(self.orphans)


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def detect_format(path: str, chosen: str | None = None) -> str:
    fmt = chosen or EXTENSIONS.get(Path(path).suffix.lower())
    if fmt not in FORMATS:
        raise ImportFailed([Problem("file", 0, "", _("Unknown file type; choose --format csv or jsonl."))])
    return fmt


def read(path: str, fmt: str) -> ParsedFile:
    """Parse a file. A file that cannot be read at all raises ImportFailed; problems of single rows
    (bad JSON, unknown record types or references) are collected, so check() can report them all."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = Path(path).read_bytes()[:exc.start].count(b"\n") + 1
        raise ImportFailed([Problem("line", line, "", _("The file is not UTF-8 encoded."))]) from None
    parsed = (_read_csv if fmt == "csv" else _read_jsonl)(text)
    if not parsed.organisations and not parsed.problems:
        raise ImportFailed([Problem("file", 0, "", _("The file holds no organisations."))])
    return parsed


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(value) if part.strip()]


def _read_csv(text: str) -> ParsedFile:
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = [name.strip().lower() for name in next(reader, [])]
    problems = [Problem("row", 1, name, _("Unknown column.")) for name in columns if name not in CSV_COLUMNS]
    problems += [Problem("row", 1, name, _("This column appears twice.")) for name in set(columns)
                 if columns.count(name) > 1]
    if problems:
        raise ImportFailed(problems)
    organisations, by_ref, by_key, entries, orphans = [], {}, {}, [], []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            problems.append(Problem("row", number, "", _("More cells than columns.")))
            continue
        row = {name: value.strip() for name, value in zip(columns, cells) if value.strip()}
        record = row.pop("record", "organisation").lower()
        ref, owner = row.pop("ref", ""), row.pop("organisation", "")
        allowed = ORGANISATION_FIELDS if record == "organisation" else ENTRY_FIELDS.get(record)
        if allowed is None:
            problems.append(Problem("row", number, "record", _("Unknown value: %(value)s.", value=record[:50])))
            continue
        misplaced = [name for name in row if name not in allowed]
        misplaced += ["organisation"] if owner and record == "organisation" else []
        misplaced += ["ref"] if ref and record != "organisation" else []
        problems += [Problem("row", number, name, _("Not used in %(record)s rows.", record=record))
                     for name in misplaced]
        data = {name: _split_list(value) if name in LIST_FIELDS else value
                for name, value in row.items() if name in allowed}
        if record != "organisation":
            entries.append((owner, EntryItem(record, number, "", data)))
            continue
        item = OrganisationItem("row", number, data)
        organisations.append(item)
        if ref and ref in by_ref:
            problems.append(Problem("row", number, "ref", _("Same ref as row %(n)s.", n=by_ref[ref].number)))
        elif ref:
            by_ref[ref] = item
        if data.get("official_key"):
            by_key.setdefault(data["official_key"], item)
    for owner, entry in entries:
        item = by_ref.get(owner) or by_key.get(owner)
        if item is None:
            message = _("Name an organisation row of this file by its ref or official key.")
            problems.append(Problem("row", entry.number, "organisation", message))
            orphans.append(entry)
        else:
            item.entries.append(entry)
    return ParsedFile(organisations, problems, orphans)


def _read_jsonl(text: str) -> ParsedFile:
    items, problems = [], []
    # Not splitlines(): JSON strings may hold U+2028 and other characters it would break at.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem("line", number, "", _("Not valid JSON: %(error)s (column %(column)s).",
                                                           error=exc.msg, column=exc.colno)))
            continue
        item, item_problems = item_from_object(obj, "line", number)
        problems += item_problems
        if item is not None:
            items.append(item)
    return ParsedFile(items, problems)


def item_from_object(obj, unit: str, number: int) -> tuple[OrganisationItem | None, list[Problem]]:
    """An organisation object with `needs` and `offers` lists (a JSONL line, or a seeded record)."""
    if not isinstance(obj, dict):
        return None, [Problem(unit, number, "", _("Expected a JSON object."))]
    data, problems, entries = dict(obj), [], []
    for kind, name in (("need", "needs"), ("offer", "offers")):
        listed = data.pop(name, None) or []
        if not isinstance(listed, list):
            problems.append(Problem(unit, number, name, _("Must be a list.")))
            continue
        for index, entry in enumerate(listed, start=1):
            prefix = f"{name}[{index}]."
            if isinstance(entry, dict):
                entries.append(EntryItem(kind, number, prefix, entry))
            else:
                problems.append(Problem(unit, number, prefix[:-1], _("Expected a JSON object.")))
    return OrganisationItem(unit, number, data, entries), problems


def _problems_of(exc: ValidationError, unit: str, number: int, prefix: str = "") -> list[Problem]:
    if not exc.fields:
        return [Problem(unit, number, prefix.rstrip("."), str(exc.message))]
    return [Problem(unit, number, prefix + name, str(message)) for name, message in exc.fields.items()]


def _check_entry(entry: EntryItem, unit: str) -> list[Problem]:
    try:
        entry.values = validate_entry(entry.kind, entry.data)
    except ValidationError as exc:
        return _problems_of(exc, unit, entry.number, entry.prefix)
    return []


def check(parsed: ParsedFile, progress: Progress = _no_progress) -> list[Problem]:
    """Every problem of every row, in file order; cleaned entry values are kept on the items."""
    problems, first_with_key = list(parsed.problems), {}
    for item in parsed.organisations:
        try:
            validate_new_organisation(item.data)
        except ValidationError as exc:
            problems += _problems_of(exc, item.unit, item.number)
        key = item.data.get("official_key")
        if isinstance(key, str) and key.strip():
            first = first_with_key.setdefault(key.strip(), item)
            if first is not item:
                message = _("Same official key as %(where)s.", where=where(first.unit, first.number))
                problems.append(Problem(item.unit, item.number, "official_key", message))
        for entry in item.entries:
            problems += _check_entry(entry, item.unit)
        progress(item.rows)
    for entry in parsed.orphans:
        problems += _check_entry(entry, "row")
        progress(1)
    return sorted(problems, key=lambda problem: problem.number)


def write(items: Iterable[OrganisationItem], progress: Progress = _no_progress,
          on_organisation: Callable | None = None, announce: bool = True) -> Summary:
    """Create checked items in one transaction; `on_organisation(index, org, entries)` may add to them.

    `announce=False` leaves telling the matching engine to the caller, who writes more right after.

    Should the database have changed since check() (another import took an official key), nothing
    is written and ImportFailed names the row.
    """
    counts = {"organisation": 0, "need": 0, "offer": 0}
    item = None
    try:
        # The official-key check in create_organisation queries the database; without this every
        # query would first flush the pending rows one by one.
        with db.session.no_autoflush:
            for index, item in enumerate(items):
                org = create_organisation(item.data, commit=False)
                entries = [build_entry(entry.kind, org, None, entry.values) for entry in item.entries]
                if on_organisation is not None:
                    on_organisation(index, org, entries)
                counts["organisation"] += 1
                for entry in item.entries:
                    counts[entry.kind] += 1
                if counts["organisation"] % BATCH_SIZE == 0:
                    db.session.flush()
                progress(item.rows)
            db.session.flush()
        db.session.commit()
    except ValidationError as exc:
        db.session.rollback()
        raise ImportFailed(_problems_of(exc, item.unit, item.number)) from None
    except IntegrityError:
        db.session.rollback()
        raise ImportFailed([Problem("file", 0, "", _("The data changed while importing; try again."))]) from None
    except Exception:
        db.session.rollback()
        raise
    if announce:
        records_bulk_changed.send("importer")
    return Summary(counts["organisation"], counts["need"], counts["offer"])
