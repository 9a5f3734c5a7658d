"""Funding programmes: structured records (funder, level, Land, eligible org types, rate, deadline ...),
matched to needs, the Digital-Check and consultations, maintained by consultants (docs/programmes.md)."""
from flask import Blueprint

bp = Blueprint("programmes", __name__, url_prefix="/programmes")

from community.programmes import hooks, routes, rules  # noqa: E402,F401  (registrations, views, permissions)
