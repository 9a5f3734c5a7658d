"""Joining an existing organisation instead of registering it twice: finding it in the register,
join requests decided by its admins (or the platform for an organisation nobody has joined yet),
and the platform admins' list of possible duplicates with a merge action."""
from flask import Blueprint

from community.joining import rules  # noqa: F401  (registers its permissions)

bp = Blueprint("joining", __name__)
