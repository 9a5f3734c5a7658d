"""Trainings and events: organising, listing, registration with capacity and a waitlist, attendance.

No overbooking under concurrency, on both databases: every registration and cancellation first
locks the event (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the first statement of the
transaction is a write, which takes the database's write lock), and a place is only taken by the
guarded `UPDATE event SET confirmed_count = confirmed_count + 1 WHERE confirmed_count < capacity`.

Times arrive as ISO 8601; with an offset they mean that instant, without one they are read in the
event's zone (Europe/Berlin by default, daylight saving included). They are stored naive in UTC and
shown in the event's zone.
"""
import secrets
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from community import policy
from community.errors import Conflict, InvalidInput, NotFound, PermissionDenied, ValidationError
from community.events.times import event_time, local  # noqa: F401  (used by pages and the API)
from community.events.models import (CANCELLED, CONFIRMED, FORMATS, SCHEDULED, WAITLISTED, CalendarFeed, Event,
                                     Registration)
from community.extensions import db
from community.i18n import N_, lazy_plain
from community.models_base import get_or_not_found, utcnow
from community.notifications import kinds
from community.notifications.services import notify
from community.pagination import Page, paginate
from community.signals import entry_changed
from community.taxonomy import ORG_KINDS, POPULATION_CLASSES, TOPICS
from community.validation import MAX_ID, Flag, ManyOf, Number, OneOf, Schema, Text, sane_date

DEFAULT_TIMEZONE = "Europe/Berlin"
MAX_CAPACITY = 100_000
REMIND_BEFORE = timedelta(days=1)
NOTIFICATION_KINDS = (
    EVENT_PROMOTED := "event_promoted",
    EVENT_CHANGED := "event_changed",
    EVENT_CANCELLED := "event_cancelled",
    EVENT_REMINDER := "event_reminder",
)
for _kind in NOTIFICATION_KINDS:
    kinds.register_kind(_kind, kinds.EVENTS)

TOPIC_SLUGS = [topic.slug for topic in TOPICS]
AUDIENCE_SLUGS = [choice.slug for choice in POPULATION_CLASSES] + [choice.slug for choice in ORG_KINDS]
# What registered people are told about when it changes.
NOTICED_FIELDS = ("title", "format", "starts_at", "ends_at", "timezone", "location", "online_url")


@lru_cache(maxsize=1)
def _zones() -> frozenset:
    return frozenset(available_timezones())


class DateTimeValue:
    """ISO 8601 date and time; an offset (or Z) names the instant, without one it is local time."""

    def clean(self, value):
        if value in (None, ""):
            return None
        if not isinstance(value, str) or len(value) > 40:
            raise ValueError(_l("Enter a date and time such as 2026-03-01T10:00+01:00."))
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise ValueError(_l("Enter a date and time such as 2026-03-01T10:00+01:00.")) from None
        return sane_date(parsed)


class ZoneValue:
    def clean(self, value):
        if value in (None, ""):
            return None
        if not isinstance(value, str) or value not in _zones():
            raise ValueError(lazy_plain("Unknown time zone: %(value)s.", value=str(value)[:50]))
        return value


class UrlValue:
    def clean(self, value):
        value = Text(500).clean(value)
        if not value:
            return ""
        try:
            parts = urlsplit(value)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("https", "http") or not parts.netloc or any(c.isspace() for c in value):
            raise ValueError(_l("Enter a web address starting with https://."))
        return value


EVENT_SCHEMA = Schema({
    "title": Text(200, required=True),
    "description": Text(20000, multiline=True),
    "format": OneOf(FORMATS, required=True),
    "starts_at": DateTimeValue(),
    "ends_at": DateTimeValue(),
    "timezone": ZoneValue(),
    "location": Text(300),
    "online_url": UrlValue(),
    "capacity": Number(1, MAX_CAPACITY, required=True),
    "registration_deadline": DateTimeValue(),
    "topics": ManyOf(TOPIC_SLUGS, max_items=len(TOPIC_SLUGS)),
    "audience": ManyOf(AUDIENCE_SLUGS, max_items=len(AUDIENCE_SLUGS)),
})
LIST_FILTERS = Schema({"from": DateTimeValue(), "topic": OneOf(TOPIC_SLUGS), "recommended": Flag()})
BAD_FIELDS = _l("Please correct the marked fields.")


def _clean(schema: Schema, data, partial: bool = False) -> dict:
    try:
        return schema.clean(data, partial=partial)
    except ValidationError as error:
        raise InvalidInput(error.message, fields=error.fields) from None


# --- times ---------------------------------------------------------------------------------------


def to_utc(value: datetime, zone: str) -> datetime:
    """A parsed time as naive UTC: an aware one as it is, a naive one read in `zone`."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone))
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def iso(value: datetime | None, zone: str) -> str | None:
    shown = local(value, zone)
    return None if shown is None else shown.isoformat()


# --- organising ------------------------------------------------------------------------------------


def get_event(event_id) -> Event:
    _known_id(event_id)
    return get_or_not_found(Event, event_id, _l("No such event."))


def _known_id(event_id) -> None:
    """Ids beyond the id columns' range (or not whole numbers) name no event: 404, never a 500."""
    if isinstance(event_id, bool) or not isinstance(event_id, int) or not 1 <= event_id <= MAX_ID:
        raise NotFound(_l("No such event."))


def event_path(event) -> str:
    return f"/events/{event.id}"


def _apply(event: Event, values: dict, creating: bool) -> dict:
    """Copy cleaned values onto the event, checking what depends on several fields; the changes."""
    zone = values.get("timezone") or event.timezone or DEFAULT_TIMEZONE
    errors = {}
    if creating:
        for name in ("starts_at", "ends_at"):
            if values.get(name) is None:
                errors[name] = _l("This field is required.")
    if errors:
        raise InvalidInput(BAD_FIELDS, fields=errors)
    before = {name: getattr(event, name) for name in NOTICED_FIELDS}
    event.timezone = zone
    for name in ("starts_at", "ends_at", "registration_deadline"):
        if name in values:
            setattr(event, name, None if values[name] is None else to_utc(values[name], zone))
    for name in ("title", "description", "format", "location", "online_url", "capacity", "topics", "audience"):
        if name in values and values[name] is not None:
            setattr(event, name, values[name])
    if event.starts_at is None:
        errors["starts_at"] = _l("This field is required.")
    if event.ends_at is None:
        errors["ends_at"] = _l("This field is required.")
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        errors["ends_at"] = _l("The end must be after the start.")
    if event.registration_deadline and event.ends_at and event.registration_deadline > event.ends_at:
        errors["registration_deadline"] = _l("The registration deadline must not be after the end.")
    if event.format in ("online", "hybrid") and not event.online_url:
        errors["online_url"] = _l("An online or hybrid event needs its online link.")
    if event.format in ("onsite", "hybrid") and not event.location:
        errors["location"] = _l("An on-site or hybrid event needs its location.")
    if (event.confirmed_count or 0) > (event.capacity or 0) and event.capacity is not None:
        errors["capacity"] = lazy_plain("%(n)s people are already confirmed; the capacity cannot be lower.",
                                n=event.confirmed_count)
    if errors:
        raise InvalidInput(BAD_FIELDS, fields=errors)
    return {name: (before[name], getattr(event, name)) for name in NOTICED_FIELDS
            if before[name] != getattr(event, name)}


def _refuse_links(user, values: dict) -> None:
    """New accounts publish no links in an event's texts; the online link is an address by design."""
    from community.forums.services import refuse_links_in

    refuse_links_in(user, values, ("title", "description", "location"), InvalidInput)


def create_event(user, data) -> Event:
    policy.require(user, "event.create")
    values = _clean(EVENT_SCHEMA, data)
    _refuse_links(user, values)
    event = Event(organiser_id=user.id, organisation_id=user.organisation_id, confirmed_count=0,
                  timezone=DEFAULT_TIMEZONE, topics=[], audience=[], description="", location="", online_url="")
    _apply(event, values, creating=True)
    db.session.add(event)
    db.session.commit()
    entry_changed.send(event)
    return event


def update_event(user, event: Event, data) -> Event:
    """Change an event (its organiser); the registered people hear of changed times, places and links;
    a higher capacity moves the first waitlisted up."""
    policy.require(user, "event.edit", event)
    if event.status == CANCELLED:
        raise Conflict(_l("This event has been cancelled."))
    if isinstance(data, dict) and data.get("status") == CANCELLED and set(data) == {"status"}:
        return cancel_event(user, event)
    values = _clean(EVENT_SCHEMA, data, partial=True)
    _refuse_links(user, values)
    event_id = event.id
    db.session.rollback()
    _lock_event(event_id)
    event = get_event(event_id)
    try:
        changes = _apply(event, values, creating=False)
    except InvalidInput:
        db.session.rollback()
        raise
    if "starts_at" in changes:
        db.session.execute(sa.update(Registration).filter(Registration.event_id == event_id)
                           .values(reminded_at=None))
    promoted = _promote_waitlisted(event)
    db.session.commit()
    entry_changed.send(event)
    if promoted:
        notify(promoted, EVENT_PROMOTED, N_("A place became free: you are now registered for “%(title)s”"),
               event_path(event), title=event.title)
    if changes:
        told = [uid for uid in registered_user_ids(event) if uid not in promoted]
        notify(told, EVENT_CHANGED, N_("“%(title)s” has changed: please check the time, place and link"),
               event_path(event), title=event.title)
    return event


def _promote_waitlisted(event: Event) -> list[int]:
    """Fill free places from the waitlist in order (the event is locked); the promoted user ids."""
    free = event.capacity - event.confirmed_count
    if free <= 0:
        return []
    waiting = db.session.scalars(sa.select(Registration).filter_by(event_id=event.id, status=WAITLISTED)
                                 .order_by(Registration.id).limit(free)).all()
    for registration in waiting:
        registration.status = CONFIRMED
    event.confirmed_count += len(waiting)
    return [registration.user_id for registration in waiting]


def cancel_event(user, event: Event) -> Event:
    """Call the event off (its organiser); everyone registered or waiting is told."""
    policy.require(user, "event.edit", event)
    _refuse_unless_open(event)
    event.status = CANCELLED
    db.session.commit()
    entry_changed.send(event)
    notify(registered_user_ids(event, waitlisted=True), EVENT_CANCELLED, N_("“%(title)s” has been cancelled"),
           event_path(event), title=event.title)
    return event


def _refuse_unless_open(event: Event) -> None:
    """A cancelled or past event keeps its registrations as they were: 409 with the reason, never a change."""
    if event.status == CANCELLED:
        raise Conflict(_l("This event has been cancelled."))
    if event.is_over:
        raise Conflict(_l("This event has already taken place."))


def registered_user_ids(event: Event, waitlisted: bool = True) -> list[int]:
    statuses = (CONFIRMED, WAITLISTED) if waitlisted else (CONFIRMED,)
    return list(db.session.scalars(sa.select(Registration.user_id).filter(
        Registration.event_id == event.id, Registration.status.in_(statuses)).order_by(Registration.id)))


# --- listing -----------------------------------------------------------------------------------------


def clean_filters(args) -> dict:
    data = {name: args.get(name) for name in ("from", "topic", "recommended") if args.get(name) not in (None, "")}
    unknown = {name for name in args if name not in ("from", "topic", "recommended", "page", "per_page")}
    if unknown:
        raise InvalidInput(BAD_FIELDS, fields={name: _l("Unknown field.") for name in sorted(unknown)})
    return _clean(LIST_FILTERS, data)


def list_events(user, filters: dict | None = None, page: int = 1, per_page: int = 20) -> Page:
    """Scheduled events that have not ended (or end after `from`), soonest first; recommended=1 keeps the
    ones recommended for the caller's organisation, best first."""
    filters = filters or {}
    since = to_utc(filters["from"], DEFAULT_TIMEZONE) if filters.get("from") else utcnow()
    query = sa.select(Event).filter(Event.status == SCHEDULED, Event.ends_at >= since)
    if filters.get("topic"):
        query = query.filter(_has_topic(filters["topic"]))
    if filters.get("recommended"):
        from community.events.recommendations import recommended_events

        organisation = getattr(user, "organisation", None)
        ranked = [found.event for found in recommended_events(organisation, k=200)
                  if found.event.ends_at >= since
                  and (not filters.get("topic") or filters["topic"] in (found.event.topics or []))]
        start = (page - 1) * per_page
        return Page(items=ranked[start:start + per_page], total=len(ranked), page=page, per_page=per_page)
    return paginate(query.order_by(Event.starts_at, Event.id), page, per_page)


def _has_topic(topic: str):
    # JSON lists on both databases: the slug is one of the known words, so a quoted match is exact.
    return sa.cast(Event.topics, sa.String).like(f'%"{topic}"%')


def upcoming_for(user, limit: int = 5) -> list[Registration]:
    """The person's registrations for events still to come, soonest first."""
    return list(db.session.scalars(sa.select(Registration).join(Event).filter(
        Registration.user_id == user.id, Event.status == SCHEDULED, Event.ends_at >= utcnow())
        .order_by(Event.starts_at).limit(limit)))


# --- registration ----------------------------------------------------------------------------------


def _lock_event(event_id: int) -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(Event.id).filter(Event.id == event_id).with_for_update())
    else:
        db.session.execute(sa.update(Event).filter(Event.id == event_id)
                           .values(confirmed_count=Event.confirmed_count))


def _take_place(event_id: int) -> bool:
    taken = db.session.execute(
        sa.update(Event).filter(Event.id == event_id, Event.confirmed_count < Event.capacity)
        .values(confirmed_count=Event.confirmed_count + 1))
    return taken.rowcount == 1


def registration_of(user, event) -> Registration | None:
    if user is None or getattr(user, "id", None) is None or event is None:
        return None
    return db.session.scalar(sa.select(Registration).filter_by(event_id=event.id, user_id=user.id))


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != WAITLISTED:
        return None
    return db.session.scalar(sa.select(sa.func.count()).select_from(Registration).filter(
        Registration.event_id == registration.event_id, Registration.status == WAITLISTED,
        Registration.id <= registration.id))


def registration_to_dict(registration: Registration | None) -> dict | None:
    if registration is None:
        return None
    return {"status": registration.status, "position": waitlist_position(registration)}


def register(user, event_id: int) -> Registration:
    """Confirmed while places are left, else waitlisted; Conflict when already registered, the event is
    cancelled, over or past its registration deadline."""
    if not policy.can(user, "event.register"):
        raise PermissionDenied(_l("You may not register for events."))
    _known_id(event_id)
    user_id = user.id  # read before the rollback, which would expire it and cost a query
    db.session.rollback()  # start a fresh transaction whose first statement takes the lock
    _lock_event(event_id)
    event = get_event(event_id)
    now = utcnow()
    refused = None
    if event.status == CANCELLED:
        refused = _l("This event has been cancelled.")
    elif event.ends_at <= now:
        refused = _l("This event has already taken place.")
    elif event.registration_deadline is not None and event.registration_deadline < now:
        refused = _l("The registration deadline has passed.")
    elif db.session.scalar(sa.select(Registration.id).filter_by(event_id=event_id, user_id=user_id)):
        refused = _l("You are already registered for this event.")
    if refused is not None:
        db.session.rollback()
        raise Conflict(refused)
    status = CONFIRMED if _take_place(event_id) else WAITLISTED
    registration = Registration(event_id=event_id, user_id=user_id, status=status)
    db.session.add(registration)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("You are already registered for this event.")) from None
    return registration


def cancel_registration(user, event_id: int) -> None:
    """Withdraw; a freed place goes at once to the first on the waitlist, who is told."""
    _known_id(event_id)
    db.session.rollback()
    _lock_event(event_id)
    registration = db.session.scalar(sa.select(Registration).filter_by(event_id=event_id, user_id=user.id))
    if registration is None:
        db.session.rollback()
        get_event(event_id)
        raise Conflict(_l("You are not registered for this event."))
    try:
        _refuse_unless_open(registration.event)
    except Conflict:
        db.session.rollback()
        raise
    promoted = None
    if registration.status == CONFIRMED:
        promoted = db.session.scalar(sa.select(Registration).filter_by(event_id=event_id, status=WAITLISTED)
                                     .order_by(Registration.id).limit(1))
        if promoted is None:
            db.session.execute(sa.update(Event).filter(Event.id == event_id)
                               .values(confirmed_count=Event.confirmed_count - 1))
        else:
            promoted.status = CONFIRMED
    db.session.delete(registration)
    db.session.commit()
    if promoted is not None:
        event = get_event(event_id)
        notify([promoted.user_id], EVENT_PROMOTED, N_("A place became free: you are now registered for “%(title)s”"),
               event_path(event), title=event.title)


def participants(user, event: Event) -> list[Registration]:
    """Confirmed first, then the waitlist in order (the organiser)."""
    policy.require(user, "event.participants", event)
    order = sa.case((Registration.status == CONFIRMED, 0), else_=1)
    return list(db.session.scalars(sa.select(Registration).filter_by(event_id=event.id)
                                   .order_by(order, Registration.id)))


def participant_to_dict(registration: Registration) -> dict:
    person = registration.user
    return {"id": registration.id, "user_id": registration.user_id, "name": person.name,
            "email": person.email, "organisation": person.organisation.name if person.organisation else None,
            "status": registration.status, "position": waitlist_position(registration),
            "attended": registration.attended, "registered_at": _utc_iso(registration.created_at)}


def _utc_iso(value: datetime | None) -> str | None:
    return None if value is None else value.replace(tzinfo=timezone.utc).isoformat()


def has_begun(event: Event, now: datetime | None = None) -> bool:
    return event.starts_at <= (now or utcnow())


def mark_attendance(user, event: Event, attended_user_ids) -> int:
    """After the event has begun, the organiser marks who attended (confirmed participants only)."""
    if len(attended_user_ids or ()) > MAX_CAPACITY:  # no event has more participants to tick
        raise InvalidInput(BAD_FIELDS, fields={"attended": lazy_plain("Choose at most %(n)s.", n=MAX_CAPACITY)})
    policy.require(user, "event.participants", event)
    if not has_begun(event):
        raise Conflict(_l("Attendance can be marked once the event has begun."))
    ids = set()
    for value in attended_user_ids or ():
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            raise InvalidInput(BAD_FIELDS, fields={"attended": lazy_plain("Unknown value: %(value)s.",
                                                                  value=str(value)[:50])}) from None
    marked = 0
    for registration in db.session.scalars(sa.select(Registration).filter_by(event_id=event.id, status=CONFIRMED)):
        registration.attended = registration.user_id in ids
        marked += registration.attended
    db.session.commit()
    return marked


# --- what the API and pages show ---------------------------------------------------------------------


def event_to_dict(event: Event, viewer) -> dict:
    data = {
        "id": event.id, "title": event.title, "description": event.description, "format": event.format,
        "starts_at": iso(event.starts_at, event.timezone), "ends_at": iso(event.ends_at, event.timezone),
        "timezone": event.timezone, "location": event.location, "capacity": event.capacity,
        "confirmed": event.confirmed_count, "places_left": max(0, event.capacity - event.confirmed_count),
        "registration_deadline": iso(event.registration_deadline, event.timezone),
        "topics": list(event.topics or []), "audience": list(event.audience or []), "status": event.status,
        "organiser": event.organiser.name if event.organiser else None,
        "organisation": None if event.organisation is None else {
            "id": event.organisation.id, "name": event.organisation.name, "kind": event.organisation.kind},
        "vendor_event": event.is_vendor_event,
        "my_registration": registration_to_dict(registration_of(viewer, event)),
    }
    if policy.can(viewer, "event.online_link", event):
        data["online_url"] = event.online_url
    return data


# --- reminders ---------------------------------------------------------------------------------------


def send_due_reminders(now: datetime | None = None) -> int:
    """Remind confirmed participants of events starting within a day; each registration once (a guarded
    UPDATE of `reminded_at` claims it, so two runners never remind twice). The number reminded."""
    now = now or utcnow()
    due = db.session.execute(sa.select(Registration.id, Registration.user_id, Event.id, Event.title).join(Event)
                             .filter(Event.status == SCHEDULED, Event.starts_at > now,
                                     Event.starts_at <= now + REMIND_BEFORE, Registration.status == CONFIRMED,
                                     Registration.reminded_at.is_(None))).all()
    db.session.rollback()
    reminded = 0
    for registration_id, user_id, event_id, title in due:
        claimed = db.session.execute(sa.update(Registration).filter(
            Registration.id == registration_id, Registration.reminded_at.is_(None)).values(reminded_at=now))
        db.session.commit()
        if claimed.rowcount != 1:
            continue
        notify([user_id], EVENT_REMINDER, N_("Reminder: “%(title)s” begins within a day"), f"/events/{event_id}",
               title=title)
        reminded += 1
    return reminded


# --- the personal calendar feed ----------------------------------------------------------------------


def feed_token(user, reset: bool = False) -> str:
    """The person's secret feed token, made on first use; `reset` replaces it (the old address stops)."""
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token=secrets.token_urlsafe(32))
        db.session.add(feed)
    elif reset:
        feed.token, feed.created_at = secrets.token_urlsafe(32), utcnow()
    db.session.commit()
    return feed.token


def user_for_feed(token) -> object | None:
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        return None
    feed = db.session.scalar(sa.select(CalendarFeed).filter_by(token=token))
    return None if feed is None else feed.user


def feed_registrations(user) -> list[Registration]:
    """Confirmed registrations only: a waitlisted place is no appointment until it is confirmed."""
    return list(db.session.scalars(sa.select(Registration).join(Event).filter(
        Registration.user_id == user.id, Registration.status == CONFIRMED).order_by(Event.starts_at)))

