"""API views of cooperation proposals: the neighbours of the caller's open needs, and a proposal to several."""
from flask import g

from community.api import bp
from community.api.auth import json_body, token_required
from community.api.suggestions import contact_request_to_dict
from community.cooperation import services
from community.errors import InvalidInput
from community.suggestions import contacts
from community.suggestions.ratelimit import contact_rate_limit


def partner_to_dict(partner: services.Partner) -> dict:
    return {"organisation_id": partner.organisation.id, "need_id": partner.need.id,
            "score": round(partner.score, 4), "terms": list(partner.terms)}


@bp.route("/cooperation-proposals")
@token_required
def list_cooperation_proposals():
    found = services.proposals_for(g.api_user)
    return {"items": [{"need_id": need.id, "partners": [partner_to_dict(p) for p in partners]}
                      for need, partners in found]}


@bp.route("/cooperation-proposals", methods=["POST"])
@token_required
@contact_rate_limit
def create_cooperation_proposal():
    user = g.api_user
    proposal, sent = services.propose(user, json_body(InvalidInput))
    return {"proposal_id": proposal.id,
            "items": [contact_request_to_dict(contacts.get_contact_request(user, item.id), user) for item in sent]}, 201
