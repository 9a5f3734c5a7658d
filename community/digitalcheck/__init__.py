"""Digital-Check: a self-assessment of a public body that becomes its needs profile."""
from flask import Blueprint

from community.digitalcheck import rules  # noqa: F401  (registers its permissions)

bp = Blueprint("digitalcheck", __name__, url_prefix="/digital-check")
