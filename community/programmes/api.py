"""API views of funding programmes: list (filtered; ranked for a need), read, create and change (consultants)."""
from flask import g, request, url_for

from community.api import bp
from community.api.auth import json_body, request_page, token_required
from community.errors import InvalidInput
from community.programmes import services


@bp.route("/programmes")
@token_required
def list_programmes():
    filters = services.clean_filters(request.args)
    page, per_page = request_page()
    result, ranked = services.list_programmes(g.api_user, filters, page, per_page)
    return result.to_dict(lambda programme: services.programme_to_dict(programme, ranked.get(programme.id)))


@bp.route("/programmes/<int:programme_id>")
@token_required
def get_programme(programme_id: int):
    return services.programme_to_dict(services.get_programme(programme_id))


@bp.route("/programmes", methods=["POST"])
@token_required
def create_programme():
    programme = services.create_programme(g.api_user, json_body(InvalidInput))
    return (services.programme_to_dict(programme), 201,
            {"Location": url_for("api.get_programme", programme_id=programme.id)})


@bp.route("/programmes/<int:programme_id>", methods=["PATCH"])
@token_required
def update_programme(programme_id: int):
    programme = services.get_programme(programme_id)
    return services.programme_to_dict(services.update_programme(g.api_user, programme, json_body(InvalidInput)))
