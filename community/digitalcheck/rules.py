"""Who may see and answer a Digital-Check: the organisation's members; consultants of the competence
centre only when the organisation shares the assessment with them."""
from community.policy import is_consultant, is_member_of, rule


@rule("digitalcheck.create")
def _create(user, organisation) -> bool:
    return organisation is not None and organisation.is_public_body and is_member_of(user, organisation)


@rule("digitalcheck.view")
def _view(user, assessment) -> bool:
    return is_member_of(user, assessment) or (assessment.share_with_centre and is_consultant(user))


@rule("digitalcheck.edit")
def _edit(user, assessment) -> bool:
    return is_member_of(user, assessment) and assessment.organisation.is_public_body
