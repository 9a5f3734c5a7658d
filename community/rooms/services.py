"""Rooms: opening a partner room for an accepted contact, reading and posting messages.

Plain HTTP for now; the real-time feature reuses these functions and adds live delivery.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from community import policy
from community.errors import NotFound
from community.extensions import db
from community.rooms.models import PARTNER, Message, Room, RoomMember
from community.validation import Schema, Text

BODY_MAX = 4000
MESSAGES_SHOWN = 200
MESSAGE_SCHEMA = Schema({"body": Text(BODY_MAX, required=True, multiline=True)})


def open_partner_room(user, title: str, members) -> Room:
    """A private room for the given users; added to the session, committed by the caller."""
    room = Room(kind=PARTNER, title=title[:200], created_by_id=user.id)
    room.memberships = [RoomMember(user_id=member.id) for member in {m.id: m for m in members}.values()]
    db.session.add(room)
    return room


def get_room(user, room_id) -> Room:
    """A room the user belongs to; any other looks like a missing one."""
    room = db.session.get(Room, room_id) if isinstance(room_id, int) else None
    if room is None or not policy.can(user, "room.view", room):
        raise NotFound(_l("This conversation does not exist."))
    return room


def rooms_of(user) -> list[Room]:
    return db.session.scalars(
        db.select(Room).join(RoomMember).filter(RoomMember.user_id == user.id).order_by(Room.created_at.desc())
    ).all()


def recent_messages(user, room: Room) -> list[Message]:
    """The newest messages, oldest first, with their authors."""
    policy.require(user, "room.view", room)
    newest = db.session.scalars(
        db.select(Message).filter(Message.room_id == room.id, Message.deleted_at.is_(None))
        .options(joinedload(Message.author)).order_by(Message.id.desc()).limit(MESSAGES_SHOWN)
    ).all()
    return list(reversed(newest))


def post_message(user, room: Room, data: dict) -> Message:
    policy.require(user, "room.post", room)
    values = MESSAGE_SCHEMA.clean(data)
    message = Message(room_id=room.id, author_id=user.id, body=values["body"])
    db.session.add(message)
    db.session.commit()
    return message
