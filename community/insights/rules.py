"""Insights are the competence centre's working picture: its consultants and the platform's admins only."""
from community.policy import is_consultant, rule


@rule("insights.view")
def _view(user, target) -> bool:
    return is_consultant(user)
