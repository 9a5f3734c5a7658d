"""Moderation: reports, the review queue, actions, appeals, sanctions and the moderation log."""
from flask import Blueprint

bp = Blueprint("moderation", __name__)

from community.moderation import routes, rules, state  # noqa: E402,F401  (views, permissions, the state the policy reads)
