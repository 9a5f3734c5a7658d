"""Messages of a room: posting (idempotent per client_id), reading after or before an id, editing
and deleting one's own, and the notifications of @mentions.

The socket handlers (community/rooms/events.py), the HTML pages and the API call these; each checks
its permission through community.policy. Writes are committed before anyone is told about them.

Only members of the room can be mentioned (handles: community/rendering.py).
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from community import policy
from community.auth.models import User
from community.errors import NotFound, ValidationError
from community.extensions import db
from community.i18n import N_, lazy_plain
from community.models_base import utcnow
from community.notifications import services as notifications
from community.notifications.models import MENTION
from community.forums import services as forums
from community.rendering import contains_link, handle_of, mentioned_handles
from community.rooms.models import Message, Room, RoomMember
from community.taxonomy import TOPIC_BY_SLUG
from community.validation import Schema, Text

BODY_MAX = 4000
CLIENT_ID_MAX = 64
SYNC_PAGE = 100
CHANGED_PAGE = 500
HISTORY_PAGE = 50
MESSAGES_SHOWN = 200
MESSAGE_SCHEMA = Schema({"body": Text(BODY_MAX, required=True, multiline=True),
                         "client_id": Text(CLIENT_ID_MAX)})
EDIT_SCHEMA = Schema({"body": Text(BODY_MAX, required=True, multiline=True)})


class TooLarge(ValidationError):
    """A message body beyond BODY_MAX characters: refused whole, never cut."""

    code = "too_large"


def message_to_dict(message: Message) -> dict:
    """A message as the socket protocol and the JSON endpoints send it (docs/realtime.md)."""
    author = message.author
    return {
        "id": message.id,
        "room_id": message.room_id,
        "body": message.body if message.deleted_at is None else "",
        "body_html": str(message.body_html),
        "author": {"id": author.id, "name": author.display_name} if author is not None else None,
        "created_at": message.created_at.isoformat() + "Z",
        "edited_at": message.edited_at.isoformat() + "Z" if message.edited_at else None,
        "deleted": message.deleted_at is not None,
        "client_id": message.client_id,
    }


def _clean(schema: Schema, data) -> dict:
    body = data.get("body") if isinstance(data, dict) else None
    if isinstance(body, str) and len(body.strip()) > BODY_MAX:
        raise TooLarge(_l("Please correct the marked fields."),
                       fields={"body": lazy_plain("Must be at most %(n)s characters long.", n=BODY_MAX)})
    return schema.clean(data)


def _existing(user, client_id: str) -> Message | None:
    return db.session.scalar(db.select(Message).filter(Message.author_id == user.id, Message.client_id == client_id))


def post_message(user, room: Room, data: dict) -> tuple[Message, bool]:
    """Store a message; (message, created). The same client_id again returns the stored message."""
    message, created, _sent = _store(user, room, data)
    return message, created


def post_message_dict(user, room: Room, data: dict) -> tuple[dict, bool]:
    """post_message for the socket: the stored message as message_to_dict gives it, taken between the
    flush and the commit, so that the commit's expiry costs no reloads of the message, its room and its
    author before the broadcast."""
    message, created, sent = _store(user, room, data)
    return (sent if created else message_to_dict(message)), created


def _store(user, room: Room, data: dict) -> tuple[Message, bool, dict | None]:
    policy.require(user, "room.post", room)
    values = _clean(MESSAGE_SCHEMA, data)
    _check_links(user, values["body"])
    client_id = values["client_id"] or None
    message = Message(room_id=room.id, author_id=user.id, body=values["body"], client_id=client_id)
    message.author = user
    db.session.add(message)
    try:
        db.session.flush()
        sent = message_to_dict(message)
        db.session.commit()
    except IntegrityError:  # a retry: (author, client_id) is unique, so the first send's message stands
        db.session.rollback()
        existing = _existing(user, client_id) if client_id else None
        if existing is None:
            raise
        return _same_room(existing, room), False, None
    return message, True, sent


def _check_links(user, body: str) -> None:
    """New accounts post no links, here as in the forums; checked only when there is a link."""
    if contains_link(body) and not policy.is_global_moderator(user):
        forums.refuse_links_of_new_accounts(user, body)


def _same_room(message: Message, room: Room) -> Message:
    if message.room_id != room.id:
        raise ValidationError(_l("Please correct the marked fields."),
                              fields={"client_id": _l("This client_id was used for another message.")})
    return message


def _select(room: Room):
    return db.select(Message).filter(Message.room_id == room.id).options(joinedload(Message.author))


def messages_after(user, room: Room, after_id: int, limit: int | None = None) -> tuple[list[Message], bool]:
    """Messages (deleted ones too, marked) after `after_id`, oldest first, and whether more follow."""
    policy.require(user, "room.view", room)
    limit = limit or SYNC_PAGE
    found = db.session.scalars(_select(room).filter(Message.id > after_id).order_by(Message.id).limit(limit + 1)).all()
    return list(found[:limit]), len(found) > limit


def changed_messages(user, room: Room, upto_id: int, since: datetime, limit: int | None = None) -> list[Message]:
    """Messages up to `upto_id` edited or deleted after `since`, oldest first: what a client that was
    offline since then has not seen change."""
    policy.require(user, "room.view", room)
    changed = db.or_(Message.edited_at > since, Message.deleted_at > since)
    return list(db.session.scalars(_select(room).filter(Message.id <= upto_id, changed)
                                   .order_by(Message.id).limit(limit or CHANGED_PAGE)))


def messages_before(user, room: Room, before_id: int | None,
                    limit: int | None = None) -> tuple[list[Message], bool]:
    """The visible messages before `before_id` (or the newest), oldest first, and whether older ones exist."""
    policy.require(user, "room.view", room)
    limit = limit or HISTORY_PAGE
    select = _select(room).filter(Message.deleted_at.is_(None))
    if before_id is not None:
        select = select.filter(Message.id < before_id)
    found = db.session.scalars(select.order_by(Message.id.desc()).limit(limit + 1)).all()
    return list(reversed(found[:limit])), len(found) > limit


def recent_messages(user, room: Room) -> list[Message]:
    """The newest messages, oldest first, for the page without JavaScript."""
    return messages_before(user, room, None, MESSAGES_SHOWN)[0]


def get_message(user, message_id) -> Message:
    message = db.session.get(Message, message_id) if isinstance(message_id, int) and not isinstance(
        message_id, bool) else None
    if message is None or message.deleted_at is not None or not policy.can(user, "room.view", message.room):
        raise NotFound(_l("This message does not exist."))
    return message


def edit_message(user, message: Message, data: dict) -> Message:
    policy.require(user, "message.edit", message)
    body = _clean(EDIT_SCHEMA, data)["body"]
    if not contains_link(message.body):
        _check_links(user, body)
    message.body = body
    message.edited_at = utcnow()
    db.session.commit()
    return message


def delete_message(user, message: Message) -> Message:
    policy.require(user, "message.delete", message)
    message.deleted_at = utcnow()
    db.session.commit()
    return message


def may_mention(body: str) -> bool:
    """Whether a message names any @handle: only then are the room's members looked up."""
    return bool(mentioned_handles(body))


def notify_mentions(author, message: Message, url: str) -> list[int]:
    """Notify the room members the message @mentions (never the author); returns their ids."""
    handles = set(mentioned_handles(message.body))
    if not handles:
        return []
    members = db.session.scalars(db.select(User).join(RoomMember, RoomMember.user_id == User.id).filter(
        RoomMember.room_id == message.room_id, User.deleted_at.is_(None), User.id != author.id))
    mentioned = [member.id for member in members if handle_of(member) in handles]
    room = message.room
    topic = TOPIC_BY_SLUG.get(room.topic_slug or "")  # a topic room is named by its topic, in each reader's language
    notifications.notify(mentioned, MENTION, N_("%(name)s mentioned you in “%(room)s”"), url, name=author.display_name,
                         room=notifications.Translatable(topic.label.msgid) if topic else room.title)
    return mentioned
