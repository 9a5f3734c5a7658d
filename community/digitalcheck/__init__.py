"""Digital-Check: a self-assessment of a public body that becomes its needs profile."""
from flask import Blueprint

bp = Blueprint("digitalcheck", __name__, url_prefix="/digital-check")

from community.digitalcheck import rules  # noqa: E402,F401  (registers the permissions)
from community.digitalcheck import builtin_sources, hooks, routes  # noqa: E402,F401  (pages, start panel, sources)
