"""User administration in the browser for the platform's admins: find accounts, block and unblock them,
set platform roles, reset the second factor; each act lands in the audit log (community/auth/audit.py)."""
from flask import Blueprint

from community.useradmin import rules  # noqa: F401  (registers its permissions)

bp = Blueprint("useradmin", __name__)
