"""Digitalkompass für Kommunen (formerly Digital-Check; URLs keep /digital-check): a self-assessment of a
municipality that becomes its needs profile."""
from flask import Blueprint

from community.digitalcheck import rules  # noqa: F401  (registers its permissions)

bp = Blueprint("digitalcheck", __name__, url_prefix="/digital-check")
