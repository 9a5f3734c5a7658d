"""Calendar files (RFC 5545) through the `icalendar` library: one event (/events/<id>.ics) and a
person's feed of their registrations (/events/feed/<token>.ics). Times are written in UTC; the online
link goes only to the organiser and confirmed participants."""
from datetime import timezone

from flask import current_app, has_request_context, request
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from community import policy
from community.events import services
from community.events.models import CANCELLED, CONFIRMED
from community.models_base import utcnow

PRODID = "-//Kommunalnetz//Veranstaltungen//DE"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _host() -> str:
    return request.host if has_request_context() else current_app.config.get("SERVER_NAME") or "kommunalnetz"


def _base() -> str:
    return request.host_url.rstrip("/") if has_request_context() else ""


def _entry(event, with_link: bool, tentative: bool = False) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.id}@{_host()}")
    entry.add("dtstamp", utcnow().replace(tzinfo=timezone.utc))
    entry.add("dtstart", event.starts_at.replace(tzinfo=timezone.utc))
    entry.add("dtend", event.ends_at.replace(tzinfo=timezone.utc))
    entry.add("summary", event.title)
    page = f"{_base()}{services.event_path(event)}"
    description = event.description or ""
    if with_link and event.online_url:
        description = f"{description}\n\nOnline: {event.online_url}".strip()
    entry.add("description", f"{description}\n\n{page}".strip())
    entry.add("url", page)
    location = event.location or ""
    if with_link and event.online_url and not location:
        location = event.online_url
    if location:
        entry.add("location", location)
    if event.organisation is not None:
        entry.add("organizer", f"urn:kommunalnetz:organisation:{event.organisation.id}",
                  parameters={"cn": event.organisation.name})
    entry.add("status", "CANCELLED" if event.status == CANCELLED else ("TENTATIVE" if tentative else "CONFIRMED"))
    entry.add("sequence", int(event.updated_at.timestamp()) if event.updated_at else 0)
    return entry


def event_calendar(event, viewer) -> bytes:
    cal = _calendar(event.title)
    cal.add_component(_entry(event, policy.can(viewer, "event.online_link", event)))
    return cal.to_ical()


def feed_calendar(person) -> bytes:
    """Every registration of the person: confirmed ones with the link, waitlisted ones tentative."""
    cal = _calendar("Kommunalnetz")
    for registration in services.feed_registrations(person):
        confirmed = registration.status == CONFIRMED
        cal.add_component(_entry(registration.event, confirmed, tentative=not confirmed))
    return cal.to_ical()
