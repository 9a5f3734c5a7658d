"""Moderation: reports, the review queue, actions, appeals, sanctions and the moderation log."""
from flask import Blueprint

bp = Blueprint("moderation", __name__)

from community.moderation import routes  # noqa: E402,F401  (registers the views on bp)
