"""Who may see and answer the Digitalkompass: members of a municipal body (kind "municipality": Gemeinde,
Stadt, kreisfreie Stadt, Verbandsgemeinde, Landkreis) answer it; Land and federal bodies and companies do
not (the questionnaire and its peer groups are municipal). Consultants of the competence centre read an
assessment only when the organisation shares it with them."""
from community.policy import is_consultant, is_member_of, rule
from community.taxonomy import MUNICIPALITY


@rule("digitalcheck.create")
def _create(user, organisation) -> bool:
    return organisation is not None and organisation.kind == MUNICIPALITY and is_member_of(user, organisation)


@rule("digitalcheck.view")
def _view(user, assessment) -> bool:
    return is_member_of(user, assessment) or (assessment.share_with_centre and is_consultant(user))


@rule("digitalcheck.edit")
def _edit(user, assessment) -> bool:
    return is_member_of(user, assessment) and assessment.organisation.kind == MUNICIPALITY
