"""API views for trainings and events: organise, list, read, change, cancel, register, withdraw."""
from flask import g, request, url_for

from community.api import bp
from community.api.auth import json_body, request_page, token_required
from community.errors import InvalidInput
from community.events import services


@bp.route("/events", methods=["POST"])
@token_required
def create_event():
    event = services.create_event(g.api_user, json_body(InvalidInput))
    return (services.event_to_dict(event, g.api_user), 201,
            {"Location": url_for("api.get_event", event_id=event.id)})


@bp.route("/events")
@token_required
def list_events():
    filters = services.clean_filters(request.args)
    page, per_page = request_page()
    return services.list_events(g.api_user, filters, page, per_page).to_dict(
        lambda event: services.event_to_dict(event, g.api_user))


@bp.route("/events/<int:event_id>")
@token_required
def get_event(event_id: int):
    return services.event_to_dict(services.get_event(event_id), g.api_user)


@bp.route("/events/<int:event_id>", methods=["PATCH"])
@token_required
def update_event(event_id: int):
    event = services.update_event(g.api_user, services.get_event(event_id), json_body(InvalidInput))
    return services.event_to_dict(event, g.api_user)


@bp.route("/events/<int:event_id>/cancellation", methods=["POST"])
@token_required
def cancel_event(event_id: int):
    event = services.cancel_event(g.api_user, services.get_event(event_id))
    return services.event_to_dict(event, g.api_user)


@bp.route("/events/<int:event_id>/registrations", methods=["POST"])
@token_required
def register_for_event(event_id: int):
    registration = services.register(g.api_user, event_id)
    return services.registration_to_dict(registration), 201


@bp.route("/events/<int:event_id>/registrations/mine", methods=["DELETE"])
@token_required
def withdraw_from_event(event_id: int):
    services.cancel_registration(g.api_user, event_id)
    return "", 204


@bp.route("/events/<int:event_id>/registrations")
@token_required
def list_event_registrations(event_id: int):
    event = services.get_event(event_id)
    people = services.participants(g.api_user, event)
    return {"items": [services.participant_to_dict(r) for r in people], "total": len(people)}
