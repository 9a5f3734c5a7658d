"""First consultations (Erstberatung) by the competence centre: requests, the case workflow, the desk."""
from flask import Blueprint

bp = Blueprint("consultations", __name__, url_prefix="/consultations")

from community.consultations import routes, rules  # noqa: E402,F401  (views and permissions)
