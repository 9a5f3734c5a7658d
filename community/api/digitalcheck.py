"""API views of the Digitalkompass für Kommunen (path still /digital-check): the questionnaire, the
organisation's assessments, adopting needs."""
from flask import g, request, url_for
from flask_babel import lazy_gettext as _l

from community.api import bp
from community.api.auth import json_body, request_page, token_required
from community.digitalcheck import services
from community.errors import InvalidInput

BODY_KEYS = {"answers", "priorities", "targets", "submit", "share_with_centre", "show_to_peers"}


def _body(data: dict) -> dict:
    """Refuse unknown keys and flags that are not booleans, naming each."""
    fields = {}
    for key in data:
        if key not in BODY_KEYS:
            fields[str(key)[:50]] = _l("Unknown field.")
    for flag in ("submit", "share_with_centre", "show_to_peers"):
        if flag in data and not isinstance(data[flag], bool):
            fields[flag] = _l("Must be true or false.")
    if fields:
        raise InvalidInput(_l("The answers are not valid."), fields)
    return {"answers": data.get("answers"), "priorities": data.get("priorities"), "targets": data.get("targets"),
            "submit": data.get("submit", False),
            "share_with_centre": data.get("share_with_centre"), "show_to_peers": data.get("show_to_peers")}


@bp.route("/digital-check/questionnaire")
@token_required
def digital_check_questionnaire():
    return services.questionnaire_to_dict(request.args.get("org_type"))


@bp.route("/digital-check/assessments", methods=["POST"])
@token_required
def create_assessment():
    body = _body(json_body(InvalidInput))
    assessment = services.create(g.api_user, **body)
    return (services.assessment_to_dict(assessment), 201,
            {"Location": url_for("api.get_assessment", assessment_id=assessment.id)})


@bp.route("/digital-check/assessments")
@token_required
def list_assessments():
    organisation = services.own_municipality(g.api_user)
    page, per_page = request_page()
    return services.list_assessments(organisation.id, page, per_page).to_dict(services.assessment_to_dict)


@bp.route("/digital-check/assessments/<int:assessment_id>")
@token_required
def get_assessment(assessment_id: int):
    return services.assessment_to_dict(services.get_assessment_for(g.api_user, assessment_id))


@bp.route("/digital-check/assessments/<int:assessment_id>", methods=["PATCH"])
@token_required
def update_assessment(assessment_id: int):
    assessment = services.get_assessment_for(g.api_user, assessment_id)
    body = _body(json_body(InvalidInput))
    return services.assessment_to_dict(services.save(g.api_user, assessment, **body))


@bp.route("/digital-check/assessments/<int:assessment_id>/adopt", methods=["POST"])
@token_required
def adopt_assessment_needs(assessment_id: int):
    assessment = services.get_assessment_for(g.api_user, assessment_id)
    data = json_body(InvalidInput)
    unknown = {str(key)[:50]: _l("Unknown field.") for key in data if key not in {"needs", "edits"}}
    if unknown:
        raise InvalidInput(_l("Some needs cannot be adopted."), unknown)
    edits = data.get("edits")
    if edits is not None and not isinstance(edits, dict):
        raise InvalidInput(_l("Some needs cannot be adopted."), {"edits": _l("Must be an object.")})
    needs = services.adopt(g.api_user, assessment, data.get("needs"), edits)
    return {"need_ids": [need.id for need in needs]}, 201
