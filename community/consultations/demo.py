"""Demo content of the competence centre: the centre as an organisation with its consultants (printed
with the other demo accounts) and first consultations in several states of the workflow.

Written straight to the tables, as the forum demo is: demo cases must not notify anyone.
"""
from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from community.auth.models import User
from community.consultations import workflow
from community.consultations.models import Consultation, ConsultationEvent, ConsultationMessage
from community.demo.accounts import DEMO_EMAIL_DOMAIN, DemoAccount
from community.extensions import db
from community.models_base import utcnow
from community.organisations.models import Organisation
from community.profiles.models import Need, Offer

CENTRE_NAME = "Kompetenzzentrum Digitalisierung (Demo)"
# (e-mail local part, name, job title)
CONSULTANTS = (
    ("beratung.leitung", "Dr. Miriam Albrecht", "Leitung Erstberatung"),
    ("beratung.ozg", "Paul Lindner", "Berater OZG und Onlinedienste"),
    ("beratung.it", "Svenja Kraus", "Beraterin IT-Sicherheit und Infrastruktur"),
)
# (requester, subject, topics, urgency, format, path of statuses after "requested", days ago)
CASES = (
    ("gemeinde.admin", "Einstieg in die E-Akte", ["eakte", "organisation"], "normal", "video", [], 3),
    ("landkreis.admin", "Informationssicherheit nach BSI-Grundschutz", ["sicherheit"], "high", "onsite",
     [workflow.ACCEPTED], 9),
    ("gemeinde.mitglied", "Bürgerbüro: Termine online vergeben", ["ozg"], "low", "phone",
     [workflow.ACCEPTED, workflow.SCHEDULED], 15),
    ("landkreis.mitglied", "Digitaler Bauantrag im Kreis", ["ozg"], "normal", "video",
     [workflow.ACCEPTED, workflow.SCHEDULED, workflow.ADVISED], 30),
    ("gemeinde.admin", "Breitband für Schulen", ["infrastruktur", "bildung"], "normal", "phone",
     [workflow.ACCEPTED, workflow.SCHEDULED, workflow.ADVISED, workflow.CLOSED], 60),
    ("landkreis.admin", "Auswahl eines DMS-Herstellers", ["eakte"], "low", "phone", [workflow.DECLINED], 20),
)
DESCRIPTION = ("Wir stehen am Anfang und möchten wissen, wie andere Kommunen vorgegangen sind, "
               "welche Fördermittel es gibt und womit wir anfangen sollten.")


def seed_consultations(world) -> None:
    """Add the centre, its consultants (to world.accounts) and the demo cases."""
    centre = Organisation(name=CENTRE_NAME, kind="state", org_type="behoerde", is_demo=True, verified=True,
                          verified_at=utcnow(), description="Neutrale Erstberatung für Kommunen (Demo).")
    centre.topics = ["ozg", "organisation", "sicherheit"]
    db.session.add(centre)
    db.session.flush()
    password_hash = generate_password_hash(world.password)
    consultants = []
    for local, name, job_title in CONSULTANTS:
        consultants.append(User(email=f"{local}@{DEMO_EMAIL_DOMAIN}", name=name, job_title=job_title,
                                role="consultant", password_hash=password_hash, organisation_id=centre.id))
        world.accounts.append((DemoAccount(local, name, job_title, role="consultant"), CENTRE_NAME))
    db.session.add_all(consultants)
    db.session.flush()
    users = {user.email.split("@")[0]: user
             for user in db.session.scalars(select(User).where(User.email.endswith(f"@{DEMO_EMAIL_DOMAIN}")))}
    for index, (requester, subject, topics, urgency, format_, path, days) in enumerate(CASES):
        _write_case(users[requester], consultants[index % len(consultants)], subject, topics, urgency, format_,
                    path, days)
    db.session.commit()


def _write_case(requester, consultant, subject, topics, urgency, format_, path, days) -> None:
    created = utcnow() - timedelta(days=days)
    case = Consultation(organisation_id=requester.organisation_id, requester_id=requester.id, subject=subject,
                        description=DESCRIPTION, topics=topics, urgency=urgency, preferred_format=format_,
                        status=workflow.REQUESTED, created_at=created, updated_at=created, is_demo=True)
    db.session.add(case)
    db.session.flush()
    events = [ConsultationEvent(consultation_id=case.id, actor_id=requester.id, to_status=workflow.REQUESTED,
                                created_at=created)]
    for step, to in enumerate(path, start=1):
        at = created + timedelta(days=step * days / (len(path) + 1))
        reason = ""
        if to == workflow.ACCEPTED:
            case.assignee_id = consultant.id
        elif to == workflow.SCHEDULED:
            case.scheduled_for = (at + timedelta(days=5)).replace(hour=10, minute=0, second=0, microsecond=0)
        elif to == workflow.ADVISED:
            case.advice = ("Beginnen Sie mit einem kleinen, sichtbaren Onlinedienst, nutzen Sie EfA-Lösungen "
                           "und tauschen Sie sich mit Kommunen aus, die das schon hinter sich haben.")
            case.recommendations = _recommendations(topics)
        elif to == workflow.CLOSED:
            case.closed_at, case.rating, case.rating_comment = at, 5, "Sehr hilfreich, danke!"
        elif to == workflow.DECLINED:
            reason = case.decline_reason = ("Zur Auswahl einzelner Hersteller beraten wir nicht: das Kompetenzzentrum "
                                            "ist neutral. Gern helfen wir bei den Anforderungen.")
        events.append(ConsultationEvent(consultation_id=case.id, actor_id=consultant.id,
                                        from_status=case.status, to_status=to, reason=reason, created_at=at))
        case.status = to
    db.session.add_all(events)
    db.session.add(ConsultationMessage(consultation_id=case.id, author_id=requester.id, created_at=created,
                                       text="Vielen Dank vorab! Welche Unterlagen sollen wir vorbereiten?"))
    if path:
        db.session.add(ConsultationMessage(consultation_id=case.id, author_id=consultant.id, internal=True,
                                           created_at=created + timedelta(hours=2),
                                           text="Interne Notiz: Kreis hat 2024 bereits Fördermittel erhalten."))


def _recommendations(topics) -> list[dict]:
    """Links to demo needs and offers on the case's topics (what the demo happens to hold)."""
    links = []
    for kind, model in (("need", Need), ("offer", Offer)):
        for entry in db.session.scalars(select(model).order_by(model.id).limit(200)):
            if set(entry.topics) & set(topics):
                links.append({"kind": kind, "id": entry.id})
                break
    return links
