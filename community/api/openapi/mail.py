"""Mail settings per category (community/api/mail.py)."""
from community.api.openapi.parts import json_response, operation, ref, request_body, responses

BAD_VALUES = {"400": json_response("An unknown category or frequency (`fields` names each), or a body that is "
                                   "not a JSON object.", ref("Error"))}


def schemas() -> dict:
    from community.mail.preferences import DEFAULTS, FREQUENCIES
    from community.notifications.kinds import MAIL_CATEGORIES

    frequency = {"enum": list(FREQUENCIES)}
    properties = {category: {**frequency, "default": DEFAULTS[category]} for category in MAIL_CATEGORIES}
    return {
        "NotificationSettings": {"type": "object", "properties": properties, "required": list(MAIL_CATEGORIES),
                                 "additionalProperties": False},
        "NotificationSettingsUpdate": {"type": "object", "properties": properties, "additionalProperties": False,
                                       "description": "Only the categories to change."},
    }


def paths(paging: list) -> dict:
    tag = "Mail"
    current = json_response("Every category with its frequency (defaults included)", ref("NotificationSettings"))
    return {"/notification-settings": {
        "get": operation("get_notification_settings", "How often mail comes, per category", tag,
                         responses({"200": current}, "401")),
        "patch": operation("update_notification_settings",
                           "Change some categories (immediately, daily, weekly, never); the others stay", tag,
                           {**responses({"200": current}, "401", "413"), **BAD_VALUES},
                           requestBody=request_body("NotificationSettingsUpdate")),
    }}
