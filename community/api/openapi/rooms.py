"""Rooms (community/api/rooms.py) and notifications (community/api/notifications.py); messages and
notifications also travel over Socket.IO (docs/realtime.md)."""
from community.api.openapi.parts import ID, TIMESTAMP, json_response, operation, page_schema, record, ref, responses
from community.notifications.models import TEXT_MAX
from community.rooms.models import ROOM_KINDS
from community.taxonomy import TOPIC_BY_SLUG


def schemas() -> dict:
    return {**_rooms(), **_notification_schemas()}


def paths(paging: list) -> dict:
    return {**_room_paths(paging), **_notification_paths(paging)}


def _rooms() -> dict:
    return {
        "Room": record({
            "id": ID,
            "kind": {"enum": list(ROOM_KINDS)},
            "title": {"type": "string"},
            "topics": {"type": "array", "items": {"enum": sorted(TOPIC_BY_SLUG)}},
            "unread": {"type": "integer", "minimum": 0,
                       "description": "Messages of others after your last read one; 0 in rooms you never joined."},
        }),
        "RoomPage": page_schema("Room"),
    }


def _room_paths(paging: list) -> dict:
    return {"/rooms": {"get": operation(
        "list_rooms", "The rooms you may join: every topic room, and your partner and group rooms", "Rooms",
        responses({"200": json_response("One page of rooms, by id", ref("RoomPage"))}, "401"),
        parameters=paging,
    )}}


def _notification_schemas() -> dict:
    return {
        "Notification": record({
            "id": ID,
            "kind": {"type": "string", "examples": ["mention", "contact_request", "match", "room_invite",
                                                    "forum_post", "forum_invite", "moderation"]},
            "text": {"type": "string", "maxLength": TEXT_MAX,
                     "description": "Plain text (not HTML) in the token user's language."},
            "url": {"type": "string", "description": "Path of the page concerned; empty when there is none."},
            "created_at": TIMESTAMP,
            "read": {"type": "boolean"},
        }),
        "NotificationPage": page_schema("Notification"),
    }


def _notification_paths(paging: list) -> dict:
    return {"/notifications": {"get": operation(
        "list_notifications", "Your notifications, newest first", "Notifications",
        responses({"200": json_response("One page of notifications", ref("NotificationPage"))}, "401"),
        parameters=paging,
    )}}
