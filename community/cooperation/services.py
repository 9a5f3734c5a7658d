"""Cooperation proposals between municipalities of one Kreis with the same open need.

- Neighbours: for an open need of a municipality, the open needs of other municipalities of the same Kreis
  (the first five digits of the AGS or the ARS: a Gemeinde, its Amt or Verbandsgemeinde and the Kreis itself
  share them) among the engine's best matches (community/suggestions/engine.py), scoring at least MIN_SCORE,
  the best need per organisation. Never a need its organisation keeps to itself (visibility `organisation`),
  whoever asks; never a company's.
- A proposal is one contact request per partner (community/suggestions/contacts.py: its checks, the
  double opt-in, `no_recipient` and `forward_to_centre`), all checked before the first is sent.
- The room: the proposal is the proposer's acceptance, so the first partner's acceptance is the second one and
  opens the shared room (proposer + partner); every later acceptance adds its organisation's members to it.
- Potentials: per Kreis, the matching pairs of open needs between verified municipalities, for the Lagebild.
"""
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager

from community import policy
from community.cooperation.models import CooperationInvitation, CooperationProposal
from community.errors import Conflict, InvalidInput, NotFound, PermissionDenied, ValidationError
from community.extensions import db
from community.i18n import lazy_plain
from community.notifications.services import has_active_members
from community.organisations.models import Organisation
from community.profiles import visibility
from community.profiles.models import Need
from community.rooms.models import RoomMember
from community.rooms.services import TITLE_MAX, open_partner_room
from community.suggestions import contacts
from community.suggestions import engine as matching
from community.suggestions.models import ACCEPTED, PENDING, ContactRequest
from community.taxonomy import MUNICIPALITY
from community.validation import Flag, Id, IdList, Schema, Text

MIN_SCORE = 0.25
"""How closely two needs must match to count as the same need (the suggestions show from 0.1)."""
CANDIDATES = 200
"""Matches asked of the engine per need, countrywide, before the Kreis filter."""
POTENTIAL_CANDIDATES = 50
"""The same for the potentials per Kreis, one query per open need of the country: each match costs its
explanation, and 200 made the Lagebild wait 20 s on the demo (1,500 open needs)."""
SHOWN = 10
MAX_PARTNERS = 10
"""Partners of one proposal: the list is refused above this before anything is looked up."""
KREIS_DIGITS = 5
POTENTIALS_CACHE_KEY = "cooperation_potentials"
POTENTIALS_CACHE_SECONDS = 600
KEPT_INSIDE = visibility.ORGANISATION
log = logging.getLogger(__name__)

PROPOSAL_SCHEMA = Schema({
    "need_id": Id(required=True),
    "partner_need_ids": IdList(MAX_PARTNERS),
    "message": Text(contacts.MESSAGE_MAX, multiline=True),
    "forward_to_centre": Flag(),
})


def kreis_of(org) -> str | None:
    """The Kreis key of a municipality (AGS or ARS, first five digits); None for any other body."""
    if org is None or org.kind != MUNICIPALITY:
        return None
    key = org.ags or org.official_key or ""
    return key[:KREIS_DIGITS] if len(key) >= KREIS_DIGITS and key.isdigit() else None


def kreis_column():
    return sa.func.substr(sa.func.coalesce(Organisation.ags, Organisation.official_key), 1, KREIS_DIGITS)


@dataclass(frozen=True)
class Partner:
    need: Need
    score: float
    terms: tuple[str, ...]

    @property
    def organisation(self) -> Organisation:
        return self.need.organisation

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def _shared_needs(viewer):
    """Open needs of municipalities that their organisations do not keep to themselves, visible to the viewer."""
    return (db.select(Need).join(Need.organisation).options(contains_eager(Need.organisation))
            .filter(Need.status == "open", Need.visibility != KEPT_INSIDE, Organisation.kind == MUNICIPALITY,
                    visibility.condition(Need, viewer)))


def _matches(need: Need) -> dict[int, object]:
    found = {}
    for match in matching.engine().similar(matching.entry_record(need), k=CANDIDATES, kinds=(matching.NEED,)):
        parsed = matching.parse_record_id(match.id)
        if parsed and match.score >= MIN_SCORE:
            found[parsed[1]] = match
    return found


def neighbours(viewer, need: Need, limit: int = SHOWN) -> list[Partner]:
    """Municipalities of the need's Kreis with an open need matching it closely, best first, one need each."""
    kreis = kreis_of(need.organisation)
    if kreis is None or not need.is_open:
        return []
    matches = _matches(need)
    if not matches:
        return []
    rows = db.session.scalars(_shared_needs(viewer).filter(
        Need.id.in_(list(matches)), Need.organisation_id != need.organisation_id, kreis_column() == kreis)).unique()
    best: dict[int, Partner] = {}
    for row in rows:
        match = matches[row.id]
        if row.organisation_id not in best or match.score > best[row.organisation_id].score:
            best[row.organisation_id] = Partner(row, match.score, tuple(match.terms))
    return sorted(best.values(), key=lambda p: (-p.score, p.need.id))[:limit]


def need_neighbours(viewer, need: Need) -> list[Partner] | None:
    """The need page's section: None when the viewer may not propose on this need."""
    if not policy.can(viewer, "cooperation.propose", need):
        return None
    return neighbours(viewer, need)


def _own_organisation(user) -> Organisation:
    if user.organisation is None:
        raise Conflict(_l("Your account does not belong to an organisation."))
    if user.organisation.kind != MUNICIPALITY:
        raise PermissionDenied(_l("Cooperation proposals are made between municipalities."))
    return user.organisation


def proposals_for(user) -> list[tuple[Need, list[Partner]]]:
    """Each open need of the user's municipality with its neighbours (the API's list)."""
    organisation = _own_organisation(user)
    needs = db.session.scalars(db.select(Need).filter_by(organisation_id=organisation.id, status="open")
                               .order_by(Need.id)).all()
    return [(need, neighbours(user, need)) for need in needs]


def _invalid(fields: dict):
    return InvalidInput(_l("Please correct the marked fields."), fields=fields)


def _clean(data) -> dict:
    try:
        values = PROPOSAL_SCHEMA.clean(data)
    except InvalidInput:
        raise
    except ValidationError as error:  # the newer APIs answer 400 for every refused field
        raise InvalidInput(error.message, fields=error.fields) from None
    if not values["partner_need_ids"]:
        raise _invalid({"partner_need_ids": _l("Choose at least one neighbour.")})
    return values


def _own_need(user, need_id: int) -> Need:
    need = db.session.get(Need, need_id)
    if need is None or not policy.can(user, "entry.view", need):
        raise NotFound(_l("This need does not exist."))
    policy.require(user, "cooperation.propose", need)
    if not need.is_open:
        raise _invalid({"need_id": _l("This need is solved; reopen it to propose a cooperation.")})
    if need.visibility == KEPT_INSIDE:
        raise _invalid({"need_id": _l("This need is visible only inside your organisation; let members see it "
                                      "before you propose a cooperation on it.")})
    if kreis_of(need.organisation) is None:
        raise _invalid({"need_id": _l("Your municipality has no official key, so its Kreis is unknown.")})
    return need


def _partner_needs(user, need: Need, ids: list[int]) -> list[Need]:
    """The partners' needs, each checked; one message naming every refused id."""
    kreis = kreis_of(need.organisation)
    found = {row.id: row for row in db.session.scalars(
        db.select(Need).join(Need.organisation).options(contains_eager(Need.organisation))
        .filter(Need.id.in_(ids))).unique()}
    problems, seen_orgs = [], set()
    for need_id in ids:
        partner = found.get(need_id)
        if partner is None or partner.visibility == KEPT_INSIDE or not visibility.can_see(user, partner):
            problems.append(lazy_plain("Need %(id)s does not exist.", id=need_id))
        elif partner.organisation_id == need.organisation_id:
            problems.append(lazy_plain("Need %(id)s is your own organisation's.", id=need_id))
        elif partner.organisation.kind != MUNICIPALITY:
            problems.append(lazy_plain("Need %(id)s is not a municipality's: cooperation proposals are made "
                                       "between municipalities.", id=need_id))
        elif kreis_of(partner.organisation) != kreis:
            problems.append(lazy_plain("Need %(id)s is of a municipality outside your Kreis.", id=need_id))
        elif not partner.is_open:
            problems.append(lazy_plain("Need %(id)s is solved.", id=need_id))
        elif partner.organisation_id in seen_orgs:
            problems.append(lazy_plain("Need %(id)s: choose one need per organisation.", id=need_id))
        if partner is not None:
            seen_orgs.add(partner.organisation_id)
    if problems:
        raise _invalid({"partner_need_ids": " ".join(str(p) for p in problems)})
    return [found[need_id] for need_id in ids]


def _check_receivable(organisation: Organisation, partners: list[Need], forward: bool) -> None:
    """Every request could be sent: checked for all before the first is, so a proposal goes out whole."""
    for partner in partners:
        other = partner.organisation_id
        busy = db.session.scalar(db.select(ContactRequest.id).filter(
            sa.or_(sa.and_(ContactRequest.from_org_id == organisation.id, ContactRequest.to_org_id == other),
                   sa.and_(ContactRequest.from_org_id == other, ContactRequest.to_org_id == organisation.id)),
            ContactRequest.status.in_((PENDING, ACCEPTED))).limit(1))
        if busy is not None:
            raise Conflict(lazy_plain("A contact request between your organisation and %(organisation)s is pending "
                                      "or accepted already; leave it out of the proposal.",
                                      organisation=partner.organisation.name))
        if not forward and not has_active_members(other):
            raise contacts.NoRecipient(lazy_plain(
                "%(organisation)s has no active member yet, so nobody would receive your proposal. Leave it out, or "
                "ask the competence centre to pass it on (forward_to_centre).", organisation=partner.organisation.name))


def _message(need: Need, partners: list[Need], text: str) -> str:
    names = ", ".join(partner.organisation.name for partner in partners)
    head = _("Cooperation proposal on the need “%(title)s” of %(organisation)s, sent to: %(names)s.",
             title=need.title, organisation=need.organisation.name, names=names)
    return f"{head}\n\n{text}".strip()[:contacts.MESSAGE_MAX] if text else head[:contacts.MESSAGE_MAX]


def propose(user, data) -> tuple[CooperationProposal, list[ContactRequest]]:
    """One contact request per partner need, tied to one proposal; the list is bounded before any work."""
    values = _clean(data)
    need = _own_need(user, values["need_id"])
    partners = _partner_needs(user, need, values["partner_need_ids"])
    _check_receivable(need.organisation, partners, values["forward_to_centre"])
    message = _message(need, partners, values["message"])
    proposal = CooperationProposal(organisation_id=need.organisation_id, need_id=need.id)
    db.session.add(proposal)
    db.session.commit()
    sent = []
    for partner in partners:
        request = contacts.create_contact_request(user, {
            "to_organisation_id": partner.organisation_id, "message": message, "need_id": partner.id,
            "forward_to_centre": values["forward_to_centre"]})
        db.session.add(CooperationInvitation(proposal_id=proposal.id, contact_request_id=request.id))
        db.session.commit()
        sent.append(request)
    return proposal, sent


def room_for_acceptance(user, request: ContactRequest, members):
    """contacts.ROOM_CHOOSERS: the proposal's shared room, opened by its first acceptance; None for other
    requests. The proposal row is locked, so two partners accepting at once open one room."""
    invitation = db.session.get(CooperationInvitation, request.id)
    if invitation is None:
        return None
    proposal = db.session.scalar(db.select(CooperationProposal).filter_by(id=invitation.proposal_id)
                                 .with_for_update().execution_options(populate_existing=True))
    room = proposal.room
    if room is None:
        title = _("Cooperation: %(title)s", title=proposal.need.title) if proposal.need else \
            _("Cooperation of %(organisation)s", organisation=proposal.organisation.name)
        room = open_partner_room(user, title[:TITLE_MAX], members)
        db.session.flush()
        proposal.room_id = room.id
        return room
    present = set(db.session.scalars(db.select(RoomMember.user_id).filter(RoomMember.room_id == room.id)))
    db.session.add_all(RoomMember(room_id=room.id, user_id=member.id) for member in {m.id: m for m in members}.values()
                       if member.id not in present)
    return room


def proposal_of(request: ContactRequest) -> CooperationProposal | None:
    invitation = db.session.get(CooperationInvitation, request.id)
    return invitation.proposal if invitation else None


# --- potentials per Kreis, for the Lagebild ---------------------------------------------------------------


@dataclass(frozen=True)
class KreisPotential:
    kreis: str
    name: str
    land: str | None
    organisations: int
    pairs: int
    terms: tuple[str, ...]


def compute_potentials() -> list[KreisPotential]:
    """Kreise where verified municipalities have open needs that match each other closely: how many
    municipalities, how many pairs of needs, the words they share most. Needs kept inside their
    organisation are left out, so a consultant learns of none through this."""
    kreis = kreis_column().label("kreis")
    rows = db.session.execute(
        db.select(Need.id, Need.organisation_id, kreis).join(Need.organisation)
        .filter(Need.status == "open", Need.visibility != KEPT_INSIDE, Organisation.kind == MUNICIPALITY,
                Organisation.verified.is_(True), sa.func.length(kreis) == KREIS_DIGITS)).all()
    orgs_per_kreis: dict[str, set[int]] = {}
    for _need_id, org_id, key in rows:
        orgs_per_kreis.setdefault(key, set()).add(org_id)
    where = {need_id: (key, org_id) for need_id, org_id, key in rows if len(orgs_per_kreis[key]) > 1}
    if not where:
        return []
    index = matching.engine().index()
    pairs: dict[str, set[tuple[int, int]]] = {}
    involved: dict[str, set[int]] = {}
    words: dict[str, Counter] = {}
    for need_id, (key, org_id) in where.items():
        try:
            found = index.similar(matching.record_id(matching.NEED, need_id), k=POTENTIAL_CANDIDATES,
                                  kinds=(matching.NEED,))
        except KeyError:  # not indexed yet
            continue
        for match in found:
            parsed = matching.parse_record_id(match.id)
            other = where.get(parsed[1]) if parsed and match.score >= MIN_SCORE else None
            if other is None or other[0] != key or other[1] == org_id:
                continue
            pair = (min(need_id, parsed[1]), max(need_id, parsed[1]))
            if pair not in pairs.setdefault(key, set()):
                pairs[key].add(pair)
                involved.setdefault(key, set()).update((org_id, other[1]))
                words.setdefault(key, Counter()).update(match.terms[:3])
    names = dict(db.session.execute(db.select(Organisation.ags, Organisation.name).filter(
        Organisation.ags.in_(list(pairs)))).all())
    result = [KreisPotential(key, names.get(key, key), key[:2], len(involved[key]), len(found_pairs),
                             tuple(word for word, _count in words[key].most_common(3)))
              for key, found_pairs in pairs.items()]
    return sorted(result, key=lambda p: (-p.pairs, -p.organisations, p.kreis))


def potentials(user) -> list[KreisPotential] | None:
    """compute_potentials, kept per app for POTENTIALS_CACHE_SECONDS. It takes one engine query per open need
    (9 s for the demo's 1,500), so outside tests it runs in a thread of its own and the page shows the last
    result, or None (being computed) the first time, instead of making the consultant wait."""
    policy.require(user, "cooperation.potentials")
    app = current_app._get_current_object()
    cache = app.extensions.setdefault(POTENTIALS_CACHE_KEY, {"lock": threading.Lock()})
    if cache.get("until", 0) > time.monotonic():
        return cache["value"]
    if not app.config.get("COOPERATION_POTENTIALS_BACKGROUND", not app.testing):
        _store(cache, app, compute_potentials())
        return cache["value"]
    if cache["lock"].acquire(blocking=False):
        threading.Thread(target=_compute_in_own_context, args=(app, cache), name="cooperation-potentials",
                         daemon=True).start()
    return cache.get("value")


def _store(cache: dict, app, value) -> None:
    ttl = app.config.get("COOPERATION_POTENTIALS_CACHE_SECONDS", POTENTIALS_CACHE_SECONDS)
    cache["value"], cache["until"] = value, time.monotonic() + ttl


def _compute_in_own_context(app, cache: dict) -> None:
    try:
        with app.app_context():
            _store(cache, app, compute_potentials())
    except Exception:  # the next page view tries again; the last result stays shown
        log.exception("cooperation: computing the potentials per Kreis failed")
    finally:
        cache["lock"].release()
