"""Who may see and maintain funding programmes: everyone reads them; the competence centre's consultants
(and admins acting as one) create, change and retire them."""
from community.policy import can, is_consultant, is_participant, rule


@rule("programme.view")
def _view(user, programme) -> bool:
    return True


@rule("programme.manage")
def _manage(user, target) -> bool:
    return is_participant(user) and is_consultant(user)


@rule("programme.name_funding")
def _name_funding(user, example) -> bool:
    """Which programmes funded a good example: whoever may edit or review the example."""
    return example is not None and (can(user, "example.edit", example) or can(user, "example.review", example))
