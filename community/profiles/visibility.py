"""Who may see a need or offer: the one visibility filter every read path goes through.

- public: everyone, also logged-out visitors;
- members: everyone signed in;
- organisation: the organisation's own members and, where the organisation shares with the competence
  centre, the centre's consultants. Nobody else learns that such an entry exists.

`condition(model, viewer)` is the SQL filter for lists and counts, `can_see(viewer, entry)` the same
answer for one loaded entry (the rule `entry.view` asks it; so do search, suggestions, live matches,
contacts and notifications). Anything with `visibility` and `organisation_id` attributes can be asked
about, so cached plain results (a room's live matches) are filtered per viewer too.

Whether an organisation shares with the centre is decided by the features that know it (the
Digital-Check's "share with the competence centre"); they register a provider with
`register_centre_sharing`, so this module imports none of them.
"""
from collections.abc import Callable
from typing import NamedTuple

import sqlalchemy as sa

from community.extensions import db
from community.policy import _signed_in, is_consultant
from community.taxonomy import ENTRY_VISIBILITY_BY_SLUG

PUBLIC, MEMBERS, ORGANISATION = "public", "members", "organisation"
assert set(ENTRY_VISIBILITY_BY_SLUG) == {PUBLIC, MEMBERS, ORGANISATION}

# Each gives a SELECT of the ids of organisations that share with the competence centre.
_centre_sharing: list[Callable[[], sa.Select]] = []


class Described(NamedTuple):
    """An entry known only by its organisation and visibility: a grouped count, a cached result."""

    organisation_id: int
    visibility: str


def register_centre_sharing(sharing_organisations: Callable[[], sa.Select]) -> None:
    if sharing_organisations not in _centre_sharing:
        _centre_sharing.append(sharing_organisations)


def _sharing_ids():
    """A SELECT of the organisation ids sharing with the centre, or None when nothing provides one."""
    selects = [provide() for provide in _centre_sharing]
    if not selects:
        return None
    return selects[0] if len(selects) == 1 else sa.union(*selects)


def shares_with_centre(organisation_id) -> bool:
    sharing = _sharing_ids()
    if sharing is None or organisation_id is None:
        return False
    found = sharing.subquery()
    return bool(db.session.scalar(sa.select(sa.exists().where(found.c[0] == organisation_id))))


def condition(model, viewer):
    """The SQL condition for the entries of `model` (Need, Offer) the viewer may see."""
    if not _signed_in(viewer):
        return model.visibility == PUBLIC
    allowed = [model.visibility.in_((PUBLIC, MEMBERS))]
    if viewer.organisation_id is not None:
        allowed.append(model.organisation_id == viewer.organisation_id)
    sharing = _sharing_ids() if is_consultant(viewer) else None
    if sharing is not None:
        allowed.append(sa.and_(model.visibility == ORGANISATION, model.organisation_id.in_(sharing)))
    return sa.or_(*allowed)


def can_see(viewer, entry) -> bool:
    """Whether the viewer may see this entry (anything with visibility and organisation_id)."""
    if entry.visibility == PUBLIC:
        return True
    if not _signed_in(viewer):
        return False
    if entry.visibility == MEMBERS:
        return True
    if viewer.organisation_id is not None and viewer.organisation_id == entry.organisation_id:
        return True
    return is_consultant(viewer) and shares_with_centre(entry.organisation_id)


def seen_by_organisation(entry, organisation_id) -> bool:
    """Whether the members of an organisation (as such, not as consultants) may see the entry: what a
    notification to all of them may mention."""
    return entry.visibility != ORGANISATION or entry.organisation_id == organisation_id
