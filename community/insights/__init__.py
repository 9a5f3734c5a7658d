"""The competence centre's insights: where in the country which need is highest."""
from flask import Blueprint

from community.insights import rules  # noqa: F401  (registers its permissions)

bp = Blueprint("insights", __name__, url_prefix="/insights")
