"""Topic forums: threads, replies, solutions and watching; live updates in events.py."""
from flask import Blueprint

bp = Blueprint("forums", __name__, url_prefix="/forums")

from community.forums import routes, rules  # noqa: E402,F401  (views and permissions)
