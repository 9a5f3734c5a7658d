"""API views for the token user's mail settings: {category: frequency}."""
from flask import g, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

from community.api import bp
from community.api.auth import token_required
from community.errors import InvalidInput
from community.mail import preferences


@bp.route("/notification-settings")
@token_required
def get_notification_settings():
    return preferences.preferences_of(g.api_user.id)


@bp.route("/notification-settings", methods=["PATCH"])
@token_required
def update_notification_settings():
    if not request.is_json:
        raise InvalidInput(_l("Send the body as JSON with the header Content-Type: application/json."))
    try:
        data = request.get_json()
    except BadRequest:
        raise InvalidInput(_l("The request body is not valid JSON.")) from None
    return preferences.update_preferences(g.api_user, data)  # 400 for anything but {category: frequency}
