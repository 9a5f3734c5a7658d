"""The invitation that goes with the "scheduled" mail: one calendar event (METHOD:REQUEST) per case, whose
SEQUENCE grows with every new date, so calendar programs move the appointment instead of adding a second one."""
from datetime import timedelta, timezone
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import gettext
from icalendar import Event, vCalAddress, vText

from community.calendarfile import new_calendar, one_line, paragraphs
from community.consultations import workflow
from community.consultations.models import Consultation
from community.extensions import db
from community.models_base import utcnow

PRODID = "-//Kommunalnetz//Erstberatung//DE"
DURATION = timedelta(hours=1)


def invitation(case: Consultation, attendee_email: str) -> str:
    config = current_app.config
    host = urlsplit(config["PUBLIC_URL"]).hostname or "kommunalnetz"
    page = config["PUBLIC_URL"].rstrip("/") + url_for("consultations.show", case_id=case.id)
    from community.consultations.services import LABELS

    entry = Event()
    entry.add("uid", f"consultation-{case.id}@{host}")
    entry.add("dtstamp", utcnow().replace(tzinfo=timezone.utc))
    entry.add("dtstart", case.scheduled_for.replace(tzinfo=timezone.utc))
    entry.add("dtend", (case.scheduled_for + DURATION).replace(tzinfo=timezone.utc))
    entry.add("sequence", sum(1 for event in case.history if event.to_status == workflow.SCHEDULED))
    entry.add("summary", one_line(gettext("First consultation: %(subject)s", subject=case.subject)))
    how = str(LABELS["format"].get(case.preferred_format, case.preferred_format))
    details = case.meeting_details or ""
    entry.add("description", paragraphs(f"{gettext('Format')}: {how}\n{details}\n\n{page}".replace("\n\n\n", "\n\n")))
    if details:
        entry.add("location", one_line(details))
    entry.add("url", page)
    organizer = vCalAddress(f"mailto:{config['MAIL_SENDER']}")
    organizer.params["cn"] = vText(one_line(config["PLATFORM_NAME"]))
    entry.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params.update({"role": vText("REQ-PARTICIPANT"), "partstat": vText("NEEDS-ACTION"),
                            "rsvp": vText("FALSE")})
    entry.add("attendee", attendee)
    entry.add("status", "CONFIRMED")
    cal = new_calendar(PRODID, method="REQUEST")
    cal.add_component(entry)
    return cal.to_ical().decode()


def for_notification(notification, user) -> str | None:
    """The invitation for a "scheduled" notice of a case still scheduled; None for every other notice."""
    from community.consultations.services import SCHEDULED_MESSAGE

    case_id = (notification.params or {}).get("case_id")
    if notification.message != SCHEDULED_MESSAGE or not isinstance(case_id, int):
        return None
    case = db.session.get(Consultation, case_id)
    if case is None or case.status != workflow.SCHEDULED or case.scheduled_for is None:
        return None
    return invitation(case, user.email)
