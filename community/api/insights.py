"""API view of the competence centre's insights (consultants and admins)."""
from flask import g

from community import policy
from community.api import bp
from community.api.auth import token_required
from community.insights.services import insights


@bp.route("/insights")
@token_required
def get_insights():
    policy.require(g.api_user, "insights.view")
    return insights()
