"""Topic forums: threads, replies, solutions and watching; live updates in events.py."""
from flask import Blueprint

from community.forums import rules  # noqa: F401  (registers its permissions)

bp = Blueprint("forums", __name__, url_prefix="/forums")

from community.forums import hooks  # noqa: E402,F401  (record kind of the matching engine, searchable)
