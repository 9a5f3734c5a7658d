"""Conversation rooms; for now the partner rooms that accepted contact requests open."""
from flask import Blueprint

bp = Blueprint("rooms", __name__)

from community.rooms import routes  # noqa: E402,F401  (registers the views on bp)
