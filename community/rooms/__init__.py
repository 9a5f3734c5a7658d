"""Conversation rooms: topic, partner and group rooms, live over Socket.IO (events.py, docs/realtime.md)."""
from flask import Blueprint

from community.rooms import rules  # noqa: F401  (registers its permissions)

bp = Blueprint("rooms", __name__, cli_group="rooms")
