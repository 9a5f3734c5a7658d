from flask import Blueprint

bp = Blueprint("auth", __name__)

from community.auth import routes, rules  # noqa: E402,F401  (views and permissions)
