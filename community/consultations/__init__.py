"""First consultations (Erstberatung) by the competence centre: requests, the case workflow, the desk."""
from flask import Blueprint

from community.consultations import rules  # noqa: F401  (registers its permissions)

bp = Blueprint("consultations", __name__, url_prefix="/consultations")
