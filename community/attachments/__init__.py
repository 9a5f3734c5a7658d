"""Attachments: files with a licence and a Stand on good examples and consultation results, type judged from
the content, reviewed with the example, served as downloads (docs/attachments.md)."""
from flask import Blueprint

bp = Blueprint("attachments", __name__, url_prefix="/attachments")

from community.attachments import rules  # noqa: E402,F401  (permissions)
