"""Search over organisations, needs and offers, from the search box in the navigation bar."""
from flask import Blueprint

bp = Blueprint("search", __name__)
