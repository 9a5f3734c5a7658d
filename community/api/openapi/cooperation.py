"""Cooperation proposals (community/cooperation/api.py). Here, not in the feature folder: parts.py is inside this
package, so a section elsewhere would import the package that imports it."""
from community.api.openapi.parts import ID, json_response, operation, record, ref, request_body, responses, rule_schema


def schemas() -> dict:
    from community.cooperation import services

    fields = services.PROPOSAL_SCHEMA.fields
    return {
        "CooperationPartner": record({
            "organisation_id": ID, "need_id": ID,
            "score": {"type": "number", "minimum": 0, "maximum": 1},
            "terms": {"type": "array", "items": {"type": "string"}, "description": "Shared words that carried the score."},
        }),
        "CooperationNeed": record({
            "need_id": {**ID, "description": "An open need of your municipality."},
            "partners": {"type": "array", "items": ref("CooperationPartner"), "description": (
                "Municipalities of the same Kreis whose open need matches it closely (score at least "
                f"{services.MIN_SCORE}), best first, one need each; needs kept inside their organisation never.")},
        }),
        "CooperationNeeds": record({"items": {"type": "array", "items": ref("CooperationNeed")}}),
        "CooperationProposalCreate": {
            "type": "object", "additionalProperties": False, "required": ["need_id", "partner_need_ids"],
            "properties": {
                "need_id": {**ID, "description": "An open need of your municipality, visible to members at least."},
                "partner_need_ids": {"type": "array", "items": ID, "minItems": 1, "maxItems": services.MAX_PARTNERS,
                                     "description": "Open needs of other municipalities of your Kreis, one per "
                                                    "organisation, not kept inside their organisation."},
                "message": {**rule_schema(fields["message"]), "description": "Added to the generated proposal text."},
                "forward_to_centre": {"type": "boolean", "default": False, "description": (
                    "For partners without active members: the competence centre passes the request on (status "
                    "`forwarded`). Without it such a proposal is 409 `no_recipient` and nothing is sent.")},
            },
        },
        "CooperationProposalCreated": record({
            "proposal_id": ID,
            "items": {"type": "array", "items": ref("ContactRequest"), "description": "One request per partner."},
        }),
    }


def paths(paging: list) -> dict:
    return {"/cooperation-proposals": {
        "get": operation(
            "list_cooperation_proposals", "Neighbours with the same need: for each open need of your municipality, "
            "the municipalities of your Kreis with a closely matching open need", "Cooperation",
            responses({"200": json_response("Your open needs with their partners", ref("CooperationNeeds"))},
                      "401", "403", "409"),
        ),
        "post": operation(
            "create_cooperation_proposal", "Propose a cooperation: one double opt-in contact request to each partner; "
            "the first acceptance opens one shared conversation, later ones join it (rate-limited per organisation)",
            "Cooperation",
            {**responses({"201": json_response("The contact requests sent", ref("CooperationProposalCreated"))},
                         "401", "403", "404", "413"),
             "400": json_response("Bad values (`fields` names each): too many or no partners, a partner need outside "
                                  "your Kreis, not a municipality's, your own, solved or unknown; or your need is solved "
                                  "or kept inside your organisation.", ref("Error")),
             "409": json_response("Your account has no organisation, a request to a partner is pending or accepted "
                                  "already, or (code `no_recipient`) a partner has no active member and "
                                  "`forward_to_centre` was not asked for: nothing was sent.", ref("Error"))},
            requestBody=request_body("CooperationProposalCreate"),
        ),
    }}
