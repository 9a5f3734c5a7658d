"""API views for good examples: write, list (ranked for a need), read, edit, review, re-use."""
from flask import g, request, url_for

from community.api import bp
from community.api.auth import json_body, request_page, token_required
from community.errors import InvalidInput, ValidationError
from community.examples import services
from community.suggestions.ratelimit import contact_rate_limit


def _body() -> dict:
    try:
        return json_body()
    except ValidationError as error:  # a body that is not an object: 400 like every bad input here
        raise InvalidInput(error.message, fields=error.fields) from None


@bp.route("/examples", methods=["POST"])
@token_required
def create_example():
    example = services.create_example(g.api_user, _body())
    return (services.example_to_dict(example, g.api_user), 201,
            {"Location": url_for("api.get_example", example_id=example.id)})


@bp.route("/examples")
@token_required
def list_examples():
    filters = services.clean_filters(request.args)
    page, per_page = request_page()
    return services.list_examples(g.api_user, filters, page, per_page).to_dict(
        lambda listed: services.example_to_dict(listed.version.example, g.api_user, listed))


@bp.route("/examples/<int:example_id>")
@token_required
def get_example(example_id: int):
    return services.example_to_dict(services.get_example(g.api_user, example_id), g.api_user)


@bp.route("/examples/<int:example_id>", methods=["PATCH"])
@token_required
def update_example(example_id: int):
    example = services.get_example(g.api_user, example_id)
    return services.example_to_dict(services.update_example(g.api_user, example, _body()), g.api_user)


@bp.route("/examples/<int:example_id>/review", methods=["POST"])
@token_required
def review_example(example_id: int):
    example = services.get_for_review(g.api_user, example_id)
    return services.example_to_dict(services.review(g.api_user, example, _body()), g.api_user)


@bp.route("/examples/<int:example_id>/interest", methods=["POST"])
@token_required
@contact_rate_limit
def example_interest(example_id: int):
    from community.api.suggestions import contact_request_to_dict
    from community.suggestions import contacts

    example = services.get_example(g.api_user, example_id)
    contact = services.express_interest(g.api_user, example, _body())
    contact = contacts.get_contact_request(g.api_user, contact.id)
    return (contact_request_to_dict(contact, g.api_user), 201,
            {"Location": url_for("api.get_contact_request", request_id=contact.id)})
