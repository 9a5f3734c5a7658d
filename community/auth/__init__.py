from flask import Blueprint

from community.auth import rules  # noqa: F401  (registers its permissions)

bp = Blueprint("auth", __name__)
