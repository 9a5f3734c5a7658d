"""Cooperation proposals between neighbouring municipalities: one double opt-in request to several
organisations of the same Kreis with the same open need, which opens one shared room (docs/cooperation.md)."""
from flask import Blueprint

bp = Blueprint("cooperation", __name__)

from community.cooperation import rules  # noqa: E402,F401  (registers the feature's permissions)
