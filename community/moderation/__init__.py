"""Moderation: reports, the review queue, actions, appeals, sanctions and the moderation log."""
from flask import Blueprint

from community.moderation import rules, state  # noqa: F401  (its permissions; the state the policy reads)

bp = Blueprint("moderation", __name__)
