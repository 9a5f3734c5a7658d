"""Where events plug into other features: the start page panel, each need's page, the Digital-Check
result, the matching engine (recommendations.py) and the links of a consultation's advice."""
import logging

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from community.consultations.links import register_link_kind
from community.digitalcheck.recommendations import audience_fits, register_source
from community.events import bp, recommendations, services
from community.events.models import CalendarFeed, Event
from community.extensions import db
from community.i18n import lazy_plain
from community.signals import membership_ended
from community.start.panels import register_panel

log = logging.getLogger(__name__)


def _upcoming_panel(user):
    """The person's own upcoming registrations and trainings recommended for their organisation, soonest first."""
    items = [{"event": r.event, "label": _l("registered") if r.status == "confirmed" else _l("on the waitlist")}
             for r in services.upcoming_for(user, limit=3)]
    seen = {item["event"].id for item in items}
    if user.organisation is not None:
        for found in recommendations.recommended_events(user.organisation, k=5):
            if found.event.id not in seen and len(items) < 5:
                items.append({"event": found.event, "label": _l("recommended")})
    return sorted(items, key=lambda item: item["event"].starts_at)  # stable: on a tie the registration first


register_panel("events", _l("Upcoming trainings"), "events/_start_panel.html", _upcoming_panel, order=60)


def _digitalcheck_source(organisation, dimension, topics, limit):
    """Upcoming events on the Handlungsfeld's topics whose audience includes the organisation (its kind, type
    and population class), the ones recommended for the organisation first."""
    topics = set(topics)
    ranked = [found.event for found in recommendations.recommended_events(organisation, k=50)]
    ranked_ids = {event.id for event in ranked}
    others = [event for event in services.list_events(None, {}, 1, 100).items if event.id not in ranked_ids]
    found = []
    for event in ranked + others:
        if topics & set(event.topics or ()) and audience_fits(event.audience, organisation) \
                and (organisation is None or event.organisation_id != organisation.id):
            found.append({"title": event.title, "url": url_for("events.show", event_id=event.id),
                          "reason": str(lazy_plain("Training on %(date)s", date=services.local(
                              event.starts_at, event.timezone).strftime("%d.%m.%Y")))})
        if len(found) >= limit:
            break
    return found


register_source("events", _l("Trainings and events"), _digitalcheck_source, order=50)
register_link_kind("event", Event, lambda row: url_for("events.show", event_id=row.id), label=_l("Training or event"))


@bp.app_context_processor
def _need_events():
    return {"events_for_need": recommendations.events_for_need}


@membership_ended.connect
def _account_deleted(user, account_deleted=False, **_extra) -> None:
    """A deleted account's feed stops and its places in upcoming events go to the waitlist."""
    if not account_deleted:
        return
    try:
        db.session.execute(sa.delete(CalendarFeed).filter_by(user_id=user.id))
        db.session.commit()
        for registration in services.upcoming_for(user, limit=1000):
            services.cancel_registration(user, registration.event_id)
    except Exception:  # the deletion itself is committed: report, never fail the caller
        db.session.rollback()
        log.exception("events: could not release the registrations of deleted account %s", user.id)
