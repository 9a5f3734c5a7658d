"""Notifications: what happened for a user (mentions, contact requests, new matches), stored and
delivered live to the personal Socket.IO room `user:<id>`."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)

from community.notifications import matches, routes  # noqa: E402,F401  (views on bp; the signal receiver)
