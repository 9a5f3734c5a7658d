"""The competence centre's insights: where in the country which need is highest."""
from flask import Blueprint

bp = Blueprint("insights", __name__, url_prefix="/insights")

from community.insights import routes, rules  # noqa: E402,F401  (views and permissions)
