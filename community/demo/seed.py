"""Seeding the demo community, and removing it again.

`seed(seed)` runs SECTIONS in order on one DemoWorld: the plan_* sections (community/demo/plan.py)
describe the organisations with their needs and offers, write_organisations stores them through the
importer (so demo data obeys the rules of any import), create_accounts adds the demo users. Later
features add their own section (forum threads, rooms, ...) to SECTIONS, after the ones they build on.
`reset()` removes demo accounts and organisations and, by their foreign keys, whatever refers to them.
"""
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from werkzeug.security import generate_password_hash

from community.auth.models import User
from community.consultations.demo import seed_consultations
from community.cooperation.demo import seed_cooperation
from community.digitalcheck.demo import seed_digital_checks
from community.demo import plan
from community.demo.accounts import DEMO_EMAIL_DOMAIN, DemoAccount
from community.events.demo import seed_events
from community.programmes.demo import reset as reset_programmes, seed_programmes
from community.extensions import db
from community.models_base import utcnow
from community.organisations import importer, register, register_import
from community.organisations.models import Organisation
from community.profiles.models import Need, Offer
from community.rooms.services import ensure_topic_rooms
from community.signals import records_bulk_changed
from community.taxonomy import MUNICIPALITY

DEFAULT_SEED = 1
AGE_DAYS = (20, 400)  # organisations joined this many days ago


# Which planned organisation each slot takes: (kind, org_type), chosen among verified ones.
ACCOUNT_SLOTS = {
    "landkreis": ("municipality", "landkreis"),
    "gemeinde": ("municipality", "gemeinde"),
    "it_dienstleister": ("company", "it_dienstleister"),
    "hersteller": ("company", "hersteller"),
    "land": ("state", "ministerium"),
}
ACCOUNTS = (
    DemoAccount("admin", "Katrin Vogel", "Plattformbetrieb", role="admin"),
    DemoAccount("moderation", "Jonas Brandt", "Moderation", role="moderator"),
    DemoAccount("landkreis.admin", "Sabine Krüger", "Digitalisierungsbeauftragte", "landkreis", is_org_admin=True),
    DemoAccount("landkreis.mitglied", "Mehmet Yılmaz", "Sachbearbeitung Bauaufsicht", "landkreis"),
    DemoAccount("gemeinde.admin", "Thomas Becker", "Leitung Hauptamt", "gemeinde", is_org_admin=True),
    DemoAccount("gemeinde.mitglied", "Lena Hoffmann", "Bürgerbüro", "gemeinde"),
    DemoAccount("it.admin", "Frank Wagner", "Vertrieb Kommunen", "it_dienstleister", is_org_admin=True),
    DemoAccount("it.mitglied", "Julia Schäfer", "Projektleitung OZG", "it_dienstleister"),
    DemoAccount("hersteller.admin", "Markus Weber", "Geschäftsführung", "hersteller", is_org_admin=True),
    DemoAccount("hersteller.mitglied", "Anna Richter", "Kundenbetreuung", "hersteller"),
    DemoAccount("land.admin", "Claudia Neumann", "Referatsleitung Digitalisierung", "land", is_org_admin=True),
    DemoAccount("land.mitglied", "Stefan Hartmann", "Referent Förderprogramme", "land"),
)


class DemoDataInvalid(Exception):
    """The planned demo data breaks a validation rule: a bug in the demo texts, not in user input."""


def has_demo_data() -> bool:
    return db.session.execute(select(Organisation.id).filter_by(is_demo=True).limit(1)).first() is not None


def write_organisations(world: plan.DemoWorld) -> None:
    """Validate and store every planned organisation through the importer, in one transaction."""
    items = [importer.item_from_object(org.record, "record", number)[0]
             for number, org in enumerate(world.organisations, start=1)]
    problems = importer.check(importer.ParsedFile(items, []))
    if problems:
        raise DemoDataInvalid("\n".join(str(problem) for problem in problems[:20]))
    now, rng = utcnow(), world.rng

    def mark(index, org, entries):
        planned = world.organisations[index]
        org.is_demo, org.verified = True, planned.verified
        org.created_at = org.updated_at = now - timedelta(days=rng.randint(*AGE_DAYS), minutes=rng.randint(0, 1440))
        org.verified_at = org.created_at + timedelta(days=1) if planned.verified else None
        for entry in entries:
            entry.created_at = entry.updated_at = org.created_at + (now - org.created_at) * rng.random()
        planned.written = org

    importer.write(items, on_organisation=mark, announce=False)  # write_register announces both


def _register_slice(planned: set[str], entries, size: int) -> set[str] | None:
    """The planned municipalities and every n-th other one, about `size` in all; None for all."""
    if not size:
        return None
    others = [entry.official_key for entry in entries if entry.official_key not in planned]
    step = max(1, -(-len(others) // max(1, size - len(planned))))
    return planned | set(others[::step])


def write_register(world: plan.DemoWorld) -> None:
    """The rest of the official register, without needs; and the register's figures (AGS, population,
    postcode) for the planned municipalities. Tests take a slice (DEMO_REGISTER_SLICE)."""
    found = register.bundled()
    planned = {org.record["official_key"] for org in world.of(MUNICIPALITY)}
    keep = _register_slice(planned, found.entries, current_app.config.get("DEMO_REGISTER_SLICE", 0))
    world.register_report = register_import.import_register(found, is_demo=True, keep=keep)


def create_accounts(world: plan.DemoWorld) -> None:
    """The demo users; one random password for all, hashed once (scrypt is slow on purpose)."""
    slots = {}
    for slot, (kind, org_type) in ACCOUNT_SLOTS.items():
        candidates = [org for org in world.of(kind, org_type) if org.verified or kind == "company"]
        slots[slot] = world.rng.choice(candidates)
    world.password = secrets.token_urlsafe(12)
    password_hash = generate_password_hash(world.password)
    users = []
    for account in ACCOUNTS:
        organisation = slots.get(account.slot)
        users.append(User(
            email=account.email, name=account.name, job_title=account.job_title, role=account.role,
            is_org_admin=account.is_org_admin, password_hash=password_hash,
            organisation_id=organisation.written.id if organisation else None,
        ))
        world.accounts.append((account, organisation.record["name"] if organisation else ""))
    db.session.add_all(users)
    db.session.flush()
    # The demo organisations' admins wrote their organisations' entries.
    for user in users:
        if user.is_org_admin:
            for model in (Need, Offer):
                db.session.execute(update(model).filter_by(organisation_id=user.organisation_id)
                                   .values(author_id=user.id))
    db.session.commit()


def create_topic_rooms(world: plan.DemoWorld) -> None:
    """One room per topic, as on any instance (idempotent)."""
    ensure_topic_rooms()


def seed_examples(world: plan.DemoWorld) -> None:
    """The demo library of good examples (community/examples/demo.py), published by a demo consultant."""
    from community.examples.demo import seed_examples as seed_library

    seed_library(world)


def seed_attachments(world: plan.DemoWorld) -> None:
    """Templates to re-use (community/attachments/demo.py) on demo examples and an advised consultation."""
    from community.attachments.demo import seed_attachments as attach

    attach(world)


def create_forum_threads(world: plan.DemoWorld) -> None:
    """Forum threads with replies about real OZG services, and reports waiting for the moderators."""
    from community.forums.demo import seed_forums

    users = db.session.scalars(select(User).where(is_demo_account())).all()
    seed_forums({user.email.split("@")[0]: user for user in users})


SECTIONS = (
    plan.plan_state_bodies,
    plan.plan_federal_bodies,
    plan.plan_municipalities,
    plan.plan_companies,
    write_organisations,
    write_register,
    create_accounts,
    create_topic_rooms,
    create_forum_threads,
    seed_consultations,
    seed_events,
    seed_programmes,
    seed_examples,
    seed_attachments,
    seed_digital_checks,
    seed_cooperation,
)


def seed(seed_value: int = DEFAULT_SEED) -> plan.DemoWorld:
    world = plan.DemoWorld(seed_value)
    for section in SECTIONS:
        section(world)
    return world


def has_real_data() -> bool:
    """Whether anything but the demo is stored: an organisation or an account that is not the demo's."""
    real_organisation = select(Organisation.id).filter_by(is_demo=False).limit(1)
    real_account = select(User.id).where(~is_demo_account()).limit(1)
    return (db.session.execute(real_organisation).first() or db.session.execute(real_account).first()) is not None


def is_demo_account():
    """SQL condition: the user is a demo account."""
    return User.email.endswith(f"@{DEMO_EMAIL_DOMAIN}")


def reset() -> None:
    """Delete the demo accounts and the demo organisations; the database's ON DELETE rules delete
    or detach everything attached to them (SQLite too: community/extensions.py)."""
    from community.mail.models import OutboxMail

    # Mails to demo accounts go with them (the outbox only detaches rows from deleted users).
    db.session.execute(delete(OutboxMail).where(OutboxMail.recipient.endswith(f"@{DEMO_EMAIL_DOMAIN}")))
    db.session.execute(delete(User).where(is_demo_account()))
    db.session.execute(delete(Organisation).where(Organisation.is_demo.is_(True)))
    reset_programmes()
    db.session.commit()
    records_bulk_changed.send("demo-reset")


def accounts_table(world: plan.DemoWorld, header: tuple[str, str, str, str]) -> str:
    """The demo accounts as an aligned table: email, password, role, organisation."""
    rows = [header] + [
        (account.email, world.password, account.role + (" / org admin" if account.is_org_admin else ""),
         organisation or "-")
        for account, organisation in world.accounts
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)) + "  " + row[3] for row in rows
    ) + "\n"

