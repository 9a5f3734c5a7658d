"""Who is in which room now, and the `presence` events that tell the room.

Each process knows its own sockets (socket id -> rooms); what a room's `presence` event lists comes
from a shared register: the process's memory when it serves alone, Redis when REDIS_URL is set, so
that behind several processes everybody sees everybody (docs/realtime.md, "Several processes").

In Redis each process keeps one hash per room, `presence:<room>:<process>` (socket id -> user id and
name), and adds its process id to the set `presence:<room>:processes`. The hashes expire unless their
process refreshes them (every PRESENCE_TTL / 3 seconds), so the people of a process that died
vanish from the register within PRESENCE_TTL seconds; each refresh also announces the rooms whose
people changed without a join or leave here (someone's process died).

A join or leave announces the room's people at once, unless the room was announced less than
PRESENCE_INTERVAL seconds ago: then one announcement follows at the end of that interval, whatever
happened meanwhile. A thousand sockets joining after a restart cost a few announcements, not a
thousand lists of a thousand names sent to a thousand sockets.
"""
import json
import logging
import threading
import time
import uuid

from flask import current_app

from community.extensions import socketio

logger = logging.getLogger(__name__)
EXTENSION = "rooms_presence"
DEFAULT_INTERVAL = 1.0
DEFAULT_TTL = 60


def room_channel(room_id: int) -> str:
    """The Socket.IO room of a conversation."""
    return f"room:{room_id}"


class Presence:
    """The sockets of this process, and the people of every room, here in memory."""

    def __init__(self, interval: float = DEFAULT_INTERVAL):
        self._lock = threading.Lock()
        self._rooms: dict[int, dict[str, tuple[int, str]]] = {}
        self._interval = interval
        self._announced: dict[int, float] = {}  # room id -> when its presence last went out
        self._told: dict[int, list[dict]] = {}  # room id -> the people it listed
        self._pending: set[int] = set()

    # -- this process's sockets --------------------------------------------------------------------

    def enter(self, room_id: int, sid: str, user_id: int, name: str) -> None:
        with self._lock:
            self._rooms.setdefault(room_id, {})[sid] = (user_id, name)
        self._shared_enter(room_id, sid, user_id, name)

    def leave(self, room_id: int, sid: str) -> bool:
        """Whether the socket was in the room."""
        with self._lock:
            present = self._rooms.get(room_id, {}).pop(sid, None) is not None
        if present:
            self._shared_leave(room_id, [sid])
        return present

    def leave_all(self, sid: str) -> list[int]:
        """Remove a disconnected socket everywhere; the rooms it was in."""
        with self._lock:
            left = [room_id for room_id, present in self._rooms.items() if present.pop(sid, None) is not None]
        for room_id in left:
            self._shared_leave(room_id, [sid])
        return left

    def is_in(self, room_id: int, sid: str) -> bool:
        with self._lock:
            return sid in self._rooms.get(room_id, {})

    # -- everybody ---------------------------------------------------------------------------------

    def users(self, room_id: int) -> list[dict]:
        """The people in the room, each once however many tabs they have open, by name."""
        people = {user_id: name for user_id, name in self._shared_people(room_id)}
        return [{"id": user_id, "name": name} for user_id, name in sorted(people.items(), key=lambda p: p[1])]

    def announce(self, room_id: int) -> None:
        """Send the room its `presence` now, or once at the end of the current interval."""
        now = time.monotonic()
        with self._lock:
            if room_id in self._pending:
                return
            wait = self._announced.get(room_id, float("-inf")) + self._interval - now
            if wait > 0:
                self._pending.add(room_id)
            else:
                self._announced[room_id] = now
        if wait > 0:
            socketio.start_background_task(self._announce_later, room_id, wait)
        else:
            self._emit(room_id)

    def _announce_later(self, room_id: int, wait: float) -> None:
        socketio.sleep(wait)
        with self._lock:
            self._pending.discard(room_id)
            self._announced[room_id] = time.monotonic()
        self._emit(room_id)

    def _emit(self, room_id: int) -> None:
        users = self.users(room_id)
        with self._lock:
            self._told[room_id] = users
        socketio.emit("presence", {"room_id": room_id, "users": users}, to=room_channel(room_id), namespace="/")

    # -- the shared register: this process's memory --------------------------------------------------

    def _shared_enter(self, room_id: int, sid: str, user_id: int, name: str) -> None:
        pass  # _rooms is the register

    def _shared_leave(self, room_id: int, sids: list[str]) -> None:
        pass

    def _shared_people(self, room_id: int) -> list[tuple[int, str]]:
        with self._lock:
            return list(self._rooms.get(room_id, {}).values())


class RedisPresence(Presence):
    """The register in Redis, shared by every process of the community."""

    def __init__(self, redis_url: str, interval: float = DEFAULT_INTERVAL, ttl: int = DEFAULT_TTL):
        import redis

        super().__init__(interval)
        self._redis = redis.Redis.from_url(redis_url, decode_responses=True)
        self._process = uuid.uuid4().hex
        self._ttl = ttl
        self._refreshing = False

    def _hash(self, room_id: int, process: str | None = None) -> str:
        return f"presence:{room_id}:{process or self._process}"

    def _shared_enter(self, room_id: int, sid: str, user_id: int, name: str) -> None:
        key = self._hash(room_id)
        with self._redis.pipeline() as pipe:
            pipe.hset(key, sid, json.dumps([user_id, name]))
            pipe.expire(key, self._ttl)
            pipe.sadd(f"presence:{room_id}:processes", self._process)
            pipe.execute()
        self._keep_fresh()

    def _shared_leave(self, room_id: int, sids: list[str]) -> None:
        self._redis.hdel(self._hash(room_id), *sids)

    def _shared_people(self, room_id: int) -> list[tuple[int, str]]:
        processes = sorted(self._redis.smembers(f"presence:{room_id}:processes"))
        with self._redis.pipeline() as pipe:
            for process in processes:
                pipe.hgetall(self._hash(room_id, process))
            found = pipe.execute()
        gone = [process for process, entries in zip(processes, found) if not entries]
        if gone:  # expired (their process died) or empty; a live process adds itself again on entering
            self._redis.srem(f"presence:{room_id}:processes", *gone)
        return [tuple(json.loads(value)) for entries in found for value in entries.values()]

    def _keep_fresh(self) -> None:
        with self._lock:
            if self._refreshing:
                return
            self._refreshing = True
        socketio.start_background_task(self._refresh_forever)

    def _refresh_forever(self) -> None:
        """Rewrite this process's entries and their expiry: this also heals a Redis that lost them."""
        while True:
            socketio.sleep(self._ttl / 3)
            with self._lock:
                rooms = {room_id: dict(present) for room_id, present in self._rooms.items() if present}
            try:
                with self._redis.pipeline() as pipe:
                    for room_id, present in rooms.items():
                        key = self._hash(room_id)
                        pipe.hset(key, mapping={sid: json.dumps(entry) for sid, entry in present.items()})
                        pipe.expire(key, self._ttl)
                        pipe.sadd(f"presence:{room_id}:processes", self._process)
                    pipe.execute()
                # People whose process died leave no disconnect behind: tell the rooms they were in.
                for room_id in rooms:
                    with self._lock:
                        told = self._told.get(room_id)
                    if self.users(room_id) != told:
                        self.announce(room_id)
            except Exception:  # Redis away for a moment: try again next round, never end the loop
                logger.exception("Refreshing the presence register in Redis failed")


def presence() -> Presence:
    app = current_app
    if EXTENSION not in app.extensions:
        interval = float(app.config.get("PRESENCE_INTERVAL", DEFAULT_INTERVAL))
        redis_url = app.config.get("REDIS_URL")
        ttl = int(app.config.get("PRESENCE_TTL", DEFAULT_TTL))
        app.extensions[EXTENSION] = RedisPresence(redis_url, interval, ttl) if redis_url else Presence(interval)
    return app.extensions[EXTENSION]
