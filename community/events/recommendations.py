"""Events recommended for an organisation: from its open needs, its Digital-Check Handlungsfelder and
its topics. Events are one more record kind of the matching engine ("event:<id>", upcoming scheduled
events only), so a need finds trainings the way it finds offers.

Score of an event = the best match of any open need (engine.similar, need -> event)
                  + 0.3 per top-3 Handlungsfeld of the latest submitted Digital-Check sharing a topic
                  + 0.1 per topic of the organisation's profile it shares.
"""
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from community.events.models import SCHEDULED, Event
from community.extensions import db
from community.i18n import lazy_plain
from community.models_base import utcnow
from community.search.services import Found, register_search_kind
from community.suggestions import engine as matching
from matching import Record

EVENT = "event"
NEEDS_ASKED = 20
CANDIDATES = 30
MIN_SCORE = 0.05
FIELD_WEIGHT = 0.3
TOPIC_WEIGHT = 0.1


def event_record(event: Event) -> Record:
    return Record(id=matching.record_id(EVENT, event.id), kind=EVENT, title=event.title,
                  text=event.description or "", topics=tuple(event.topics or ()),
                  owner=f"org:{event.organisation_id}" if event.organisation_id else None)


def _indexed() -> sa.Select:
    return sa.select(Event).filter(Event.status == SCHEDULED, Event.ends_at >= utcnow())


matching.register_record_kind(EVENT, Event, event_record, _indexed)


def _find(viewer, ids: list[int]) -> dict[int, Found]:
    """Upcoming scheduled events of these ids: every reader may see them (event.view)."""
    from flask import url_for

    from community.events.times import event_time

    return {event.id: Found(title=event.title, text=event.description or "",
                            url=url_for("events.show", event_id=event.id), topics=tuple(event.topics or ()),
                            land=event.organisation.land if event.organisation else None,
                            source=event_time(event.starts_at, event, "short"))
            for event in db.session.scalars(_indexed().options(joinedload(Event.organisation))
                                          .filter(Event.id.in_(ids)))}


register_search_kind(EVENT, _l("Event"), _l("Trainings and events"), _find, order=50)


@dataclass
class Recommended:
    event: Event
    score: float = 0.0
    reasons: list = field(default_factory=list)


def _upcoming(ids) -> dict[int, Event]:
    if not ids:
        return {}
    return {event.id: event for event in db.session.scalars(_indexed().filter(Event.id.in_(list(ids))))}


def events_for_need(need, k: int = 3) -> list[Event]:
    """Upcoming events that match one need."""
    if need is None or need.status != "open":
        return []
    matches = matching.engine().similar(matching.entry_record(need), CANDIDATES, (EVENT,))
    ids = [matching.parse_record_id(m.id)[1] for m in matches if m.score >= MIN_SCORE]
    found = _upcoming(ids)
    return [found[i] for i in ids if i in found][:k]


def _top_fields(organisation) -> list[tuple[str, str, tuple]]:
    """(slug, label, topics) of the latest submitted Digital-Check's top Handlungsfelder."""
    from community.digitalcheck import services as digitalcheck

    assessment = digitalcheck.latest_submitted(organisation.id)
    if assessment is None:
        return []
    dimensions = digitalcheck.questionnaire().dimension_by_slug
    fields = [f for f in digitalcheck.result_of(assessment)["fields"] if f.get("need_for_action")]
    top = []
    for item in fields[:digitalcheck.TOP_FIELDS]:
        dimension = dimensions.get(item["dimension"])
        if dimension is not None:
            top.append((dimension.slug, str(dimension.label), tuple(dimension.topics)))
    return top


def recommended_events(organisation, k: int = 5) -> list[Recommended]:
    """The k upcoming events best fitting the organisation, best first, each with why it fits."""
    if organisation is None:
        return []
    from community.profiles.models import Need

    ranked: dict[int, Recommended] = {}

    def add(event_id: int, score: float, reason) -> None:
        item = ranked.setdefault(event_id, Recommended(event=None))
        item.score += score
        if reason not in item.reasons:
            item.reasons.append(reason)

    needs = db.session.scalars(sa.select(Need).filter_by(organisation_id=organisation.id, status="open")
                               .order_by(Need.id.desc()).limit(NEEDS_ASKED)).all()
    engine = matching.engine()
    best_by_need: dict[int, float] = {}
    for need in needs:
        for match in engine.similar(matching.entry_record(need), CANDIDATES, (EVENT,)):
            parsed = matching.parse_record_id(match.id)
            if parsed is None or match.score < MIN_SCORE:
                continue
            if match.score > best_by_need.get(parsed[1], 0):
                best_by_need[parsed[1]] = match.score
            ranked.setdefault(parsed[1], Recommended(event=None))
            reason = lazy_plain("Fits your need “%(title)s”", title=need.title)
            if reason not in ranked[parsed[1]].reasons:
                ranked[parsed[1]].reasons.append(reason)
    for event_id, score in best_by_need.items():
        ranked[event_id].score += score
    fields = _top_fields(organisation)
    profile_topics = set(organisation.topics or ())
    if fields or profile_topics:
        topics = set(profile_topics)
        for _slug, _label, field_topics in fields:
            topics.update(field_topics)
        candidates = db.session.scalars(_indexed()).all() if topics else []
        for event in candidates:
            shared = set(event.topics or ())
            for _slug, label, field_topics in fields:
                if shared & set(field_topics):
                    add(event.id, FIELD_WEIGHT,
                        lazy_plain("Handlungsfeld of your Digital Compass: %(field)s", field=label))
            for _ in shared & profile_topics:
                add(event.id, TOPIC_WEIGHT, _l("A topic of your organisation"))
    events = _upcoming(ranked)
    result = []
    for event_id, item in ranked.items():
        event = events.get(event_id)
        if event is None or event.organisation_id == organisation.id:
            continue
        item.event = event
        result.append(item)
    result.sort(key=lambda item: (-item.score, item.event.starts_at, item.event.id))
    return result[:k]
