"""Socket.IO: a thread page joins `thread:<id>` to receive the `post` events of new replies.

Registered with the rooms' `handler`, so authentication, the event budget and error acks work as
for room events (docs/realtime.md).
"""
from flask_socketio import join_room

from community.forums import services
from community.rooms.events import handler


def thread_channel(thread_id: int) -> str:
    return f"thread:{thread_id}"


@handler("watch_thread")
def watch_thread(user, payload: dict) -> dict:
    """Join the thread's channel if the user may read it; a hidden or missing thread is not_found."""
    thread = services.get_thread(user, payload.get("thread_id"))
    join_room(thread_channel(thread.id))
    return {"thread_id": thread.id}
