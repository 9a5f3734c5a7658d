"""Socket.IO client managers that can also end every connection in a channel, in every server process.

python-socketio disconnects one socket by its id, and only the process holding a socket knows its id
(docs/deploy.md: several processes share one Redis). `end_channel(room)` therefore travels through the
message queue like `close_room`, marked to end the sockets: each process disconnects its own members of
the channel, then closes it. Without a queue, the one process does both itself. `leave_channel(channel,
room)` travels the same way: every socket in `channel` (one user's sockets) leaves `room`, and each
function registered with `on_leave` hears (sid, room) in the process holding the socket.
`auth_changed(user_ids, token_ids, everything, rooms)` tells the other processes which users and tokens
changed (and whether rooms, memberships or slow modes did), so that they forget what they cached about
them (community/rooms/auth_cache.py) before the sockets' next event.
"""
import struct

import socketio
from socketio.base_manager import BaseManager

NAMESPACE = "/"
_leave_hooks: list = []
FRAMES_KEPT = 256  # websocket frames of recent broadcasts, built once for all their receivers


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
    cache_of(manager.app).forget(change["users"], set(change["tokens"]), change["everything"],
                                 change.get("rooms", False))


# ---- the fan-out: one websocket frame per broadcast, not one per receiver ----
#
# python-socketio encodes a broadcast once (one Engine.IO packet, one string, for every socket of the
# room), but each socket's writer then frames that string again through wsproto: ~half of the CPU a
# delivery costs (py-spy, docs/realtime.md "Load"). A server-to-client text frame is the same bytes for
# every receiver (no mask; no compression, see below), so the writers here send the frame built for
# the first receiver of the same string object to the others. Order is untouched: each frame still
# goes through its socket's queue and writer, the one writer of that socket.
#
# Per-message deflate is not offered (SOCKET_WEBSOCKET_DEFLATE=1 offers it again): it would compress
# every message once per receiver, and room messages are a few hundred bytes.

_frames: dict[int, tuple[str, bytes]] = {}


def _frame(text: str) -> bytes:
    """The unmasked, final, uncompressed text frame of `text` (RFC 6455 5.2), built once per string."""
    kept = _frames.get(id(text))
    if kept is not None and kept[0] is text:
        return kept[1]
    payload = text.encode("utf-8")
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x81, size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", 0x81, 126, size)
    else:
        head = struct.pack("!BBQ", 0x81, 127, size)
    frame = head + payload
    _frames[id(text)] = (text, frame)  # holding the string keeps its id from being reused
    if len(_frames) > FRAMES_KEPT:
        del _frames[next(iter(_frames))]
    return frame


def _framing_websocket(deflate: bool):
    """engineio's gevent websocket (simple-websocket) with writes of pre-built frames."""
    import simple_websocket
    from engineio.async_drivers.gevent import WebSocketWSGI
    from wsproto.connection import ConnectionState

    class FramingServer(simple_websocket.Server):
        plain = False  # True once the handshake agreed on no extension: frames are the same for all

        def handshake(self):
            if not deflate:
                self.environ = {key: value for key, value in self.environ.items()
                                if key != "HTTP_SEC_WEBSOCKET_EXTENSIONS"}
            super().handshake()
            proto = getattr(self.ws.connection, "_proto", None)
            self.plain = proto is not None and not proto.extensions

        def send(self, data):
            if self.plain and type(data) is str and self.connected and self.ws.state is ConnectionState.OPEN:
                self.sock.send(_frame(data))
            else:
                super().send(data)

    class FramingWebSocketWSGI(WebSocketWSGI):
        def __call__(self, environ, start_response):
            # As simple-websocket's SimpleWebSocketWSGI.__call__, with the server above.
            self.ws = FramingServer(environ, **self.server_args)
            ret = self.app(self)
            if self.ws.mode == "gunicorn":
                raise StopIteration()
            elif self.ws.mode == "werkzeug":
                raise ConnectionError()
            return ret

    return FramingWebSocketWSGI


def _frame_broadcasts(manager, server) -> None:
    """Use the framing websocket when the server runs on gevent with simple-websocket (production:
    gunicorn's gevent worker, docs/deploy.md); any other setup keeps the library's."""
    eio = getattr(server, "eio", None)
    if eio is None or eio.async_mode != "gevent":
        return
    from engineio.async_drivers import gevent as driver

    if getattr(driver, "SimpleWebSocketWSGI", None) is None:  # gevent-websocket serves instead
        return
    deflate = bool(manager.app is not None and manager.app.config.get("SOCKET_WEBSOCKET_DEFLATE"))
    eio._async = {**eio._async, "websocket": _framing_websocket(deflate)}


class LocalManager(socketio.Manager):
    app = None

    def set_server(self, server):
        super().set_server(server)
        _frame_broadcasts(self, server)

    def auth_changed(self, user_ids: list, token_ids: list, everything: bool = False, rooms: bool = False) -> None:
        """Nothing to tell: the one process forgot the change when it was flushed."""

    def end_channel(self, room: str, namespace: str = NAMESPACE) -> None:
        _end_local(self, room, namespace)
        self.close_room(room, namespace)

    def leave_channel(self, channel: str, room: str, namespace: str = NAMESPACE) -> None:
        _leave_local(self, channel, room, namespace)


class RedisManager(socketio.RedisManager):
    app = None

    def set_server(self, server):
        super().set_server(server)
        _frame_broadcasts(self, server)

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

    def auth_changed(self, user_ids: list, token_ids: list, everything: bool = False, rooms: bool = False) -> None:
        # Through the queue's one channel, so it arrives before the `end_channel` that follows it.
        self._publish({"method": "close_room", "room": None, "namespace": NAMESPACE, "host_id": self.host_id,
                       "auth_changed": {"users": user_ids, "tokens": token_ids, "everything": everything,
                                        "rooms": rooms}})

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
