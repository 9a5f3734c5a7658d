"""Trainings and events: registration with capacity and a waitlist, calendar files, attendance,
certificates, recommendations and reminders (docs/events.md)."""
from flask import Blueprint

bp = Blueprint("events", __name__, url_prefix="/events")

from community.events import hooks, recommendations, routes, rules  # noqa: E402,F401  (record kind, hooks, views, permissions)
