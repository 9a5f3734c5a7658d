"""The application's matching index; the only module that talks to the `matching` library.

Owns:
- the records: every open need and offer ("need:<id>", "offer:<id>": title, body plus the names
  of its OZG services, topics, owner "org:<organisation id>") and every organisation profile
  ("organisation:<id>": name, description only when public, topics);
- one `MatchIndex` per application (one per process in production), loaded lazily from the
  newest snapshot or built from the database at first use;
- consistency between processes: the signals of committed changes append to the MatchingChange
  log; before answering, a process reads the newest change id (at most once per
  MATCHING_SYNC_SECONDS) and replays what it has not applied, re-reading those records;
- snapshots (`flask matching rebuild`), and a rebuild in the background when the library reports
  vocabulary drift (`needs_refit`);
- evaluation of record files (`flask matching eval`).
"""
import logging
import math
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import Session

from community.extensions import db
from community.models_base import utcnow
from community.organisations.models import Organisation, OrganisationTopic
from community.profiles import catalogue
from community.profiles.models import Need, Offer
from community.signals import entry_changed, entry_deleted, organisation_changed, records_bulk_changed
from community.suggestions.models import MatchingChange, MatchingSnapshot
from matching import MAX_TEXT_CHARS, Match, MatchIndex, Record, evaluate, read_records
from matching import RecordFormatError as RecordFormatError  # re-exported for the CLI

log = logging.getLogger(__name__)

EXTENSION = "matching_engine"
NEED, OFFER, ORGANISATION = "need", "offer", "organisation"
ENTRY_MODELS = {NEED: Need, OFFER: Offer}
MAX_QUERY_CHARS = MAX_TEXT_CHARS
"""The library analyses at most this many characters of a text; longer queries are cut here."""
KEEP_SNAPSHOTS = 2
"""Snapshots kept on disk: the newest, and the one before for processes still loading it."""
GAP_PATIENCE_SECONDS = 30.0
"""How long a skipped change id is awaited: a transaction may commit id 10 after id 11, or roll
back and leave a hole for good."""
MAX_TRACKED_GAPS = 1000
EVAL_K = 10


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordKind:
    """One kind of row the index holds: which rows are indexed and how one becomes a `Record`.

    Features add their own kinds with `register_record_kind` (examples, events ...), so this module
    never imports them; a changed row announces itself with `entry_changed` (its model has a
    `record_prefix`) or `entry_deleted`, like needs and offers.
    """

    name: str
    model: type
    to_record: Callable[[object], Record]
    indexed: Callable[[], sa.Select]
    """The rows of this kind that belong in the index (e.g. only open entries)."""


RECORD_KINDS: dict[str, RecordKind] = {}


def register_record_kind(name: str, model: type, to_record: Callable[[object], Record],
                         indexed: Callable[[], sa.Select] | None = None) -> RecordKind:
    kind = RecordKind(name, model, to_record, indexed or (lambda: db.select(model)))
    RECORD_KINDS[name] = kind
    return kind


def record_id(kind: str, object_id: int) -> str:
    return f"{kind}:{object_id}"


def parse_record_id(value: str) -> tuple[str, int] | None:
    """("need", 42) for "need:42"; None for anything that is not one of our record ids."""
    kind, _, number = str(value).partition(":")
    if kind not in RECORD_KINDS or not number.isdigit():
        return None
    return kind, int(number)


def _owner(organisation_id: int) -> str:
    return f"org:{organisation_id}"


def entry_record(entry) -> Record:
    text = "\n".join([entry.body, *catalogue.names(entry.ozg_ids)])
    return Record(id=record_id(entry.record_prefix, entry.id), kind=entry.record_prefix, title=entry.title,
                  text=text, topics=tuple(entry.topics), owner=_owner(entry.organisation_id))


def organisation_record(org: Organisation) -> Record:
    # A members-only description must not be findable by visitors, so it is not indexed at all.
    text = org.description if org.description_visibility == "public" else ""
    return Record(id=record_id(ORGANISATION, org.id), kind=ORGANISATION, title=org.name, text=text,
                  topics=tuple(org.topics), owner=_owner(org.id))


def _open_entries(model):
    return db.select(model).filter(model.status == "open")


for _kind, _model in ENTRY_MODELS.items():
    register_record_kind(_kind, _model, entry_record, lambda model=_model: _open_entries(model))


def _described_organisations():
    # A municipality of the official register that nobody has described yet (no text, no topics) has only
    # its name, which the directory and the registration search find; its 12,000 records would only slow
    # every build and answer no match. It is indexed once it says something about itself.
    has_topics = db.select(OrganisationTopic.organisation_id).filter(
        OrganisationTopic.organisation_id == Organisation.id).exists()
    return db.select(Organisation).filter(
        db.or_(Organisation.register_state.is_(None), Organisation.description != "", has_topics))


register_record_kind(ORGANISATION, Organisation, organisation_record, _described_organisations)


def database_records() -> tuple[int, Iterator[Record]]:
    """How many records the database holds, and an iterator over them."""
    kinds = list(RECORD_KINDS.values())
    count = sum(db.session.scalar(db.select(sa.func.count()).select_from(kind.indexed().subquery()))
                for kind in kinds)

    def records() -> Iterator[Record]:
        for kind in kinds:
            for row in db.session.scalars(kind.indexed().order_by(kind.model.id)):
                yield kind.to_record(row)

    return count, records()


def load_records(record_ids: Iterable[str]) -> dict[str, Record]:
    """The current records of these ids, one query per kind; closed or deleted ones are absent."""
    ids_by_kind: dict[str, list[int]] = {}
    for value in record_ids:
        parsed = parse_record_id(value)
        if parsed:
            ids_by_kind.setdefault(parsed[0], []).append(parsed[1])
    records = {}
    for name, ids in ids_by_kind.items():
        kind = RECORD_KINDS[name]
        for row in db.session.scalars(kind.indexed().filter(kind.model.id.in_(ids))):
            records[record_id(name, row.id)] = kind.to_record(row)
    return records


def latest_change_id() -> int:
    return db.session.scalar(db.select(sa.func.max(MatchingChange.id))) or 0


def latest_ids() -> tuple[int, int]:
    """The newest change id and the newest snapshot id, in one cheap indexed query."""
    change_id, snapshot_id = db.session.execute(db.select(
        db.select(sa.func.max(MatchingChange.id)).scalar_subquery(),
        db.select(sa.func.max(MatchingSnapshot.id)).scalar_subquery(),
    )).one()
    return change_id or 0, snapshot_id or 0


# --- the change log, fed by the signals of committed changes -----------------------------------


_TRACKED: dict[type, Callable[[sa.Connection, object], Iterable[str]]] = {}


def track_changes(model: type, changed_ids: Callable[[sa.Connection, object], Iterable[str]]) -> None:
    """Log every insert, update and delete of `model`'s rows in the writing transaction itself, for a
    record kind whose rows change in many places (forum posts: written, edited, hidden, approved by
    moderation): `changed_ids(connection, row)` names the records to re-read. The change rows commit
    (or roll back) with the rows, so no signal can be forgotten by a new code path."""
    _TRACKED[model] = changed_ids


@sa.event.listens_for(Session, "after_flush")
def _log_tracked_changes(session, _context) -> None:
    if not _TRACKED:
        return
    changed: dict[str, None] = {}
    for row in (*session.new, *session.dirty, *session.deleted):
        found = _TRACKED.get(type(row))
        if found is not None and row.id is not None:
            changed.update(dict.fromkeys(found(session.connection(), row)))
    if changed:
        session.connection().execute(sa.insert(MatchingChange), [{"record_id": value, "created_at": utcnow()}
                                                                 for value in changed])
        session.info["matching_changed"] = True


@sa.event.listens_for(Session, "after_rollback")
def _after_tracked_rollback(session) -> None:
    session.info.pop("matching_changed", None)


@sa.event.listens_for(Session, "after_commit")
def _after_tracked_commit(session) -> None:
    if session.info.pop("matching_changed", False):
        try:
            engine = current_app.extensions.get(EXTENSION)
        except RuntimeError:  # outside an application (a script's own session)
            return
        if engine is not None:
            engine.mark_stale()



def log_change(changed_record_id: str) -> None:
    """Append to the change log; never raises, because the change itself is already committed."""
    try:
        db.session.add(MatchingChange(record_id=changed_record_id))
        db.session.commit()
    except Exception:  # the change itself is committed: report, never fail the caller
        db.session.rollback()
        log.exception("matching: could not log the change of %s; run `flask matching rebuild`", changed_record_id)
        return
    engine = current_app.extensions.get(EXTENSION)
    if engine is not None:
        engine.mark_stale()  # so this process sees its own change at once


@entry_changed.connect
def _on_entry_changed(entry, **_extra) -> None:
    log_change(record_id(entry.record_prefix, entry.id))


@entry_deleted.connect
def _on_entry_deleted(kind, entry_id=None, **_extra) -> None:
    log_change(record_id(kind, entry_id))


@organisation_changed.connect
def _on_organisation_changed(org, **_extra) -> None:
    log_change(record_id(ORGANISATION, org.id))


@records_bulk_changed.connect
def _on_records_bulk_changed(writer, **_extra) -> None:
    """Many records at once: a fresh snapshot, which every process loads at its next sync."""
    change_id = latest_change_id()  # before reading, as in _build_from_database
    save_snapshot(database_records()[1], change_id)


# --- snapshots ---------------------------------------------------------------------------------


def index_directory(app: Flask | None = None) -> Path:
    return Path((app or current_app).config["MATCHING_INDEX_DIR"])


def usable_snapshot() -> MatchingSnapshot | None:
    """The newest snapshot whose files exist on this machine."""
    base = index_directory()
    for snapshot in db.session.scalars(db.select(MatchingSnapshot).order_by(MatchingSnapshot.id.desc())):
        if (base / snapshot.directory).is_dir():
            return snapshot
    return None


def save_snapshot(records: Iterable[Record], change_id: int) -> MatchingSnapshot:
    """Build an index of `records` (read after `change_id` was taken), save it and record it."""
    index = MatchIndex.build(records)
    name = f"{utcnow():%Y%m%dT%H%M%S}-{change_id}-{uuid.uuid4().hex[:8]}"
    index.save(index_directory() / name)
    snapshot = MatchingSnapshot(directory=name, change_id=change_id, records=len(index))
    db.session.add(snapshot)
    db.session.commit()
    _prune_snapshots()
    return snapshot


def _prune_snapshots() -> None:
    base = index_directory()
    old = db.session.scalars(
        db.select(MatchingSnapshot).order_by(MatchingSnapshot.id.desc()).offset(KEEP_SNAPSHOTS)
    ).all()
    for snapshot in old:
        shutil.rmtree(base / snapshot.directory, ignore_errors=True)
        db.session.delete(snapshot)
    db.session.commit()


# --- the per-process engine --------------------------------------------------------------------


@dataclass(frozen=True)
class EngineState:
    """What a process's index holds, for readiness and metrics (community/operations)."""

    loaded: bool
    records: int
    applied_change: int


class MatchingEngine:
    """One application's index, kept in step with the change log. Safe for threads and greenlets."""

    def __init__(self, app: Flask):
        self._app = app
        self._lock = threading.RLock()
        self._index: MatchIndex | None = None
        self._seen = 0  # the newest change applied
        self._snapshot_id = 0  # the newest snapshot known when the index was loaded or built
        self._gaps: dict[int, float] = {}  # change id -> monotonic deadline
        self._checked_at = -math.inf
        self._refitting = False

    def mark_stale(self) -> None:
        self._checked_at = -math.inf

    def state(self) -> EngineState:
        """Without loading anything: whether the index is loaded, its size and the newest change applied."""
        with self._lock:
            index = self._index
            return EngineState(index is not None, len(index) if index is not None else 0, self._seen)

    def index(self) -> MatchIndex:
        """The index, loaded and brought up to date with every committed change."""
        with self._lock:
            if self._index is None:
                self._load()
            self._sync()
            index = self._index
        if index.needs_refit:
            self._refit()
        return self._index

    def _load(self) -> None:
        """From the newest snapshot on this machine, else from the database."""
        newest = latest_ids()[1]
        snapshot = usable_snapshot()
        if snapshot is not None:
            try:
                index = MatchIndex.load(index_directory() / snapshot.directory)
            except Exception:  # any unreadable snapshot: the database is the source of truth
                log.exception("matching: snapshot %s is unreadable; building from the database", snapshot.directory)
            else:
                self._install(index, snapshot.change_id, newest)
                return
        self._install(*self._build_from_database(), newest)

    @staticmethod
    def _build_from_database() -> tuple[MatchIndex, int]:
        # The change id is read first: whatever commits while we read is replayed afterwards. A change
        # row is written after its record is committed, so every change up to this id, even one whose
        # row commits later, is already in what we read: no gaps to wait for below it.
        change_id = latest_change_id()
        _count, records = database_records()
        return MatchIndex.build(records), change_id

    def _install(self, index: MatchIndex, change_id: int, snapshot_id: int | None = None) -> None:
        with self._lock:
            self._index, self._seen, self._gaps = index, change_id, {}
            if snapshot_id is not None:
                self._snapshot_id = snapshot_id
            self._checked_at = -math.inf

    def _sync(self) -> None:
        now = time.monotonic()
        if now - self._checked_at < self._app.config["MATCHING_SYNC_SECONDS"]:
            return
        self._checked_at = now
        change_id, snapshot_id = latest_ids()
        if snapshot_id > self._snapshot_id:
            # `flask matching rebuild` ran (after a bulk import, say): start from its snapshot.
            self._load()
            self._checked_at = now
        if change_id <= self._seen and not self._gaps:
            return
        rows = db.session.execute(
            db.select(MatchingChange.id, MatchingChange.record_id).filter(
                sa.or_(MatchingChange.id > self._seen, MatchingChange.id.in_(list(self._gaps)))
            )
        ).all()
        record_ids = {value for _, value in rows}
        current = load_records(record_ids)
        for changed in record_ids:
            if changed in current:
                self._index.upsert(current[changed])
            else:
                self._index.remove(changed)
        self._track_gaps({row_id for row_id, _ in rows}, now)

    def _track_gaps(self, applied: set[int], now: float) -> None:
        """Remember skipped change ids: their records are re-read when their rows appear."""
        newest = max(applied | {self._seen})
        for row_id in applied:
            self._gaps.pop(row_id, None)
        missing = [i for i in range(self._seen + 1, newest) if i not in applied]
        for row_id in missing[:MAX_TRACKED_GAPS]:
            self._gaps[row_id] = now + GAP_PATIENCE_SECONDS
        self._gaps = {row_id: deadline for row_id, deadline in self._gaps.items() if deadline > now}
        self._seen = newest

    def _refit(self) -> None:
        with self._lock:
            if self._refitting:
                return
            self._refitting = True
        if self._app.config["MATCHING_BACKGROUND_REFIT"]:
            threading.Thread(target=self._refit_in_own_context, name="matching-refit", daemon=True).start()
        else:
            self._refit_now()

    def _refit_in_own_context(self) -> None:
        with self._app.app_context():
            self._refit_now()

    def _refit_now(self) -> None:
        try:
            self._install(*self._build_from_database())
        except Exception:  # a failed refit keeps the current index; the next drift check retries
            log.exception("matching: rebuilding the index after vocabulary drift failed")
        finally:
            self._refitting = False

    # Queries, in the app's terms.

    def similar(self, record: Record, k: int, kinds: tuple[str, ...]) -> list[Match]:
        """Records matching an indexed record (never its owner's); by its text when not indexed yet."""
        index = self.index()
        try:
            return index.similar(record.id, k=k, kinds=kinds)
        except KeyError:
            return index.query(f"{record.title}\n{record.text}", topics=record.topics, k=k, kinds=kinds,
                               exclude_owner=record.owner)

    def search(self, text: str, k: int, kinds: tuple[str, ...]) -> tuple[str | None, list[Match]]:
        """Why the text cannot match (None if it can) and the matches of a free-text query."""
        index = self.index()
        problem = index.analyse(text).problem
        if problem in ("empty", "stop_words_only"):
            return problem, []
        return problem, index.query(text, k=k, kinds=kinds)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = MatchingEngine(app)


def engine() -> MatchingEngine:
    return current_app.extensions[EXTENSION]


# --- evaluation of record files ------------------------------------------------------------------


@dataclass(frozen=True)
class FileEvaluation:
    """The matches of each need of a record file and, when it has labels, the ranking metrics."""

    needs: list[Record]
    index: MatchIndex
    records: list[Record]

    def matches(self, need: Record, k: int) -> list[Match]:
        return self.index.similar(need.id, k=k, kinds=(OFFER,))

    def metrics(self) -> dict | None:
        if not any(record.label is not None for record in self.records):
            return None
        result = evaluate(self.index, records=self.records, k=EVAL_K)
        return {"map_at_10": result.map_at_k, "p_at_5": result.precision_at_5,
                "ndcg_at_10": result.ndcg_at_k, "queries": result.queries}


def evaluate_file(path: str | Path) -> FileEvaluation:
    """Read a JSONL record file and index it alone. Raises RecordFormatError naming a bad line."""
    records = read_records(path)
    return FileEvaluation([r for r in records if r.kind == NEED], MatchIndex.build(records), records)
