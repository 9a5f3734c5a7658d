"""API views for the organisation directory, one organisation, the caller's own profile and this API's document."""
from flask import g, request

from community.api import bp
from community.api.auth import json_body, own_organisation, request_page, token_required
from community.api.openapi import build_document
from community.api.serializers import organisation_detail, organisation_to_dict
from community.organisations.services import (
    clean_directory_filters,
    directory,
    get_organisation,
    update_organisation,
)


@bp.route("/openapi.json")
def openapi_document():
    return build_document()


@bp.route("/organisations")
@token_required
def list_organisations():
    filters = clean_directory_filters(request.args)
    page, per_page = request_page()
    return directory(filters, page, per_page).to_dict(lambda org: organisation_to_dict(org, g.api_user))


@bp.route("/organisations/<int:org_id>")
@token_required
def get_organisation_detail(org_id: int):
    return organisation_detail(get_organisation(org_id), g.api_user)


@bp.route("/profile")
@token_required
def get_profile():
    return organisation_detail(own_organisation(g.api_user), g.api_user)


@bp.route("/profile", methods=["PATCH"])
@token_required
def update_profile():
    user = g.api_user
    org = update_organisation(user, own_organisation(user), json_body(), partial=True)
    return organisation_detail(org, user)
