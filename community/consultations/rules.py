"""Who may request, see and work a first consultation. The centre is neutral: companies never see a case."""
from community.policy import _signed_in, is_confirmed, is_consultant, is_member_of, rule


def is_requester_side(user, case) -> bool:
    """A member of the organisation that asked (consultants of the centre are never that side)."""
    return is_member_of(user, case) and case.organisation.is_public_body and not is_consultant(user)


def _in_public_body(user) -> bool:
    # The centre does not ask itself: its consultants (and platform admins) work the cases.
    organisation = getattr(user, "organisation", None) if _signed_in(user) else None
    return organisation is not None and organisation.is_public_body and not is_consultant(user)


@rule("consultation.request")
def _request(user, target) -> bool:
    """Members of a public body, once their e-mail address is confirmed."""
    return _in_public_body(user) and is_confirmed(user)


@rule("consultation.desk")
def _desk(user, target) -> bool:
    """The list of cases: all of them for consultants, their organisation's for public bodies."""
    return is_consultant(user) or _in_public_body(user)


@rule("consultation.view")
def _view(user, case) -> bool:
    return is_consultant(user) or is_requester_side(user, case)


@rule("consultation.internal_notes")
def _internal_notes(user, case) -> bool:
    return is_consultant(user)


@rule("consultation.rate")
def _rate(user, case) -> bool:
    return is_requester_side(user, case) and case.status in {"advised", "closed"}
