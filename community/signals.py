"""Announcements of committed changes, for features that keep derived data (the matching index).

Services send these only after the database commit, so a receiver never sees a change that
was rolled back. Receivers must not raise: the change is already stored.

- entry_changed: sender is the need or offer that was created or updated (including close/reopen).
- entry_deleted: sender is the kind ("need" or "offer"); keyword entry_id names the deleted entry.
- organisation_changed: sender is the organisation whose profile or verification changed.
- records_bulk_changed: sender is a short name of the bulk writer (the importer, the demo seed);
  sent once after a commit that wrote or deleted many records without the per-record signals.
"""
from blinker import Namespace

_signals = Namespace()

entry_changed = _signals.signal("entry-changed")
entry_deleted = _signals.signal("entry-deleted")
organisation_changed = _signals.signal("organisation-changed")
records_bulk_changed = _signals.signal("records-bulk-changed")
