"""The ceiling for bench/realtime_load.py: a bare Flask-SocketIO broadcast server, no database.

Same serving as the application (gunicorn, one gevent worker), same event shapes: `join` puts the
socket in the room and acks, `send` broadcasts a `message` (shaped like the application's Message)
to the room and acks with an id. Whatever the application costs beyond this is its own work
(authentication, validation, the commit, Markdown rendering).

Run: .venv/bin/gunicorn --worker-class gevent --workers 1 --bind 127.0.0.1:8100 bench.bare_broadcast:app
"""
import itertools
from datetime import datetime, timezone

from flask import Flask
from flask_socketio import SocketIO, join_room

app = Flask(__name__)
socketio = SocketIO(app)
message_ids = itertools.count(1)


@app.get("/healthz")
def healthz():
    return {"ok": True}


@socketio.on("join")
def on_join(payload):
    join_room(f"room:{payload['room_id']}")
    return {"ok": True, "last_id": 0}


@socketio.on("send")
def on_send(payload):
    message = {
        "id": next(message_ids), "room_id": payload["room_id"], "body": payload["body"],
        "body_html": f"<p>{payload['body']}</p>", "author": {"id": 1, "name": "Bench"},
        "created_at": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
        "edited_at": None, "deleted": False, "client_id": payload.get("client_id"),
    }
    socketio.emit("message", message, to=f"room:{payload['room_id']}")
    return {"ok": True, "id": message["id"]}
