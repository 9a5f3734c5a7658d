"""Demo trainings and events: the competence centre's trainings (online, on site, hybrid) and vendor
events of the demo companies; a few registrations of the demo accounts, a full event with a waitlist
and a past one with attendance marked, so the certificate can be tried.

Written straight to the tables (as the other demos are): demo events notify nobody. They are demo rows
(is_demo) and go with their organisations on reset.
"""
from datetime import datetime, timedelta

from sqlalchemy import select

from community.auth.models import User
from community.consultations.demo import CENTRE_NAME
from community.events.models import CONFIRMED, WAITLISTED, Event, Registration
from community.events.services import to_utc
from community.extensions import db
from community.models_base import utcnow
from community.organisations.models import Organisation
from community.signals import records_bulk_changed

ONLINE = "https://konferenz.demo.example.org/raum/"
# (title, description, format, topics, audience, in days, local hour, hours, capacity, organiser e-mail local part)
CENTRE_EVENTS = (
    ("Die E-Akte einführen: Schritt für Schritt",
     "Wie Kommunen die **elektronische Akte** einführen: Aktenplan, Scannen, Dokumentenmanagement, "
     "Beteiligung des Personalrats. Mit Erfahrungen aus drei Landkreisen.",
     "online", ["eakte", "organisation"], ["municipality", "lt5k", "5k-20k"], 9, 10, 2, 40, "beratung.leitung"),
    ("Onlinedienste nach dem OZG: Einer für Alle nachnutzen",
     "EfA-Leistungen finden, anbinden und bekannt machen: Bauantrag, Wohngeld, Gewerbeanmeldung.",
     "hybrid", ["ozg"], ["municipality"], 16, 9, 3, 25, "beratung.ozg"),
    ("Informationssicherheit nach BSI-Grundschutz für kleine Kommunen",
     "Basis-Absicherung, Notfallhandbuch, Schulung der Beschäftigten: was in drei Monaten zu schaffen ist.",
     "onsite", ["sicherheit", "infrastruktur"], ["municipality", "lt5k", "5k-20k"], 23, 9, 6, 3, "beratung.it"),
    ("Kommunale Wärmeplanung mit offenen Daten",
     "Verbrauchsdaten erheben, Geodaten nutzen und die Wärmeplanung fristgerecht abschließen.",
     "online", ["energie", "daten"], ["municipality"], 30, 14, 2, 60, "beratung.leitung"),
    ("Digitalstrategie: vom Leitbild zum Umsetzungsplan",
     "Ein halber Tag zu Zielen, Zuständigkeiten und Budget der Digitalisierung in der Verwaltung.",
     "onsite", ["organisation", "finanzen"], ["municipality", "state"], -14, 9, 4, 20, "beratung.leitung"),
)
VENDOR_EVENTS = (
    ("Produktvorstellung: Dokumentenmanagement für Kommunen",
     "Unser DMS in der Praxis: Schnittstellen zu Fachverfahren, E-Akte nach DOMEA, Preise für Kommunen.",
     "online", ["eakte"], ["municipality"], 12, 11, 1, 100, "hersteller.admin"),
    ("Webinar: Terminvergabe und Bürgerportal aus einer Hand",
     "Wie das kommunale IT-Rechenzentrum Onlinedienste und Terminvergabe bereitstellt.",
     "online", ["ozg"], ["municipality"], 19, 10, 1, 80, "it.admin"),
)
# (event index in CENTRE_EVENTS, e-mail local parts registered in this order)
REGISTRATIONS = (
    (0, ("gemeinde.admin", "landkreis.mitglied")),
    (2, ("gemeinde.admin", "gemeinde.mitglied", "landkreis.admin", "landkreis.mitglied")),  # 3 places: a waitlist
    (4, ("gemeinde.admin", "landkreis.admin")),  # past: both attended
)


def _users() -> dict[str, User]:
    from community.demo.accounts import DEMO_EMAIL_DOMAIN

    return {user.email.split("@")[0]: user
            for user in db.session.scalars(select(User).where(User.email.endswith(f"@{DEMO_EMAIL_DOMAIN}")))}


def _event(spec, users, index: int) -> Event | None:
    title, description, format_, topics, audience, days, hour, hours, capacity, organiser = spec
    person = users.get(organiser)
    if person is None:
        return None
    day = (utcnow() + timedelta(days=days)).date()
    starts = to_utc(datetime(day.year, day.month, day.day, hour), "Europe/Berlin")
    event = Event(title=title, description=description, format=format_, topics=topics, audience=audience,
                  starts_at=starts, ends_at=starts + timedelta(hours=hours), capacity=capacity,
                  location="" if format_ == "online" else "Kreishaus, Sitzungssaal 1, Musterstadt",
                  online_url="" if format_ == "onsite" else f"{ONLINE}{index + 1}",
                  registration_deadline=starts - timedelta(days=1), organiser_id=person.id,
                  organisation_id=person.organisation_id, is_demo=True)
    db.session.add(event)
    return event


def seed_events(world) -> None:
    users = _users()
    centre = db.session.scalar(select(Organisation).filter_by(name=CENTRE_NAME))
    if centre is None:
        return
    events = [_event(spec, users, i) for i, spec in enumerate(CENTRE_EVENTS)]
    vendor = [_event(spec, users, len(CENTRE_EVENTS) + i) for i, spec in enumerate(VENDOR_EVENTS)]
    db.session.flush()
    for index, people in REGISTRATIONS:
        event = events[index]
        if event is None:
            continue
        for local in people:
            if local not in users:
                continue
            confirmed = event.confirmed_count < event.capacity
            event.confirmed_count += confirmed
            db.session.add(Registration(event_id=event.id, user_id=users[local].id,
                                        status=CONFIRMED if confirmed else WAITLISTED,
                                        attended=confirmed and event.starts_at < utcnow(),
                                        created_at=event.starts_at - timedelta(days=7)))
    db.session.commit()
    if any(events) or any(vendor):
        records_bulk_changed.send("demo-events")  # the matching index learns the events
