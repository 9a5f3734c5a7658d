"""Whom an open socket still acts for, without two queries per event (docs/realtime.md, "Connecting").

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
"""
import os
import threading
import uuid
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from community.auth.models import ApiToken, User
from community.extensions import db, socketio

EXTENSION = "socket_auth_cache"
_PENDING = "socket_auth_changes"


class AuthCache:
    def __init__(self):
        self._lock = threading.Lock()
        self.users: dict[int, dict] = {}      # user id -> column values
        self.tokens: dict[int, int] = {}      # valid token id -> its user's id
        self.generation = 0
        self.stamp = None                     # the stamp file's identity when the cache was filled

    def forget(self, user_ids=(), token_ids=(), everything: bool = False) -> None:
        with self._lock:
            self.generation += 1
            if everything:
                self.users.clear()
                self.tokens.clear()
                return
            user_ids = set(user_ids)
            for user_id in user_ids:
                self.users.pop(user_id, None)
            for token_id, owner in list(self.tokens.items()):
                if token_id in token_ids or owner in user_ids:
                    del self.tokens[token_id]

    def keep(self, generation: int, user: dict | None = None, token: tuple[int, int] | None = None) -> None:
        with self._lock:
            if generation != self.generation:  # something changed while we read: read again next time
                return
            if user is not None:
                self.users[user["id"]] = user
            if token is not None:
                self.tokens[token[0]] = token[1]


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


def _columns() -> list[str]:
    return [column.key for column in User.__mapper__.column_attrs]


def _attached(values: dict) -> User:
    """The cached user in this event's database session, without a query: from the identity map if
    it is there, else rebuilt from its column values (relationships load lazily as usual)."""
    present = db.session.identity_map.get(db.session.identity_key(User, values["id"]))
    if present is not None:
        return present
    user = User.__mapper__.class_manager.new_instance()
    for key, value in values.items():
        set_committed_value(user, key, value)
    make_transient_to_detached(user)
    db.session.add(user)
    return user


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
        cache.keep(generation, user={key: getattr(user, key) for key in _columns()})
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


# ---- invalidation: every flush and bulk statement that touches users or tokens ----

def _note(session: Session, user_ids=(), token_ids=(), everything: bool = False) -> None:
    """Forget at once in this process (the change is visible to this session already), and remember
    it for the commit, which tells the other processes."""
    if not has_app_context():
        return
    cache_of(current_app).forget(user_ids, token_ids, everything)
    pending = session.info.setdefault(_PENDING, {"users": set(), "tokens": set(), "everything": False})
    pending["users"].update(user_ids)
    pending["tokens"].update(token_ids)
    pending["everything"] |= everything


@event.listens_for(Session, "after_flush")
def _flushed(session, _context) -> None:
    # In after_flush the session's new/dirty/deleted still show what this flush wrote.
    users = {item.id for item in (*session.dirty, *session.deleted) if isinstance(item, User)}
    tokens = {item.id for item in session.deleted if isinstance(item, ApiToken)}
    if users or tokens:
        _note(session, users, tokens)


@event.listens_for(Session, "do_orm_execute")
def _bulk(state) -> None:
    if (state.is_update or state.is_delete) and {User.__mapper__, ApiToken.__mapper__} & set(state.all_mappers):
        _note(state.session, everything=True)


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending is None or not has_app_context():
        return
    # Once more after the commit (an event may have read the old row in between), then everywhere.
    cache_of(current_app).forget(pending["users"], pending["tokens"], pending["everything"])
    _replace_stamp(current_app)
    if socketio.server is not None:
        socketio.server.manager.auth_changed(sorted(pending["users"]), sorted(pending["tokens"]),
                                             pending["everything"])


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session, _previous) -> None:
    session.info.pop(_PENDING, None)  # nothing changed; what was forgotten is read again
