"""Who is in which room now, per process: socket id -> (user id, name), per room.

Kept in memory by the process that holds the sockets. Behind several processes each one knows only
its own sockets, so a `presence` event lists the people connected to the sender's process (see
docs/realtime.md); sharing it through the message queue (Redis) is the scale-out step.
"""
import threading

from flask import current_app

EXTENSION = "rooms_presence"


class Presence:
    def __init__(self):
        self._lock = threading.Lock()
        self._rooms: dict[int, dict[str, tuple[int, str]]] = {}

    def enter(self, room_id: int, sid: str, user_id: int, name: str) -> None:
        with self._lock:
            self._rooms.setdefault(room_id, {})[sid] = (user_id, name)

    def leave(self, room_id: int, sid: str) -> bool:
        """Whether the socket was in the room."""
        with self._lock:
            present = self._rooms.get(room_id, {})
            return present.pop(sid, None) is not None

    def leave_all(self, sid: str) -> list[int]:
        """Remove a disconnected socket everywhere; the rooms it was in."""
        with self._lock:
            left = [room_id for room_id, present in self._rooms.items() if present.pop(sid, None) is not None]
        return left

    def is_in(self, room_id: int, sid: str) -> bool:
        with self._lock:
            return sid in self._rooms.get(room_id, {})

    def users(self, room_id: int) -> list[dict]:
        """The people in the room, each once however many tabs they have open, by name."""
        with self._lock:
            people = {user_id: name for user_id, name in self._rooms.get(room_id, {}).values()}
        return [{"id": user_id, "name": name} for user_id, name in sorted(people.items(), key=lambda p: p[1])]


def presence() -> Presence:
    return current_app.extensions.setdefault(EXTENSION, Presence())
