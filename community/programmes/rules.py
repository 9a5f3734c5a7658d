"""Who may see and maintain funding programmes: everyone reads them; the competence centre's consultants
(and admins acting as one) create, change and retire them."""
from community.policy import is_consultant, is_participant, rule


@rule("programme.view")
def _view(user, programme) -> bool:
    return True


@rule("programme.manage")
def _manage(user, target) -> bool:
    return is_participant(user) and is_consultant(user)
