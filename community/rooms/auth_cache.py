"""Whom an open socket still acts for, and what it may do in a room, without a query per event
(docs/realtime.md, "Connecting" and "Load").

Every socket event checks that the session or API token the socket was opened with is still valid: a
logout, password change or reset, account deletion or a revoked token ends it at once. Each process
keeps the column values of the users its sockets act for and the ids of the tokens found valid, and
forgets them the moment a change is flushed to a User row or an ApiToken is deleted, whatever code
made it: SQLAlchemy's flush and bulk-statement events, not the signals, which a direct change (a
script, another service) would not send. After the commit the change also travels to every other
process through the Socket.IO message queue (community/sockets.py `auth_changed`), ahead of the
`sessions_ended` closing of their sockets, and to the processes of this machine without a queue (a
`flask` command, the job consumer, a second server on the same database) through a stamp file in the
instance folder, replaced on every such commit and looked at (one stat) on every event. A value read
from the database while a change arrives is not kept (the cache's generation moved on), so a stale
user is never cached.

The same cache, emptied the same way, answers the permission checks of a socket event in a room
without the database: the room's row, the user's sanctions in force (kept until the earliest of their
ends, then read again), the room's slow mode, and the private rooms the user is known to be a member
of (only memberships found, so a new one needs no announcement). A flushed change to a sanction, a
slow mode, a room, a deleted membership, organisation or user, or any bulk statement on those tables,
forgets them: a removal or a suspension bites on the very next event. Only socket events use these
(`socket_event()`), after `socket_user` has looked at the stamp file; pages and the API still read.
"""
import os
import threading
import uuid
from datetime import datetime
from pathlib import Path

from flask import current_app, g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from community.auth.models import ApiToken, User
from community.extensions import db, socketio
from community.models_base import utcnow
from community.moderation.models import WARN, RoomSlowMode, Sanction
from community.organisations.models import Organisation
from community.rooms import models as room_models
from community.rooms.models import Room, RoomMember

EXTENSION = "socket_auth_cache"
_PENDING = "socket_auth_changes"
IN_EVENT = "socket_event_cached"
_ROOM_SIDE = (Room, RoomMember, RoomSlowMode, Organisation)
_NOTHING = object()


class AuthCache:
    def __init__(self):
        self._lock = threading.Lock()
        self.users: dict[int, dict] = {}      # user id -> column values
        self.tokens: dict[int, int] = {}      # valid token id -> its user's id
        self.sanctions: dict[int, tuple[frozenset, datetime | None]] = {}  # user id -> kinds, valid until
        self.rooms: dict[int, dict] = {}      # room id -> column values
        self.slow: dict[int, int | None] = {}  # room id -> slow mode seconds (None: off)
        self.members: set[tuple[int, int]] = set()  # (room id, user id) memberships found
        self.generation = 0
        self.stamp = None                     # the stamp file's identity when the cache was filled

    def forget(self, user_ids=(), token_ids=(), everything: bool = False, rooms: bool = False) -> None:
        with self._lock:
            self.generation += 1
            if everything or rooms:
                self.rooms.clear()
                self.slow.clear()
                self.members.clear()
            if everything:
                self.users.clear()
                self.tokens.clear()
                self.sanctions.clear()
                return
            user_ids = set(user_ids)
            for user_id in user_ids:
                self.users.pop(user_id, None)
                self.sanctions.pop(user_id, None)
            for token_id, owner in list(self.tokens.items()):
                if token_id in token_ids or owner in user_ids:
                    del self.tokens[token_id]

    def keep(self, generation: int, user: dict | None = None, token: tuple[int, int] | None = None,
             sanctions: tuple | None = None, room: dict | None = None, slow: tuple | None = None,
             member: tuple[int, int] | None = None) -> None:
        with self._lock:
            if generation != self.generation:  # something changed while we read: read again next time
                return
            if user is not None:
                self.users[user["id"]] = user
            if token is not None:
                self.tokens[token[0]] = token[1]
            if sanctions is not None:
                self.sanctions[sanctions[0]] = sanctions[1:]
            if room is not None:
                self.rooms[room["id"]] = room
            if slow is not None:
                self.slow[slow[0]] = slow[1]
            if member is not None:
                self.members.add(member)


def cache_of(app) -> AuthCache:
    return app.extensions.setdefault(EXTENSION, AuthCache())


def _stamp_path(app) -> Path:
    return Path(app.instance_path) / "socket-auth.stamp"


def _stamp(app):
    try:
        found = os.stat(_stamp_path(app))
    except FileNotFoundError:
        return None
    return found.st_ino, found.st_mtime_ns


def _replace_stamp(app) -> None:
    """A new file (a new inode) under the stamp's name: every process's next event sees the change."""
    path = _stamp_path(app)
    draft = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    draft.write_text("users or tokens changed\n")
    os.replace(draft, path)


def _columns(model=User) -> list[str]:
    return [column.key for column in model.__mapper__.column_attrs]


def _values(row) -> dict:
    return {key: getattr(row, key) for key in _columns(type(row))}


def _attached(values: dict, model=User):
    """The cached row in this event's database session, without a query: from the identity map if
    it is there, else rebuilt from its column values (relationships load lazily as usual)."""
    present = db.session.identity_map.get(db.session.identity_key(model, values["id"]))
    if present is not None:
        return present
    row = model.__mapper__.class_manager.new_instance()
    for key, value in values.items():
        # A list or dict column (a room's topics) is the cache's: the row gets its own copy.
        set_committed_value(row, key, value.copy() if isinstance(value, (list, dict)) else value)
    make_transient_to_detached(row)
    db.session.add(row)
    return row


def socket_user(user_id: int, auth_version: int | None, token_id: int | None) -> User | None:
    """The user a socket acts for, or None once its session (auth version) or token is no longer
    valid or the account is gone."""
    cache = cache_of(current_app)
    stamp = _stamp(current_app)
    if stamp != cache.stamp:  # another process of this machine changed users or tokens
        cache.forget(everything=True)
        cache.stamp = stamp
    generation = cache.generation
    values = cache.users.get(user_id)
    if values is None:
        user = db.session.get(User, user_id)
        if user is None:
            return None
        cache.keep(generation, user=_values(user))
    else:
        user = _attached(values)
    if not user.is_active or user.auth_version != auth_version:
        return None
    if token_id is not None and token_id not in cache.tokens:
        owner = db.session.scalar(db.select(ApiToken.user_id).filter_by(id=token_id))
        if owner != user.id:
            return None
        cache.keep(generation, token=(token_id, owner))
    return user


# ---- the permission checks of a socket event ----

def socket_event(active: bool = True) -> None:
    """Mark the app context as inside a socket event (after `socket_user`), or no longer."""
    if active:
        g.setdefault(IN_EVENT, True)
    else:
        g.pop(IN_EVENT, None)


def in_socket_event() -> bool:
    return has_app_context() and g.get(IN_EVENT, False)


def sanction_kinds(user_id: int) -> frozenset:
    """The kinds of sanction in force for the user (warnings never restrict), as
    community.moderation.state reads them, kept until the earliest of them ends."""
    cache = cache_of(current_app)
    generation = cache.generation
    found = cache.sanctions.get(user_id)
    now = utcnow()
    if found is not None and (found[1] is None or now < found[1]):
        return found[0]
    rows = db.session.execute(db.select(Sanction.kind, Sanction.ends_at).filter(
        Sanction.user_id == user_id, Sanction.kind != WARN,
        db.or_(Sanction.ends_at.is_(None), Sanction.ends_at > now))).all()
    kinds = frozenset(kind for kind, _ends in rows)
    cache.keep(generation, sanctions=(user_id, kinds, min((ends for _k, ends in rows if ends), default=None)))
    return kinds


def cached_room(room_id: int) -> Room | None:
    """The room, from the cache in a socket event."""
    if not in_socket_event():
        return db.session.get(Room, room_id)
    cache = cache_of(current_app)
    generation = cache.generation
    values = cache.rooms.get(room_id)
    if values is not None:
        return _attached(values, Room)
    found = db.session.get(Room, room_id)
    if found is not None:
        cache.keep(generation, room=_values(found))
    return found


def slow_mode_seconds(room_id: int) -> int | None:
    cache = cache_of(current_app)
    generation = cache.generation
    seconds = cache.slow.get(room_id, _NOTHING)
    if seconds is _NOTHING:
        setting = db.session.get(RoomSlowMode, room_id)
        seconds = setting.seconds if setting is not None else None
        cache.keep(generation, slow=(room_id, seconds))
    return seconds


def is_member(room_id: int, user_id: int) -> bool:
    """Whether the user is a member of the room; a membership found is kept, none is read again."""
    if not in_socket_event():
        return db.session.get(RoomMember, (room_id, user_id)) is not None
    cache = cache_of(current_app)
    if (room_id, user_id) in cache.members:
        return True
    generation = cache.generation
    if db.session.get(RoomMember, (room_id, user_id)) is None:
        return False
    cache.keep(generation, member=(room_id, user_id))
    return True


# ---- invalidation: every flush and bulk statement that touches users, tokens, sanctions, rooms ----

def _note(session: Session, user_ids=(), token_ids=(), everything: bool = False, rooms: bool = False) -> None:
    """Forget at once in this process (the change is visible to this session already), and remember
    it for the commit, which tells the other processes."""
    if not has_app_context():
        return
    cache_of(current_app).forget(user_ids, token_ids, everything, rooms)
    pending = session.info.setdefault(_PENDING, {"users": set(), "tokens": set(), "everything": False,
                                                 "rooms": False})
    pending["users"].update(user_ids)
    pending["tokens"].update(token_ids)
    pending["everything"] |= everything
    pending["rooms"] |= rooms


@event.listens_for(Session, "after_flush")
def _flushed(session, _context) -> None:
    # In after_flush the session's new/dirty/deleted still show what this flush wrote.
    changed, deleted = (*session.dirty, *session.deleted), session.deleted
    users = {item.id for item in changed if isinstance(item, User)}
    users |= {item.user_id for item in (*session.new, *changed) if isinstance(item, Sanction)}
    tokens = {item.id for item in deleted if isinstance(item, ApiToken)}
    # A membership's read marker changes often and says nothing about the membership: only its end.
    rooms = any(isinstance(item, (Room, RoomSlowMode)) for item in changed) \
        or any(isinstance(item, RoomSlowMode) for item in session.new) \
        or any(isinstance(item, (RoomMember, Organisation, User)) for item in deleted)
    if users or tokens or rooms:
        _note(session, users, tokens, rooms=rooms)


_BULK_WATCHED = {model.__mapper__ for model in (User, ApiToken, Sanction, *_ROOM_SIDE)}


@event.listens_for(Session, "do_orm_execute")
def _bulk(state) -> None:
    if (state.is_update or state.is_delete) and _BULK_WATCHED & set(state.all_mappers):
        _note(state.session, everything=True)


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending is None or not has_app_context():
        return
    # Once more after the commit (an event may have read the old row in between), then everywhere.
    cache_of(current_app).forget(pending["users"], pending["tokens"], pending["everything"], pending["rooms"])
    _replace_stamp(current_app)
    if socketio.server is not None:
        socketio.server.manager.auth_changed(sorted(pending["users"]), sorted(pending["tokens"]),
                                             pending["everything"], pending["rooms"])


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session, _previous) -> None:
    session.info.pop(_PENDING, None)  # nothing changed; what was forgotten is read again


room_models.membership_lookup = is_member
