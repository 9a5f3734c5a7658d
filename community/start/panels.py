"""The start page's panels: each has a name, a template and a loader of what it shows.

A loader takes the signed-in user and returns what the template needs, or None when the panel has
nothing to show for this user (it is left out then). Register with:

    register_panel("digitalcheck", _l("Your Digital-Check"), "digitalcheck/_start_panel.html", load_status, order=50)
"""
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from community.extensions import db
from community.notifications.models import Notification
from community.start.steps import PUBLIC_BODY, VENDOR, steps_for
from community.suggestions.models import PENDING, ContactRequest

SHOWN = 5


@dataclass(frozen=True)
class Panel:
    name: str
    title: object  # a lazy translation
    template: str
    load: Callable[[object], object]
    order: int


PANELS: dict[str, Panel] = {}


def register_panel(name: str, title, template: str, load: Callable[[object], object], order: int = 100) -> None:
    PANELS[name] = Panel(name, title, template, load, order)


def loaded_panels(user) -> list[tuple[Panel, object]]:
    """The panels with something to show, in their order."""
    found = []
    for panel in sorted(PANELS.values(), key=lambda panel: (panel.order, panel.name)):
        data = panel.load(user)
        if data:
            found.append((panel, data))
    return found


def _incoming_contact_requests(user):
    if user.organisation_id is None:
        return None
    return db.session.scalars(db.select(ContactRequest).filter(
        ContactRequest.to_org_id == user.organisation_id, ContactRequest.status == PENDING)
        .order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc()).limit(SHOWN)).all()


def _unread(kinds):
    def load(user):
        return db.session.scalars(db.select(Notification).filter(
            Notification.user_id == user.id, Notification.kind.in_(kinds), Notification.read_at.is_(None))
            .order_by(Notification.id.desc()).limit(SHOWN)).all()
    return load


def _rooms_with_unread(user):
    from community.rooms.services import room_list  # rooms build on notifications, which build on this

    return [summary for summary in room_list(user) if summary.is_member and summary.unread][:SHOWN]


register_panel("contact_requests", _l("New contact requests"), "start/_contact_requests.html", _incoming_contact_requests, order=10)
register_panel("replies", _l("Replies on threads you watch"), "start/_notifications.html", _unread(("forum_post", "reply", "mention")), order=20)
register_panel("suggestions", _l("New suggestions since your last visit"), "start/_notifications.html", _unread(("match",)), order=30)
register_panel("rooms", _l("Rooms with unread messages"), "start/_rooms.html", _rooms_with_unread, order=40)
register_panel("next_steps", _l("Your next steps"), "start/_steps.html", lambda user: steps_for(user, PUBLIC_BODY), order=5)
register_panel("profile_checklist", _l("Your profile checklist"), "start/_steps.html", lambda user: steps_for(user, VENDOR),
               order=15)
