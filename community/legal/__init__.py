"""Legal and trust pages: the Impressum, the accessibility statement (Erklärung zur Barrierefreiheit
per BITV 2.0) and the privacy page, filled from the operator's configuration (docs/legal.md)."""
from flask import Blueprint

bp = Blueprint("legal", __name__)
