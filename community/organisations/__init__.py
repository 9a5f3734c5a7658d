from flask import Blueprint

bp = Blueprint("organisations", __name__)

from community.organisations import routes  # noqa: E402,F401  (registers the views on bp)
