"""Conversation rooms: topic, partner and group rooms, live over Socket.IO (events.py, docs/realtime.md)."""
from flask import Blueprint

bp = Blueprint("rooms", __name__, cli_group="rooms")

from community.rooms import membership, routes  # noqa: E402,F401  (the membership hook; the views on bp)
