from flask import Blueprint

bp = Blueprint("profiles", __name__)

from community.profiles import routes, rules  # noqa: E402,F401  (views and permissions)
