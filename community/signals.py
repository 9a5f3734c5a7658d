"""Announcements of committed changes, for features that keep derived data (the matching index).

Services send these only after the database commit, so a receiver never sees a change that
was rolled back. Receivers must not raise: the change is already stored.

- entry_changed: sender is the need or offer that was created or updated (including close/reopen).
- entry_deleted: sender is the kind ("need" or "offer"); keyword entry_id names the deleted entry.
- organisation_changed: sender is the organisation whose profile or verification changed.
- records_bulk_changed: sender is a short name of the bulk writer (the importer, the demo seed);
  sent once after a commit that wrote or deleted many records without the per-record signals.
- membership_ended: sender is the user who left an organisation (removed, or the account deleted);
  keyword organisation_id names the organisation, account_deleted says whether the account is gone.
  The rooms end the user's private room memberships (community/rooms/membership.py).
- sessions_ended: sender is the user whose session version (auth_version) was bumped: logout, password
  change or reset, account deletion. The socket layer closes every connection of the user.
- api_token_revoked: sender is the user; keyword token_id names the revoked token. The socket layer
  closes the connections opened with it.
- sign_in_refused: sender is the refusal's code (login_failed, rate_limited, account_blocked,
  account_suspended, provider_refused, provider_error); keyword method says which step refused it
  (password, second_factor, oidc). Sent by community/auth/routes.py for whoever counts them (metrics);
  it carries no address or account, so a receiver cannot log personal data from it.
- email_confirmed: sender is the user whose address was just confirmed (community/auth/confirmation.py);
  the join request waiting for it goes to its deciders (community/joining/hooks.py).
"""
from blinker import Namespace

_signals = Namespace()

entry_changed = _signals.signal("entry-changed")
entry_deleted = _signals.signal("entry-deleted")
organisation_changed = _signals.signal("organisation-changed")
records_bulk_changed = _signals.signal("records-bulk-changed")
membership_ended = _signals.signal("membership-ended")
sessions_ended = _signals.signal("sessions-ended")
api_token_revoked = _signals.signal("api-token-revoked")
sign_in_refused = _signals.signal("sign-in-refused")
email_confirmed = _signals.signal("email-confirmed")
