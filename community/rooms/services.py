"""Rooms and their members: the topic rooms, partner and group rooms, joining, inviting, the room
list with unread counts. Messages are in community/rooms/messages.py.

Every permission goes through community.policy ("room.view", "room.post", "room.invite", ...), so
sanctions added there (bans, mutes) apply to the web pages, the API and the socket alike.
"""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from community import policy
from community.auth.models import User
from community.errors import NotFound, ValidationError
from community.extensions import db
from community.i18n import N_, lazy_plain
from community.notifications import services as notifications
from community.notifications.models import ROOM_INVITE
from community.organisations.models import Organisation
from community.pagination import Page, paginate
from community.rooms.models import GROUP, PARTNER, TOPIC, Message, Room, RoomMember
from community.taxonomy import TOPIC_BY_SLUG, TOPICS
from community.validation import Id, ManyOf, Schema, Text

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
INVITE_EMAILS_MAX = 20
ROOM_SCHEMA = Schema({
    "title": Text(TITLE_MAX, required=True),
    "description": Text(DESCRIPTION_MAX, multiline=True),
    "topics": ManyOf(TOPIC_BY_SLUG, max_items=5),
})


INVITE_SCHEMA = Schema({"emails": Text(4000, multiline=True), "organisation_id": Id()})


@dataclass(frozen=True)
class RoomSummary:
    """A room in the list: whether the user is a member, unread messages and last activity."""

    room: Room
    is_member: bool
    unread: int
    last_activity: datetime | None


def open_partner_room(user, title: str, members) -> Room:
    """A private room for the given users; added to the session, committed by the caller."""
    room = Room(kind=PARTNER, title=title[:TITLE_MAX], created_by_id=user.id)
    room.memberships = [RoomMember(user_id=member.id) for member in {m.id: m for m in members}.values()]
    db.session.add(room)
    return room


def ensure_topic_rooms() -> int:
    """One topic room per taxonomy topic; creates the missing ones and returns how many. Idempotent."""
    existing = set(db.session.scalars(db.select(Room.topic_slug).filter(Room.topic_slug.is_not(None))))
    missing = [topic for topic in TOPICS if topic.slug not in existing]
    if not missing:
        return 0
    db.session.add_all(Room(kind=TOPIC, topic_slug=topic.slug, title=str(topic.label), topics=[topic.slug])
                       for topic in missing)
    try:
        db.session.commit()
    except IntegrityError:  # another process created them at the same moment
        db.session.rollback()
        return 0
    return len(missing)


def get_room(user, room_id) -> Room:
    """A room the user may see; any other looks like a missing one."""
    room = db.session.get(Room, room_id) if isinstance(room_id, int) and not isinstance(room_id, bool) else None
    if room is None or not policy.can(user, "room.view", room):
        raise NotFound(_l("This conversation does not exist."))
    return room


def join(user, room: Room) -> RoomMember:
    """The user's membership; created on the first visit of a topic room."""
    policy.require(user, "room.view", room)
    membership = db.session.get(RoomMember, (room.id, user.id))
    if membership is None:
        membership = RoomMember(room_id=room.id, user_id=user.id)
        db.session.add(membership)
        try:
            db.session.commit()
        except IntegrityError:  # the same user joined from a second tab at the same moment
            db.session.rollback()
            membership = db.session.get(RoomMember, (room.id, user.id))
    return membership


def last_message_id(room: Room) -> int:
    return db.session.scalar(db.select(sa.func.max(Message.id)).filter(Message.room_id == room.id)) or 0


def mark_read(user, room: Room, message_id: int | None = None) -> None:
    """Everything up to `message_id` (default: the newest) counts as read for a member."""
    membership = db.session.get(RoomMember, (room.id, user.id))
    newest = last_message_id(room)
    upto = newest if message_id is None else min(message_id, newest)
    if membership is not None and upto and (membership.last_read_message_id or 0) < upto:
        membership.last_read_message_id = upto
        db.session.commit()


def _visible_rooms(user) -> sa.Select:
    member_rooms = db.select(RoomMember.room_id).filter(RoomMember.user_id == user.id)
    return db.select(Room).filter(sa.or_(Room.kind == TOPIC, Room.id.in_(member_rooms)))


def unread_counts(user, room_ids) -> dict[int, int]:
    """Messages of others after the user's last read one, per room the user is a member of."""
    rows = db.session.execute(
        db.select(Message.room_id, sa.func.count(Message.id))
        .join(RoomMember, sa.and_(RoomMember.room_id == Message.room_id, RoomMember.user_id == user.id))
        .filter(Message.room_id.in_(list(room_ids)), Message.deleted_at.is_(None),
                Message.id > sa.func.coalesce(RoomMember.last_read_message_id, 0),
                sa.or_(Message.author_id.is_(None), Message.author_id != user.id))
        .group_by(Message.room_id)
    ).all()
    return dict(rows)


def _summaries(user, rooms: list[Room]) -> list[RoomSummary]:
    ids = [room.id for room in rooms]
    member_of = set(db.session.scalars(db.select(RoomMember.room_id).filter(
        RoomMember.user_id == user.id, RoomMember.room_id.in_(ids))))
    activity = dict(db.session.execute(db.select(Message.room_id, sa.func.max(Message.created_at))
                                       .filter(Message.room_id.in_(ids)).group_by(Message.room_id)).all())
    unread = unread_counts(user, ids)
    return [RoomSummary(room, room.id in member_of, unread.get(room.id, 0), activity.get(room.id))
            for room in rooms]


def room_list(user) -> list[RoomSummary]:
    """Every room the user may join: their own first (most recently active first), then other topic rooms."""
    ensure_topic_rooms()
    summaries = _summaries(user, list(db.session.scalars(_visible_rooms(user))))
    summaries.sort(key=lambda s: s.room.label)
    summaries.sort(key=lambda s: s.last_activity or datetime.min, reverse=True)
    summaries.sort(key=lambda s: not s.is_member)  # stable: members' rooms first, each group by activity
    return summaries


def room_page(user, page: int, per_page: int) -> tuple[Page, dict[int, int]]:
    """One page of the rooms the user may join (by id), with the unread counts of its rooms."""
    ensure_topic_rooms()
    found = paginate(_visible_rooms(user).order_by(Room.id), page, per_page)
    return found, unread_counts(user, [room.id for room in found.items])


def create_room(user, kind: str, data: dict) -> Room:
    """A topic room (moderators) or a private working-group room of the user's organisation."""
    if kind == TOPIC:
        policy.require(user, "room.create_topic")
    else:
        policy.require(user, "room.create_group")
    values = ROOM_SCHEMA.clean(data)
    room = Room(kind=kind, created_by_id=user.id, **values)
    if kind == GROUP:
        room.organisation_id = user.organisation_id
        room.memberships = [RoomMember(user_id=user.id)]
    db.session.add(room)
    db.session.commit()
    return room


def _invitees(user, values: dict) -> list[User]:
    errors = {}
    people: dict[int, User] = {}
    emails = [part.strip().lower() for part in values["emails"].replace(",", "\n").split() if part.strip()]
    if len(emails) > INVITE_EMAILS_MAX:
        errors["emails"] = lazy_plain("Invite at most %(n)s people at once.", n=INVITE_EMAILS_MAX)
    elif emails:
        # Addresses without an account are passed over in silence: the answer is the same either way,
        # so the form cannot be used to find out who has an account.
        people.update({u.id: u for u in db.session.scalars(db.select(User).filter(
            sa.func.lower(User.email).in_(emails), User.deleted_at.is_(None)))})
    if values["organisation_id"] is not None:
        organisation = db.session.get(Organisation, values["organisation_id"])
        if organisation is None:
            errors["organisation_id"] = _l("This organisation does not exist.")
        else:
            members = {u.id: u for u in db.session.scalars(db.select(User).filter(
                User.organisation_id == organisation.id, User.deleted_at.is_(None)))}
            if not members:  # said before anything is sent: nobody would receive this invitation
                errors["organisation_id"] = lazy_plain("%(name)s has no active member yet: nobody there would receive the "
                                               "invitation.", name=organisation.name)
            people.update(members)
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), fields=errors)
    if not emails and values["organisation_id"] is None:
        raise ValidationError(_l("Please correct the marked fields."),
                              fields={"emails": _l("Name at least one person or organisation.")})
    return list(people.values())


def invite(user, room: Room, data: dict, room_url: str = "") -> list[User]:
    """Add people (by email) or all members of an organisation to a partner or group room; notifies them.

    Addresses without an account are skipped without a word (docs/security.md)."""
    policy.require(user, "room.invite", room)
    added = [person for person in _invitees(user, INVITE_SCHEMA.clean(data)) if not room.has_member(person.id)]
    db.session.add_all(RoomMember(room_id=room.id, user_id=person.id) for person in added)
    db.session.commit()
    notifications.notify([p.id for p in added], ROOM_INVITE, N_("%(name)s added you to the conversation “%(room)s”"),
                         room_url, name=user.display_name, room=room.label)
    return added


def members(room: Room) -> list[User]:
    return list(db.session.scalars(db.select(User).join(RoomMember, RoomMember.user_id == User.id)
                                   .filter(RoomMember.room_id == room.id, User.deleted_at.is_(None))
                                   .order_by(User.name)))
