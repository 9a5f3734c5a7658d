"""What the rest of the application needs to know about moderation, read from its tables: the
sanctions in force, the forum or room a target belongs to, moderator assignments and slow mode.

`community.policy` asks through its `ModerationState` interface, which this module provides when the
moderation feature is imported; logins, the API and sockets ask `blocking_sanction`. It imports no
other moderation module, so accounts and the live layer can build on it without a cycle.
"""
from datetime import timedelta

from flask import g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from community import policy
from community.extensions import db
from community.models_base import utcnow
from community.moderation.models import MESSAGE, POST, WARN, ModeratorAssignment, RoomSlowMode, Sanction

SANCTIONS_CACHE = "policy_sanction_kinds"
SLOW_MODE_CACHE = "policy_slow_mode_seconds"  # room id -> seconds or None, given by the caller (sockets)


def blocking_sanction(user) -> Sanction | None:
    """The suspension or ban in force for a user, for logins, pages and sockets."""
    now = utcnow()
    return db.session.scalars(db.select(Sanction).filter(
        Sanction.user_id == user.id, Sanction.kind.in_(("suspend", "ban")),
        db.or_(Sanction.ends_at.is_(None), Sanction.ends_at > now)).order_by(Sanction.id.desc())).first()


def forget_sanctions(*_args) -> None:
    """Drop the sanctions read in this request (a socket event starts with this)."""
    if has_app_context():
        g.pop(SANCTIONS_CACHE, None)
        g.pop(SLOW_MODE_CACHE, None)


event.listen(Session, "after_commit", forget_sanctions)


def scope_of_action(action) -> policy.Scope | None:
    """The forum or room of the post or message an action was about (None for profiles and users)."""
    from community.forums.models import Post
    from community.rooms.models import Message

    model = {POST: Post, MESSAGE: Message}.get(action.item_type)
    item = db.session.get(model, action.item_id) if model is not None else None
    return State().scope_of(item) if item is not None else None


class State:
    """community.policy.ModerationState, from the moderation tables."""

    def sanction_kinds(self, user) -> frozenset[str]:
        """Read once per request or socket event (one `send` asks five rules that look at sanctions)
        and read again after any commit, which may have imposed or lifted one."""
        cache = g.setdefault(SANCTIONS_CACHE, {}) if has_app_context() else {}
        if user.id not in cache:
            cache[user.id] = frozenset(db.session.scalars(db.select(Sanction.kind).filter(
                Sanction.user_id == user.id, Sanction.kind != WARN,
                db.or_(Sanction.ends_at.is_(None), Sanction.ends_at > utcnow()))))
        return cache[user.id]

    def scope_of(self, target) -> policy.Scope | None:
        from community.forums.models import Forum, Post, Thread
        from community.rooms.models import Message, Room

        if isinstance(target, Forum):
            return ("forum", target.id)
        if isinstance(target, Thread):
            return ("forum", target.forum_id)
        if isinstance(target, Post):
            return ("forum", target.thread.forum_id)
        if isinstance(target, Room):
            return ("room", target.id)
        if isinstance(target, Message):
            return ("room", target.room_id)
        return getattr(target, "scope", None)  # community.moderation.items.Item

    def has_assignment(self, user, scope: policy.Scope | None) -> bool:
        query = db.select(ModeratorAssignment.id).filter(ModeratorAssignment.user_id == user.id)
        if scope is not None:
            column = ModeratorAssignment.forum_id if scope[0] == "forum" else ModeratorAssignment.room_id
            query = query.filter(column == scope[1])
        return db.session.execute(query.limit(1)).first() is not None

    def slow_mode_waits(self, user, room) -> bool:
        from community.rooms.models import Message

        known = g.get(SLOW_MODE_CACHE, {}) if has_app_context() else {}
        if room.id in known:
            seconds = known[room.id]
        else:
            setting = db.session.get(RoomSlowMode, room.id)
            seconds = setting.seconds if setting is not None else None
        if seconds is None:
            return False
        since = utcnow() - timedelta(seconds=seconds)
        return db.session.execute(db.select(Message.id).filter(
            Message.room_id == room.id, Message.author_id == user.id,
            Message.created_at > since).limit(1)).first() is not None


policy.provide_moderation_state(State())
