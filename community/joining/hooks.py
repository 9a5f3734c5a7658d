"""The join request on the start page: while it is pending, what happens now and what can be done meanwhile."""
from flask_babel import lazy_gettext as _l

from community.joining import services
from community.signals import email_confirmed
from community.start.panels import register_panel


def _pending_request(user):
    if user.organisation_id is not None:
        return None
    return services.pending_request_of(user)


register_panel("join_request", _l("Your join request is waiting"), "joining/_start_panel.html", _pending_request, order=1)


@email_confirmed.connect
def _announce_waiting_request(user, **_extra) -> None:
    """A join request made before the address was confirmed goes to its deciders now."""
    join_request = services.pending_request_of(user)
    if join_request is not None:
        services.announce(join_request)
