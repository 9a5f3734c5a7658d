"""The join request on the start page: while it is pending, what happens now and what can be done meanwhile."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from community import policy
from community.auth.models import User
from community.extensions import db
from community.joining import services
from community.joining.models import PENDING, JoinRequest
from community.signals import email_confirmed
from community.start.panels import register_panel
from community.start.queues import Waiting, register_queue


def _pending_request(user):
    if user.organisation_id is not None:
        return None
    return services.pending_request_of(user)


register_panel("join_request", _l("Your join request is waiting"), "joining/_start_panel.html", _pending_request, order=1)


def _own_organisation_requests(user):
    """An organisation's admins decide who joins it."""
    if user.organisation_id is None or not getattr(user, "is_org_admin", False):
        return None
    # Requests of addresses not yet confirmed wait unseen, as in the list the link leads to.
    count, oldest = db.session.execute(sa.select(sa.func.count(), sa.func.min(JoinRequest.created_at))
                                       .join(User, User.id == JoinRequest.user_id).where(
        JoinRequest.organisation_id == user.organisation_id, JoinRequest.status == PENDING,
        User.email_confirmed_at.is_not(None))).one()
    return Waiting(count, oldest, url_for("joining.requests", org_id=user.organisation_id))


def _platform_requests(user):
    """Requests for organisations without members: the platform's admins decide those."""
    if not policy.can(user, "organisation.verify"):
        return None
    pending = services.platform_queue(user)
    return Waiting(len(pending), pending[0].created_at if pending else None, url_for("joining.platform"))


register_queue("join_requests", _l("Join requests for your organisation"), _own_organisation_requests, order=30)
register_queue("platform_join_requests", _l("Join requests for organisations without members"), _platform_requests,
               order=31)


@email_confirmed.connect
def _announce_waiting_request(user, **_extra) -> None:
    """A join request made before the address was confirmed goes to its deciders now."""
    join_request = services.pending_request_of(user)
    if join_request is not None:
        services.announce(join_request)
