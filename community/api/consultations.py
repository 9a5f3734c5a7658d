"""API views for first consultations: request, list, read, move through the workflow, converse, rate."""
from flask import g, request, url_for

from community.api import bp
from community.api.auth import json_body, request_page, token_required
from community.consultations import results, services
from community.errors import InvalidInput


@bp.route("/consultations", methods=["POST"])
@token_required
def create_consultation():
    case = services.create_request(g.api_user, json_body(InvalidInput))
    return (services.case_to_dict(case, g.api_user), 201,
            {"Location": url_for("api.get_consultation", case_id=case.id)})


@bp.route("/consultations")
@token_required
def list_consultations():
    filters = services.clean_filters(request.args)
    page, per_page = request_page()
    return services.list_cases(g.api_user, filters, page, per_page).to_dict(
        lambda case: services.case_to_dict(case, g.api_user, detail=False))


@bp.route("/consultations/<int:case_id>")
@token_required
def get_consultation(case_id: int):
    return services.case_to_dict(services.get_case(g.api_user, case_id), g.api_user)


@bp.route("/consultations/<int:case_id>/transitions", methods=["POST"])
@token_required
def move_consultation(case_id: int):
    case = services.get_case(g.api_user, case_id)
    return services.case_to_dict(services.transition(g.api_user, case, json_body(InvalidInput)), g.api_user)


@bp.route("/consultations/<int:case_id>/messages", methods=["POST"])
@token_required
def post_consultation_message(case_id: int):
    case = services.get_case(g.api_user, case_id)
    return services.message_to_dict(services.post_message(g.api_user, case, json_body(InvalidInput))), 201


@bp.route("/consultations/<int:case_id>/rating", methods=["POST"])
@token_required
def rate_consultation(case_id: int):
    case = services.get_case(g.api_user, case_id)
    return services.case_to_dict(services.rate(g.api_user, case, json_body(InvalidInput)), g.api_user)


@bp.route("/consultations/<int:case_id>/measures/<int:measure_id>", methods=["PATCH"])
@token_required
def update_consultation_measure(case_id: int, measure_id: int):
    case = services.get_case(g.api_user, case_id)
    measure = results.update_measure(g.api_user, case, measure_id, json_body(InvalidInput))
    return results.measure_to_dict(measure, g.api_user)


@bp.route("/consultations/<int:case_id>/assignment", methods=["POST"])
@token_required
def assign_consultation(case_id: int):
    case = services.get_case(g.api_user, case_id)
    return services.case_to_dict(results.assign(g.api_user, case, json_body(InvalidInput)), g.api_user)
