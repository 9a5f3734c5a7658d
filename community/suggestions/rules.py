"""Who may see an organisation's partner suggestions, and ask for, see and decide contact requests
(double opt-in: the details only once accepted)."""
from community.policy import _org_id, _signed_in, is_confirmed, is_member_of, rule


@rule("suggestion.view")
def _view_suggestions(user, organisation) -> bool:
    return is_member_of(user, organisation)


@rule("contact.create")
def _create_contact(user, organisation) -> bool:
    """Any member with a confirmed address may ask another organisation (never their own) to get in touch."""
    return is_confirmed(user) and user.organisation_id is not None and user.organisation_id != _org_id(organisation)


@rule("contact.view")
def _view_contact(user, request) -> bool:
    return _signed_in(user) and user.organisation_id in {request.from_org_id, request.to_org_id}


@rule("contact.decide")
def _decide_contact(user, request) -> bool:
    """Any member of the receiving organisation accepts or declines."""
    return _signed_in(user) and user.organisation_id is not None and user.organisation_id == request.to_org_id


@rule("contact.withdraw")
def _withdraw_contact(user, request) -> bool:
    return _signed_in(user) and user.organisation_id is not None and user.organisation_id == request.from_org_id


@rule("contact.see_details")
def _see_contact_details(user, request) -> bool:
    """Email, phone and job title of the people involved: only after the double opt-in."""
    return request.status == "accepted" and _view_contact(user, request)
