"""API view for the token user's notifications, newest first, in the user's language."""
from flask import g

from community.api import bp
from community.api.auth import request_page, token_required
from community.notifications import services


@bp.route("/notifications")
@token_required
def list_notifications():
    return services.list_notifications(g.api_user, *request_page()).to_dict(services.notification_to_dict)
