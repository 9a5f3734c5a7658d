"""Who may propose a cooperation on a need, and who sees the cooperation potentials per Kreis."""
from community.policy import _signed_in, is_consultant, is_member_of, is_suspended, rule
from community.taxonomy import MUNICIPALITY


@rule("cooperation.propose")
def _propose(user, need) -> bool:
    """Members of the municipality whose need it is; companies and other bodies have no Kreis to share."""
    return _signed_in(user) and not is_suspended(user) and is_member_of(user, need) \
        and need.organisation.kind == MUNICIPALITY


@rule("cooperation.potentials")
def _potentials(user, target) -> bool:
    """The competence centre's consultants (the Lagebild)."""
    return is_consultant(user)
