"""Bringing the official register into the database, and a newer edition into an existing installation.

The official key (ARS) is the identity: an entry whose key is present updates that organisation (a new
name is a renaming, new figures a new census); a key that is new is created, unless a key that vanished
belongs to an organisation of the same name, type and Land (a Kreis reform renumbers without anything
else changing): then that organisation takes the new key. A key that vanished otherwise (a municipality
merged into another) is never deleted: the organisation is marked dissolved and keeps its members, needs,
offers and history, so nothing of a member's data is lost. Organisations registered by people with the
same official key (or AGS) become the register's entry instead of getting a twin.
"""
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from community.extensions import db
from community.models_base import utcnow
from community.organisations.models import REGISTER_CURRENT, REGISTER_DISSOLVED, Organisation
from community.organisations.register import Entry, Register
from community.signals import records_bulk_changed
from community.taxonomy import MUNICIPALITY

BATCH_SIZE = 2_000  # rows per INSERT: few round trips, bounded statement size
# Columns the register owns; everything else (description, contacts, topics, verification) is the members'.
REGISTER_COLUMNS = ("name", "org_type", "land", "ags", "population", "population_class", "postcode")


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old name, new name)
    rekeyed: list[tuple[str, str, str]] = field(default_factory=list)  # (name, old key, new key)
    dissolved: list[str] = field(default_factory=list)  # names, kept with everything attached
    adopted: list[str] = field(default_factory=list)  # registered by people, now the register's entry


def _values(entry: Entry) -> dict:
    return {"name": entry.name, "org_type": entry.org_type, "land": entry.land, "ags": entry.ags,
            "population": entry.population, "population_class": entry.population_class,
            "postcode": entry.postcode}


def _identity(name: str, org_type: str, land: str | None) -> tuple:
    return name.casefold(), org_type, land


def _update(org: Organisation, entry: Entry, register: Register, report: Report) -> None:
    values = _values(entry)
    changed = {name: value for name, value in values.items() if getattr(org, name) != value}
    if org.register_state != REGISTER_CURRENT or org.register_date != register.reference_date:
        changed.update(register_state=REGISTER_CURRENT, register_date=register.reference_date)
    if org.official_key != entry.official_key:
        changed["official_key"] = entry.official_key
    if not changed:
        report.unchanged += 1
        return
    if "name" in changed:
        report.renamed.append((org.name, entry.name))
    for name, value in changed.items():
        setattr(org, name, value)
    report.updated += 1


def import_register(register: Register, is_demo: bool = False, keep: Iterable[str] | None = None,
                    announce: bool = True) -> Report:
    """Create or update the register's organisations in one transaction; see the module's docstring.

    `keep` limits a first import to these official keys (the demo's small slice for tests); keys
    outside it are neither created nor dissolved. `announce=False` leaves telling the matching engine
    to the caller (a benchmark that fills a database first).
    """
    entries = {entry.official_key: entry for entry in register.entries}
    if keep is not None:
        wanted = set(keep)
        entries = {key: entry for key, entry in entries.items() if key in wanted}
    report = Report()
    known = db.session.scalars(db.select(Organisation).filter(
        Organisation.kind == MUNICIPALITY,
        sa.or_(Organisation.register_state.is_not(None), Organisation.official_key.is_not(None)))).all()
    by_key = {org.official_key: org for org in known if org.official_key}
    by_ags = {org.ags: org for org in known if org.ags and org.register_state is None}
    with db.session.no_autoflush:
        new = {}
        for key, entry in entries.items():
            org = by_key.get(key) or (by_key.get(entry.ags) or by_ags.get(entry.ags) if entry.ags else None)
            if org is None:
                new[key] = entry
                continue
            if org.register_state is None:
                report.adopted.append(org.name)
            _update(org, entry, register, report)
        vanished = [org for key, org in by_key.items() if key not in entries
                    and org.register_state == REGISTER_CURRENT]
        if keep is not None:
            vanished = []
        _rekey(vanished, new, register, report)
    db.session.flush()
    now = utcnow()
    rows = [{**_values(entry), "kind": MUNICIPALITY, "official_key": key, "register_state": REGISTER_CURRENT,
             "register_date": register.reference_date, "verified": True, "verified_at": now, "is_demo": is_demo,
             "description": "", "description_visibility": "public", "website": "", "contact_email": "",
             "contact_visibility": "members", "distinct_reason": "", "created_at": now, "updated_at": now}
            for key, entry in sorted(new.items())]
    for start in range(0, len(rows), BATCH_SIZE):
        db.session.execute(sa.insert(Organisation), rows[start:start + BATCH_SIZE])
    report.created = len(rows)
    db.session.commit()
    if announce:
        records_bulk_changed.send("register")
    return report


def _rekey(vanished: list[Organisation], new: dict[str, Entry], register: Register, report: Report) -> None:
    """Vanished keys whose organisation reappears under a new key take it; the rest are dissolved."""
    appearing = defaultdict(list)
    for key, entry in new.items():
        appearing[_identity(entry.name, entry.org_type, entry.land)].append(key)
    leaving = defaultdict(list)
    for org in vanished:
        leaving[_identity(org.name, org.org_type, org.land)].append(org)
    for org in vanished:
        identity = _identity(org.name, org.org_type, org.land)
        if len(leaving[identity]) == 1 and len(appearing.get(identity, ())) == 1:
            key = appearing[identity][0]
            report.rekeyed.append((org.name, org.official_key, key))
            _update(org, new.pop(key), register, report)
            report.updated -= 1  # counted as re-keyed, not as an update
        else:
            org.register_state = REGISTER_DISSOLVED
            report.dissolved.append(org.name)
