"""Search over organisations, needs and offers, from the search box in the navigation bar."""
from flask import Blueprint

bp = Blueprint("search", __name__)

from community.search import routes  # noqa: E402,F401  (registers the views on bp)
