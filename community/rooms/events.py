"""The Socket.IO protocol of the rooms (namespace "/"), documented in docs/realtime.md.

Thin handlers: each authenticates the socket's user, counts the event against the user's rate limit,
checks the payload's shape, calls community/rooms services (which check community.policy) and
answers with an ack: {"ok": true, ...} or {"error": {"code", "message", "fields"}}. Messages are
committed before they are broadcast. Socket.IO rooms: `room:<id>` per conversation, `user:<id>` per
user (every connection of the user joins it; notifications go there).
"""
import logging
from datetime import datetime
from functools import wraps

from flask import current_app, g, request, session, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, emit, join_room, leave_room

from community import policy
from community.auth.models import ApiToken, User
from community.auth.services import user_for_api_token
from community.errors import NotFound, PermissionDenied, ServiceError
from community.extensions import db, socketio
from community.models_base import utcnow
from community.moderation.live import refuse_socket
from community.moderation.state import SANCTIONS_CACHE, SLOW_MODE_CACHE, forget_sanctions
from community.notifications.services import user_channel
from community.rooms import live, messages, services
from community.rooms.auth_cache import cached_room, sanction_kinds, slow_mode_seconds, socket_event, socket_user
from community.rooms.messages import message_to_dict
from community.rooms.models import Message, Room
from community.rooms.presence import presence, room_channel
from community.rooms.ratelimit import allow
from community.signals import api_token_revoked, sessions_ended
from community.validation import JSON_MAX_DEPTH, MAX_ID, json_problem

logger = logging.getLogger(__name__)
SOCKET_USER = "socket_user_id"
# Characters of text in one event's payload; a message body (BODY_MAX) and its fields fit easily.
SOCKET_PAYLOAD_MAX = 16_000
SOCKET_AUTH_VERSION = "socket_auth_version"
SOCKET_TOKEN = "socket_token_id"
# Protocol error codes (docs/realtime.md), from the service errors' codes.
ERROR_CODES = {"validation_error": "invalid", "bad_request": "invalid", "conflict": "invalid",
               "too_large": "too_large", "forbidden": "forbidden", "not_found": "not_found"}


class SocketError(Exception):
    def __init__(self, code: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.code, self.message, self.fields = code, message, fields or {}

    def to_ack(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


def token_channel(token_id: int) -> str:
    """The Socket.IO room of the connections opened with one API token (closed when it is revoked)."""
    return f"token:{token_id}"


def _authenticate(auth) -> tuple[User | None, int | None]:
    """A personal API token in the auth payload (the user and the token's id), else the browser's
    session cookie (Flask-Login)."""
    if isinstance(auth, dict) and "token" in auth:
        token = auth["token"]
        if not isinstance(token, str) or len(token) > 200:
            return None, None
        user = user_for_api_token(token, sanctioned_too=True)
        token_id = db.session.scalar(db.select(ApiToken.id).filter_by(token_hash=ApiToken.hash(token)))
        return (user, token_id) if user is not None and token_id is not None else (None, None)
    return (current_user._get_current_object(), None) if current_user.is_authenticated else (None, None)


@socketio.on("connect")
def on_connect(auth=None):
    user, token_id = _authenticate(auth)
    if user is None:
        # Two arguments: the first is connect_error's message, the second its `data` (docs/realtime.md).
        message = _("Please log in.")
        raise ConnectionRefusedError(message, {"code": "unauthenticated", "message": message})
    refuse_socket(user)  # suspended or banned: refused with the reason and end date
    # What the socket was opened with; every event checks it is still valid (_socket_user).
    session[SOCKET_USER] = user.id
    session[SOCKET_AUTH_VERSION] = user.auth_version
    session[SOCKET_TOKEN] = token_id
    join_room(user_channel(user.id))
    if token_id is not None:
        join_room(token_channel(token_id))


@sessions_ended.connect
def _close_sockets_of_ended_sessions(user, **_extra) -> None:
    socketio.server.manager.end_channel(user_channel(user.id), "/")


@api_token_revoked.connect
def _close_sockets_of_a_revoked_token(_user, token_id: int, **_extra) -> None:
    socketio.server.manager.end_channel(token_channel(token_id), "/")


@socketio.on("disconnect")
def on_disconnect(*_reason):
    for room_id in presence().leave_all(request.sid):
        presence().announce(room_id)


def _socket_user() -> User:
    """The socket's user, while the session or token it was opened with is valid: a logout, password
    change or reset elsewhere bumps the user's auth version, a revoked token is gone. Checked on every
    event against the process's cache, which every such change empties (community/rooms/auth_cache.py)."""
    user = socket_user(session.get(SOCKET_USER) or 0, session.get(SOCKET_AUTH_VERSION), session.get(SOCKET_TOKEN))
    if user is None:
        raise SocketError("unauthenticated", _("Please log in."))
    return user


def _error_code(user, error: ServiceError) -> str:
    if isinstance(error, (PermissionDenied, NotFound)) and policy.is_suspended(user):
        return "banned"
    return ERROR_CODES.get(error.code, "invalid")


def handler(event: str):
    """Register `fn(user, payload)` for `event`; its return value (or the error) is the ack."""
    def register(fn):
        @wraps(fn)
        def wrapper(payload=None, *_extra):
            user = None
            forget_sanctions()  # `g` may outlive one event (tests keep one app context)
            try:
                user = _socket_user()
                # From here the permission checks read the process's cache (community/rooms/auth_cache.py).
                socket_event()
                g.setdefault(SANCTIONS_CACHE, {})[user.id] = sanction_kinds(user.id)
                if not allow(user.id):
                    raise SocketError("rate_limited", _("Too many events; please wait a moment."))
                if not isinstance(payload, dict):
                    raise SocketError("invalid", _("Expected an object with fields."))
                _check_payload(payload)
                return {"ok": True, **(fn(user, payload) or {})}
            except SocketError as error:
                db.session.rollback()
                return error.to_ack()
            except ServiceError as error:
                db.session.rollback()
                return SocketError(_error_code(user, error), str(error.message),
                                   {name: str(text) for name, text in error.fields.items()}).to_ack()
            finally:
                socket_event(False)

        return socketio.on(event)(wrapper)

    return register


def _check_payload(payload: dict) -> None:
    """Before any field is read: no larger than SOCKET_PAYLOAD_MAX characters of text, no deeper than
    JSON_MAX_DEPTH, no lone surrogates, no number beyond the id columns (MAX_ID)."""
    budget = current_app.config.get("SOCKET_PAYLOAD_MAX", SOCKET_PAYLOAD_MAX)
    if sum(len(item) for item in _texts(payload)) > budget:
        raise SocketError("too_large", _("The event is too large."))
    problem = json_problem(payload, max_int=MAX_ID)
    if problem == "too_deep":
        raise SocketError("invalid", _("The event is nested too deeply (at most %(n)s levels).", n=JSON_MAX_DEPTH))
    if problem == "too_big":
        raise SocketError("invalid", _("Please correct the marked fields."),
                          {name: _("Must be a whole number of at most %(n)s.", n=MAX_ID)
                           for name, value in payload.items() if isinstance(value, int) and abs(value) > MAX_ID})
    if problem:
        raise SocketError("invalid", _("The event contains text that is not valid Unicode."))


def _texts(payload: dict):
    """Every string in the payload, keys too; cheap for the few fields an event has."""
    queue = [payload]
    while queue:
        item = queue.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            yield from (key for key in item if isinstance(key, str))
            queue.extend(item.values())
        elif isinstance(item, list):
            queue.extend(item)


def _integer(payload: dict, name: str, required: bool = True, minimum: int = 1) -> int | None:
    value = payload.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_ID:
        raise SocketError("invalid", _("Please correct the marked fields."),
                          {name: _("Must be a whole number of at least %(n)s.", n=minimum)})
    return value


def _room(user, payload: dict, action: str = "room.view") -> Room:
    room = cached_room(_integer(payload, "room_id"))
    if room is None:
        raise SocketError("not_found", _("This conversation does not exist."))
    g.setdefault(SLOW_MODE_CACHE, {})[room.id] = slow_mode_seconds(room.id)
    policy.require(user, action, room)
    return room


def _only(payload: dict, *names: str) -> dict:
    unknown = [name for name in payload if name not in names]
    if unknown:
        raise SocketError("invalid", _("Please correct the marked fields."),
                          {name: _("Unknown field.") for name in unknown})
    return payload


def _still_connected() -> bool:
    """Whether the event's socket is still connected: one that went away while its event waited for the
    database is gone from the manager (and from presence, on_disconnect ran), and must not come back."""
    return socketio.server.manager.is_connected(request.sid, request.namespace or "/")


@handler("join")
def on_join(user, payload):
    room = _room(user, _only(payload, "room_id"))
    services.join(user, room)
    if not _still_connected():  # nobody hears the ack; nothing to enter
        return {}
    join_room(room_channel(room.id))
    presence().enter(room.id, request.sid, user.id, user.display_name)
    presence().announce(room.id)
    return {"room": {"id": room.id, "kind": room.kind, "title": room.label, "topics": list(room.topics or [])},
            "last_id": services.last_message_id(room)}


@handler("leave")
def on_leave(user, payload):
    room_id = _integer(_only(payload, "room_id"), "room_id")
    leave_room(room_channel(room_id))
    if presence().leave(room_id, request.sid):
        presence().announce(room_id)


@handler("send")
def on_send(user, payload):
    _only(payload, "room_id", "body", "client_id")
    room = _room(user, payload)  # post_message asks "room.post" (mutes, slow mode)
    room_id, user_id = room.id, user.id  # read before the commit expires them (no reloads)
    if not presence().is_in(room_id, request.sid):  # the `join` event made the membership already
        services.join(user, room)
    sent, created = messages.post_message_dict(user, room, {"body": payload.get("body"),
                                                            "client_id": payload.get("client_id")})
    if created:
        emit("message", sent, to=room_channel(room_id))
        _after_send(user_id, sent)
    return {"id": sent["id"]}


def _after_send(user_id: int, sent: dict) -> None:
    """Mentions and a question's live matches, after the broadcast and outside the sender's ack: in a
    greenlet of their own (SOCKET_AFTER_ACK_BACKGROUND; the test client reads events right after the ack,
    so the tests run them inline), and only for a message that can have any (an @handle; a question
    with substance, live.worth_matching)."""
    mentions, question = messages.may_mention(sent["body"]), live.worth_matching(sent["body"])
    if not (mentions or question):
        return
    work = (current_app._get_current_object(), request.environ, request.sid, str(get_locale()), user_id,
            sent["id"], mentions, question)
    if current_app.config["SOCKET_AFTER_ACK_BACKGROUND"]:
        socketio.start_background_task(_after_send_work, *work)
    else:
        _after_send_work(*work)


def _after_send_work(app, environ, sid, locale, user_id, message_id, mentions, question) -> None:
    # The socket's request context, as in the handler: url_for, and the sender's language for `match`.
    with app.request_context(environ), force_locale(locale):
        try:
            user, message = db.session.get(User, user_id), db.session.get(Message, message_id)
            if mentions:
                messages.notify_mentions(user, message, url_for("rooms.show", room_id=message.room_id,
                                                                _anchor=f"message-{message.id}"))
            matches = live.question_matches(user, message.room, message) if question else []
            if matches:
                socketio.emit("match", {"room_id": message.room_id, "message_id": message.id,
                                        "text": _("This might help: …"), "matches": matches},
                              to=sid, namespace="/")
        except Exception:  # the message is stored and delivered; only its extras are lost
            db.session.rollback()
            if not app.config["SOCKET_AFTER_ACK_BACKGROUND"]:
                raise
            logger.exception("mentions or live matches of message %s failed", message_id)


def _page(found: tuple[list, bool]) -> dict:
    items, has_more = found
    return {"messages": [message_to_dict(item) for item in items], "has_more": has_more}


@handler("sync")
def on_sync(user, payload):
    room = _room(user, _only(payload, "room_id", "after_id", "changed_since"))
    after_id = _integer(payload, "after_id", minimum=0)
    since = _timestamp(payload, "changed_since")
    server_time = utcnow()  # before reading: a change racing with the reads comes again next time
    page = _page(messages.messages_after(user, room, after_id))
    changed = messages.changed_messages(user, room, after_id, since) if since is not None else []
    return {**page, "changed": [message_to_dict(item) for item in changed],
            "server_time": server_time.isoformat() + "Z"}


def _timestamp(payload: dict, name: str) -> datetime | None:
    """An optional ISO 8601 UTC time as the server sends them ("2026-11-25T09:30:00.123456Z")."""
    value = payload.get(name)
    if value is None:
        return None
    parsed = None
    if isinstance(value, str) and len(value) <= 40 and value.endswith("Z"):
        try:
            parsed = datetime.fromisoformat(value.removesuffix("Z"))
        except ValueError:
            pass
    if parsed is None or parsed.tzinfo is not None:
        raise SocketError("invalid", _("Please correct the marked fields."),
                          {name: _("Must be a time as the server sends it (ISO 8601, UTC, ending in Z).")})
    return parsed


@handler("history")
def on_history(user, payload):
    room = _room(user, _only(payload, "room_id", "before_id"))
    return _page(messages.messages_before(user, room, _integer(payload, "before_id", required=False)))


@handler("edit")
def on_edit(user, payload):
    _only(payload, "message_id", "body")
    message = messages.get_message(user, _integer(payload, "message_id"))
    messages.edit_message(user, message, {"body": payload.get("body")})
    emit("message_updated", message_to_dict(message), to=room_channel(message.room_id))


@handler("delete")
def on_delete(user, payload):
    message = messages.get_message(user, _integer(_only(payload, "message_id"), "message_id"))
    messages.delete_message(user, message)
    emit("message_deleted", {"id": message.id, "room_id": message.room_id}, to=room_channel(message.room_id))


@handler("typing")
def on_typing(user, payload):
    room_id = _integer(_only(payload, "room_id"), "room_id")
    if not presence().is_in(room_id, request.sid):
        raise SocketError("forbidden", _("Join the conversation first."))
    emit("typing", {"room_id": room_id, "user": {"id": user.id, "name": user.display_name}},
         to=room_channel(room_id), skip_sid=request.sid)


@handler("read")
def on_read(user, payload):
    room = _room(user, _only(payload, "room_id", "message_id"))
    services.mark_read(user, room, _integer(payload, "message_id"))
