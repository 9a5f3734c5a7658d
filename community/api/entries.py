"""API views for needs and offers: list the caller's organisation's, create, read, update, delete.

Both kinds share one set of views; the routes are registered once per kind
(/needs, /needs/<id>, /offers, /offers/<id>) with endpoints named after the kind.
"""
from flask import g, request, url_for

from community.api import bp
from community.api.auth import json_body, own_organisation, request_page, token_required
from community.profiles.services import (
    MODELS,
    SCHEMAS,
    create_entry,
    delete_entry,
    entry_to_dict,
    get_entry,
    list_entries,
    update_entry,
)
from community.validation import OneOf, Schema

# The ?status= filter of the lists accepts exactly the statuses an entry of that kind can have.
STATUS_FILTERS = {kind: Schema({"status": OneOf(SCHEMAS[kind].fields["status"].choices)}) for kind in MODELS}


def _register(kind: str) -> None:
    plural = f"{kind}s"

    @token_required
    def list_view():
        user = g.api_user
        status = STATUS_FILTERS[kind].clean({"status": request.args.get("status")})["status"]
        page, per_page = request_page()
        entries = list_entries(own_organisation(user), kind, user, status=status, page=page, per_page=per_page)
        return entries.to_dict(entry_to_dict)

    @token_required
    def create_view():
        user = g.api_user
        entry = create_entry(user, own_organisation(user), kind, json_body())
        return entry_to_dict(entry), 201, {"Location": url_for(f"api.get_{kind}", entry_id=entry.id)}

    @token_required
    def get_view(entry_id: int):
        return entry_to_dict(get_entry(kind, entry_id, g.api_user))

    @token_required
    def update_view(entry_id: int):
        user = g.api_user
        entry = get_entry(kind, entry_id, user)
        return entry_to_dict(update_entry(user, entry, json_body(), partial=True))

    @token_required
    def delete_view(entry_id: int):
        user = g.api_user
        delete_entry(user, get_entry(kind, entry_id, user))
        return "", 204

    bp.add_url_rule(f"/{plural}", f"list_{plural}", list_view, methods=["GET"])
    bp.add_url_rule(f"/{plural}", f"create_{kind}", create_view, methods=["POST"])
    bp.add_url_rule(f"/{plural}/<int:entry_id>", f"get_{kind}", get_view, methods=["GET"])
    bp.add_url_rule(f"/{plural}/<int:entry_id>", f"update_{kind}", update_view, methods=["PATCH"])
    bp.add_url_rule(f"/{plural}/<int:entry_id>", f"delete_{kind}", delete_view, methods=["DELETE"])


for _kind in MODELS:
    _register(_kind)
