"""Socket.IO client managers that can also end every connection in a channel, in every server process.

python-socketio disconnects one socket by its id, and only the process holding a socket knows its id
(docs/deploy.md: several processes share one Redis). `end_channel(room)` therefore travels through the
message queue like `close_room`, marked to end the sockets: each process disconnects its own members of
the channel, then closes it. Without a queue, the one process does both itself.
"""
import socketio

NAMESPACE = "/"


def _end_local(manager, room: str, namespace: str) -> None:
    for sid, _eio_sid in list(manager.get_participants(namespace, room)):
        manager.server.disconnect(sid, namespace=namespace, ignore_queue=True)


class LocalManager(socketio.Manager):
    def end_channel(self, room: str, namespace: str = NAMESPACE) -> None:
        _end_local(self, room, namespace)
        self.close_room(room, namespace)


class RedisManager(socketio.RedisManager):
    def end_channel(self, room: str, namespace: str = NAMESPACE) -> None:
        message = {"method": "close_room", "room": room, "namespace": namespace, "host_id": self.host_id,
                   "end_sockets": True}
        self._handle_close_room(message)
        self._publish(message)

    def _handle_close_room(self, message: dict) -> None:
        if message.get("end_sockets"):
            _end_local(self, message.get("room"), message.get("namespace") or NAMESPACE)
        super()._handle_close_room(message)


def client_manager(redis_url: str | None) -> socketio.Manager:
    """A fresh manager for one app: over Redis when there is a queue (the channel Flask-SocketIO uses)."""
    return RedisManager(redis_url, channel="flask-socketio") if redis_url else LocalManager()
