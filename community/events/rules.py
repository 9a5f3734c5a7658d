"""Who may organise, change, register for and see what of an event.

Organisers are the competence centre's consultants, members of public bodies and members of companies
(whose events are labelled as vendor events). An event is changed by its organiser, the admins of the
organising organisation and platform admins.
"""
from community.policy import _signed_in, is_admin, is_consultant, is_org_admin_of, is_participant, rule


def is_organiser(user, event) -> bool:
    """Organiser rights follow organisation membership: the person who created an event for an organisation
    keeps them only while a member of it (a removed member must not keep the registrants' names and
    addresses); the organisation's admins and platform admins always have them."""
    if not _signed_in(user) or event is None:
        return False
    still_member = event.organisation_id is None or getattr(user, "organisation_id", None) == event.organisation_id
    return (user.id == event.organiser_id and still_member) or is_org_admin_of(user, event) or is_admin(user)


@rule("event.create")
def _create(user, target) -> bool:
    return is_participant(user) and (is_consultant(user) or getattr(user, "organisation_id", None) is not None)


@rule("event.view")
def _view(user, event) -> bool:
    return True


@rule("event.edit")
def _edit(user, event) -> bool:
    return is_participant(user) and is_organiser(user, event)


@rule("event.participants")
def _participants(user, event) -> bool:
    """The participant list, its CSV and attendance marking."""
    return is_organiser(user, event)


@rule("event.register")
def _register(user, event) -> bool:
    return is_participant(user) and (event is None or event.is_open)


@rule("event.withdraw")
def _withdraw(user, event) -> bool:
    """Withdrawing a registration: only while the event is still open (a past or cancelled event keeps its
    list as it was, for attendance and certificates)."""
    return _signed_in(user) and event is not None and event.is_open


@rule("event.cancel")
def _cancel(user, event) -> bool:
    """Calling the event off: its organiser, and only before it is over and while it is not cancelled."""
    return is_participant(user) and is_organiser(user, event) and event.is_open


@rule("event.calendar")
def _calendar(user, event) -> bool:
    """The calendar file of one event: only while it is open, and not for someone still on the waitlist
    (a calendar entry would claim a place they do not have)."""
    if event is None or not event.is_open:
        return False
    if not _signed_in(user):
        return True
    from community.events.services import registration_of

    registration = registration_of(user, event)
    return registration is None or registration.status == "confirmed"


@rule("event.online_link")
def _online_link(user, event) -> bool:
    """The online link: the organiser and confirmed participants only."""
    if is_organiser(user, event):
        return True
    if not _signed_in(user):
        return False
    from community.events.services import registration_of

    registration = registration_of(user, event)
    return registration is not None and registration.status == "confirmed"


@rule("event.certificate")
def _certificate(user, registration) -> bool:
    """A certificate of attendance: the attendee, and the organiser of the event."""
    if not _signed_in(user) or registration is None or not registration.attended:
        return False
    return registration.user_id == user.id or is_organiser(user, registration.event)
