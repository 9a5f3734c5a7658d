"""The plain data the engine takes and returns: `Record`, `Match`, and JSONL record files."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Record:
    """One thing to match: a need, an offer or an organisation profile.

    `title` is short and optional; `text` may be empty when a title is given. `owner` groups the
    records of one organisation: `similar` never returns records of the same owner. `label` is only
    read by `evaluate` (records with equal labels are relevant to each other).
    """

    id: str
    kind: str
    text: str = ""
    title: str = ""
    topics: tuple[str, ...] = ()
    owner: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Match:
    """A ranked result: `score` in [0, 1], `terms` the shared words that carried it (most weighted
    first, as readable words), `topics` the topics both sides share."""

    id: str
    score: float
    terms: tuple[str, ...] = ()
    topics: tuple[str, ...] = field(default=())


class RecordFormatError(ValueError):
    """A JSONL record line that cannot be read; `line` is its 1-based number."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


_OPTIONAL_STRINGS = ("title", "text", "owner")


def read_records(source: str | Path | Iterable[str]) -> list[Record]:
    """Parse JSONL records `{"id","kind","title"?,"text"?,"topics"?,"label"?,"owner"?}`.

    `source` is a path or an iterable of lines (an open file, a list of strings). Blank lines are
    skipped. Raises `RecordFormatError` naming the line for bad JSON, a missing or empty id/kind,
    a wrong type, or a duplicate id.
    """
    if isinstance(source, (str, Path)):
        with open(source, encoding="utf-8") as lines:
            return _parse_lines(lines)
    return _parse_lines(source)


def _parse_lines(lines: Iterable[str]) -> list[Record]:
    records: list[Record] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record = _parse_line(number, line)
        if record.id in seen:
            raise RecordFormatError(number, f"duplicate id {record.id!r}")
        seen.add(record.id)
        records.append(record)
    return records


def _parse_line(number: int, line: str) -> Record:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise RecordFormatError(number, f"invalid JSON ({error.msg})") from None
    if not isinstance(data, dict):
        raise RecordFormatError(number, "expected a JSON object")
    for key in ("id", "kind"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise RecordFormatError(number, f"{key!r} must be a non-empty string")
    for key in _OPTIONAL_STRINGS:
        if data.get(key) is not None and not isinstance(data[key], str):
            raise RecordFormatError(number, f"{key!r} must be a string")
    label = data.get("label")
    if label is not None and (isinstance(label, bool) or not isinstance(label, (str, int))):
        raise RecordFormatError(number, "'label' must be a string or an integer")
    topics = data.get("topics") or []
    if not isinstance(topics, list) or not all(isinstance(topic, str) for topic in topics):
        raise RecordFormatError(number, "'topics' must be a list of strings")
    return Record(
        id=data["id"],
        kind=data["kind"],
        text=data.get("text") or "",
        title=data.get("title") or "",
        topics=tuple(topics),
        owner=data.get("owner"),
        label=None if label is None else str(label),
    )
