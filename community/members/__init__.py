from flask import Blueprint

bp = Blueprint("members", __name__)

from community.members import routes  # noqa: E402,F401  (registers the views on bp)
