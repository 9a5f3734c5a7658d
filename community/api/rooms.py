"""API views for rooms: the rooms the token user may join, with unread counts.

Messages are exchanged over Socket.IO with the same token (docs/realtime.md).
"""
from flask import g

from community.api import bp
from community.api.auth import request_page, token_required
from community.rooms import services


@bp.route("/rooms")
@token_required
def list_rooms():
    user = g.api_user
    page, unread = services.room_page(user, *request_page())
    return page.to_dict(lambda room: {"id": room.id, "kind": room.kind, "title": room.label,
                                      "topics": list(room.topics or []), "unread": unread.get(room.id, 0)})
