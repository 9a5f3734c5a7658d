"""Calendar files (RFC 5545) through the `icalendar` library: one event (/events/<id>.ics) and a
person's feed of their confirmed registrations (/events/feed/<token>.ics). Times are written in UTC; the online
link goes only to the organiser and confirmed participants."""
from datetime import timezone

from flask import current_app, has_request_context, request
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from community import policy
from community.calendarfile import new_calendar, one_line as _line, paragraphs as _paragraphs
from community.events import services
from community.events.models import CANCELLED
from community.models_base import utcnow

PRODID = "-//Kommunalnetz//Veranstaltungen//DE"


def _calendar(name: str) -> Calendar:
    return new_calendar(PRODID, name)


def _host() -> str:
    return request.host if has_request_context() else current_app.config.get("SERVER_NAME") or "kommunalnetz"


def _base() -> str:
    return request.host_url.rstrip("/") if has_request_context() else ""


def _entry(event, with_link: bool) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.id}@{_host()}")
    entry.add("dtstamp", utcnow().replace(tzinfo=timezone.utc))
    entry.add("dtstart", event.starts_at.replace(tzinfo=timezone.utc))
    entry.add("dtend", event.ends_at.replace(tzinfo=timezone.utc))
    entry.add("summary", _line(event.title))
    page = f"{_base()}{services.event_path(event)}"
    description = _paragraphs(event.description)
    if with_link and event.online_url:
        description = f"{description}\n\nOnline: {event.online_url}".strip()
    entry.add("description", f"{description}\n\n{page}".strip())
    entry.add("url", page)
    location = _line(event.location)
    if with_link and event.online_url and not location:
        location = event.online_url
    if location:
        entry.add("location", location)
    if event.organisation is not None:
        entry.add("organizer", f"urn:kommunalnetz:organisation:{event.organisation.id}",
                  parameters={"cn": _line(event.organisation.name)})
    entry.add("status", "CANCELLED" if event.status == CANCELLED else "CONFIRMED")
    entry.add("sequence", int(event.updated_at.timestamp()) if event.updated_at else 0)
    return entry


def event_calendar(event, viewer) -> bytes:
    cal = _calendar(event.title)
    cal.add_component(_entry(event, policy.can(viewer, "event.online_link", event)))
    return cal.to_ical()


def feed_calendar(person) -> bytes:
    """The person's confirmed registrations, with the link; a cancelled one stays, marked CANCELLED, so the
    subscribed calendar drops the appointment."""
    cal = _calendar("Kommunalnetz")
    for registration in services.feed_registrations(person):
        cal.add_component(_entry(registration.event, True))
    return cal.to_ical()
