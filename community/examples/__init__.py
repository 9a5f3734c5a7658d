"""Good examples (Praxisbeispiele): a reviewed library of what public bodies have done, matched to needs,
with re-use through the double opt-in contact requests (docs/examples.md)."""
from flask import Blueprint

bp = Blueprint("examples", __name__, url_prefix="/examples")

from community.examples import hooks, routes, rules  # noqa: E402,F401  (views, permissions, registrations)
