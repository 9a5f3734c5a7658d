"""Socket.IO client managers that can also end every connection in a channel, in every server process.

python-socketio disconnects one socket by its id, and only the process holding a socket knows its id
(docs/deploy.md: several processes share one Redis). `end_channel(room)` therefore travels through the
message queue like `close_room`, marked to end the sockets: each process disconnects its own members of
the channel, then closes it. Without a queue, the one process does both itself. `leave_channel(channel,
room)` travels the same way: every socket in `channel` (one user's sockets) leaves `room`, and each
function registered with `on_leave` hears (sid, room) in the process holding the socket.
`auth_changed(user_ids, token_ids)` tells the other processes which users and tokens changed, so that
they forget what they cached about them (community/rooms/auth_cache.py) before the sockets' next event.
"""
import socketio
from socketio.base_manager import BaseManager

NAMESPACE = "/"
_leave_hooks: list = []


def on_leave(fn):
    """Register `fn(sid, room)`, called (in an app context) for each socket `leave_channel` removes."""
    _leave_hooks.append(fn)
    return fn


def _end_local(manager, room: str, namespace: str) -> None:
    for sid, _eio_sid in list(manager.get_participants(namespace, room)):
        manager.server.disconnect(sid, namespace=namespace, ignore_queue=True)


def _leave_local(manager, channel: str, room: str, namespace: str) -> None:
    sids = [sid for sid, _eio_sid in manager.get_participants(namespace, channel)]
    for sid in sids:
        BaseManager.basic_leave_room(manager, sid, namespace, room)
    if not sids or not _leave_hooks:
        return
    from flask import has_app_context

    if has_app_context() or manager.app is None:
        _run_leave_hooks(sids, room)
    else:
        with manager.app.app_context():  # the queue's listener thread has none
            _run_leave_hooks(sids, room)


def _run_leave_hooks(sids: list, room: str) -> None:
    for sid in sids:
        for hook in _leave_hooks:
            hook(sid, room)


def _forget_auth(manager, message: dict) -> None:
    if manager.app is None:
        return
    from community.rooms.auth_cache import cache_of

    change = message["auth_changed"]
    cache_of(manager.app).forget(change["users"], set(change["tokens"]), change["everything"])


class LocalManager(socketio.Manager):
    app = None

    def auth_changed(self, user_ids: list, token_ids: list, everything: bool = False) -> None:
        """Nothing to tell: the one process forgot the change when it was flushed."""

    def end_channel(self, room: str, namespace: str = NAMESPACE) -> None:
        _end_local(self, room, namespace)
        self.close_room(room, namespace)

    def leave_channel(self, channel: str, room: str, namespace: str = NAMESPACE) -> None:
        _leave_local(self, channel, room, namespace)


class RedisManager(socketio.RedisManager):
    app = None

    def end_channel(self, room: str, namespace: str = NAMESPACE) -> None:
        message = {"method": "close_room", "room": room, "namespace": namespace, "host_id": self.host_id,
                   "end_sockets": True}
        self._handle_close_room(message)
        self._publish(message)

    def leave_channel(self, channel: str, room: str, namespace: str = NAMESPACE) -> None:
        message = {"method": "close_room", "room": channel, "namespace": namespace, "host_id": self.host_id,
                   "leave_room": room}
        self._handle_close_room(message)
        self._publish(message)

    def auth_changed(self, user_ids: list, token_ids: list, everything: bool = False) -> None:
        # Through the queue's one channel, so it arrives before the `end_channel` that follows it.
        self._publish({"method": "close_room", "room": None, "namespace": NAMESPACE, "host_id": self.host_id,
                       "auth_changed": {"users": user_ids, "tokens": token_ids, "everything": everything}})

    def _handle_close_room(self, message: dict) -> None:
        if message.get("auth_changed"):  # not a close: other processes changed users or tokens
            _forget_auth(self, message)
            return
        namespace = message.get("namespace") or NAMESPACE
        if message.get("leave_room"):  # not a close: the channel's sockets leave one room
            _leave_local(self, message.get("room"), message["leave_room"], namespace)
            return
        if message.get("end_sockets"):
            _end_local(self, message.get("room"), namespace)
        super()._handle_close_room(message)


def client_manager(redis_url: str | None, app=None) -> socketio.Manager:
    """A fresh manager for one app: over Redis when there is a queue (the channel Flask-SocketIO uses)."""
    manager = RedisManager(redis_url, channel="flask-socketio") if redis_url else LocalManager()
    manager.app = app
    return manager
