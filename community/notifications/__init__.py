"""Notifications: what happened for a user (mentions, contact requests, new matches), stored and
delivered live to the personal Socket.IO room `user:<id>`."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)
