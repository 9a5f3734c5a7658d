"""API views for the token user's mail settings: {category: frequency}."""
from flask import g

from community.api import bp
from community.api.auth import json_body, token_required
from community.errors import InvalidInput
from community.mail import preferences


@bp.route("/notification-settings")
@token_required
def get_notification_settings():
    return preferences.preferences_of(g.api_user.id)


@bp.route("/notification-settings", methods=["PATCH"])
@token_required
def update_notification_settings():
    # json_body refuses deep nesting and broken Unicode before anything walks the body (400, not 500).
    return preferences.update_preferences(g.api_user, json_body(InvalidInput))  # 400 unless {category: frequency}
