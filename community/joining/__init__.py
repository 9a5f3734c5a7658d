"""Joining an existing organisation instead of registering it twice: finding it in the register,
join requests decided by its admins (or the platform for an organisation nobody has joined yet),
and the platform admins' list of possible duplicates with a merge action."""
from flask import Blueprint

bp = Blueprint("joining", __name__)

from community.joining import routes, rules  # noqa: E402,F401  (registers the views and the rules)
