from flask import Blueprint

from community.organisations import rules  # noqa: F401  (registers its permissions)

bp = Blueprint("organisations", __name__)
