"""Telling organisations about a new need or offer that matches one of their open entries.

Receives community.signals.entry_changed (sent after the commit). The matching engine is asked for
the records most similar to the changed entry; every other organisation owning a match scoring at
least MATCH_NOTIFY_THRESHOLD (setting or environment, default 0.35) is notified once per pair of
organisation and new record (MatchNotice), however often the record is edited afterwards.
"""
import logging
import os

from flask import current_app, url_for
from sqlalchemy.exc import IntegrityError

from community.extensions import db
from community.i18n import N_
from community.notifications import services
from community.notifications.models import MATCH, MatchNotice
from community.profiles.visibility import seen_by_organisation
from community.signals import entry_changed
from community.suggestions import engine as matching

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.35
CANDIDATES = 20
# What a new entry of each kind is compared with: a need with others' offers and needs, an offer with needs.
COMPARED_KINDS = {matching.NEED: (matching.OFFER, matching.NEED), matching.OFFER: (matching.NEED,)}


def threshold() -> float:
    value = current_app.config.get("MATCH_NOTIFY_THRESHOLD", os.environ.get("MATCH_NOTIFY_THRESHOLD"))
    return float(value) if value not in (None, "") else DEFAULT_THRESHOLD


def _owner_organisation_id(owner: str) -> int | None:
    _, _, number = owner.partition(":")
    return int(number) if number.isdigit() else None


def matching_organisations(entry) -> dict[int, float]:
    """Other organisations owning an open entry that matches `entry` above the threshold: id -> best score."""
    kinds = COMPARED_KINDS[entry.record_prefix]
    matches = [m for m in matching.engine().similar(matching.entry_record(entry), CANDIDATES, kinds)
               if m.score >= threshold()]
    records = matching.load_records(m.id for m in matches)
    best: dict[int, float] = {}
    for match in matches:
        record = records.get(match.id)
        org_id = _owner_organisation_id(record.owner) if record else None
        if org_id is not None and org_id != entry.organisation_id:
            best[org_id] = max(best.get(org_id, 0.0), match.score)
    return best


def _first_notice(organisation_id: int, record_id: str) -> bool:
    """Record that this organisation hears of this record; False when it already has."""
    db.session.add(MatchNotice(organisation_id=organisation_id, record_id=record_id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def notify_matches(entry) -> int:
    """Notify the members of every newly matching organisation; returns how many were notified."""
    if entry.status != "open":
        return 0
    record_id = matching.record_id(entry.record_prefix, entry.id)
    url = url_for("profiles.show_entry", plural=entry.record_prefix + "s", entry_id=entry.id)
    notified = 0
    for org_id in matching_organisations(entry):
        # An entry kept inside its organisation is never announced to another one.
        if seen_by_organisation(entry, org_id) and _first_notice(org_id, record_id):
            notified += len(services.notify(
                services.organisation_member_ids(org_id), MATCH,
                N_("New match for your organisation: “%(title)s” by %(organisation)s"), url,
                title=entry.title, organisation=entry.organisation.name))
    return notified


@entry_changed.connect
def _on_entry_changed(entry, **_extra) -> None:
    try:
        notify_matches(entry)
    except Exception:  # the entry is committed: a failed notice must not fail its author's request
        db.session.rollback()
        log.exception("notifications: could not announce matches of %s %s", entry.record_prefix, entry.id)
