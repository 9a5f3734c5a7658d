from flask import Blueprint

from community.profiles import rules  # noqa: F401  (registers its permissions)

bp = Blueprint("profiles", __name__)
