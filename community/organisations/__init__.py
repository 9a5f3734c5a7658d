from flask import Blueprint

bp = Blueprint("organisations", __name__)

from community.organisations import routes, rules  # noqa: E402,F401  (views and permissions)
