"""The suggestions on the start page: the step of finding peers, and for companies the needs of others
that their offers could meet."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from community.extensions import db
from community.rooms.models import TOPIC, Room, RoomMember
from community.start.panels import register_panel
from community.start.steps import PUBLIC_BODY, VENDOR, audience_of, register_step
from community.suggestions import services
from community.suggestions.models import ContactRequest

SHOWN = 5


def _found_peers(user) -> bool:
    """A contact request either way, or a room beyond the open topic rooms, counts as having found peers."""
    org_id = user.organisation_id
    contacted = sa.select(ContactRequest.id).where(
        sa.or_(ContactRequest.from_org_id == org_id, ContactRequest.to_org_id == org_id)).limit(1)
    in_room = sa.select(RoomMember.room_id).join(Room, Room.id == RoomMember.room_id).where(
        RoomMember.user_id == user.id, Room.kind != TOPIC).limit(1)
    return db.session.scalar(contacted) is not None or db.session.scalar(in_room) is not None


def _needs_for_offers(user):
    """A company's offers with the needs of others they could meet, as on the suggestions page."""
    if audience_of(user) != VENDOR:
        return None
    groups = [group for group in services.suggestions_for(user).offers if group.by_relation.get("need")]
    return groups[:SHOWN] or None


register_step("peers", _l("Find peers with the same needs"), lambda user: url_for("suggestions.index"),
              _found_peers, audience=PUBLIC_BODY, order=40)
register_panel("offer_needs", _l("Needs of others that your offers could meet"), "suggestions/_start_panel.html",
               _needs_for_offers, order=1)
