"""The demo library of good examples: 51 examples around real OZG services, written by us in the voices
of the demo municipalities (`data/demo_examples.jsonl`), all marked demo, published by a demo consultant;
plus one example in review and one returned, of the demo Gemeinde, so the review can be tried.

Written straight to the tables, as the forum and consultation demos are: seeding notifies nobody. The
examples' `key` says which examples answer the same problem; bench/data/examples_matching.jsonl uses it.
"""
import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from community.auth.models import User
from community.examples.models import PUBLISHED, RETURNED, SUBMITTED, Example, ExampleVote
from community.extensions import db
from community.models_base import utcnow
from community.moderation.models import ModerationAction
from community.organisations.models import Organisation
from community.signals import records_bulk_changed

DATA = Path(__file__).with_name("data") / "demo_examples.jsonl"
REVIEWER = "beratung.ozg"
OWN_ORGANISATION_ACCOUNT = "gemeinde.admin"
FIELDS = ("title", "summary", "problem", "solution", "results", "lessons", "topics", "ozg_ids", "costs",
          "duration_months", "project_status")


def demo_examples() -> list[dict]:
    with DATA.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _authors(world, rng) -> dict[str, list[Organisation]]:
    """Demo public bodies by population class (municipalities of the registers, as planned)."""
    by_class: dict[str, list[Organisation]] = {}
    for planned in world.of("municipality"):
        org = getattr(planned, "written", None)
        if org is not None and org.population_class:
            by_class.setdefault(org.population_class, []).append(org)
    for orgs in by_class.values():
        rng.shuffle(orgs)
    return by_class


def seed_examples(world) -> list[Example]:
    from community.demo.accounts import DEMO_EMAIL_DOMAIN

    rng = world.rng
    users = {user.email.split("@")[0]: user
             for user in db.session.scalars(select(User).where(User.email.endswith(f"@{DEMO_EMAIL_DOMAIN}")))}
    reviewer = users.get(REVIEWER) or users.get("moderation")
    by_class = _authors(world, rng)
    fallback = [org for orgs in by_class.values() for org in orgs]
    companies = [planned.written for planned in world.of("company") if getattr(planned, "written", None)]
    now, used, examples = utcnow(), {}, []
    for number, data in enumerate(demo_examples()):
        # An example that speaks of a town hall or a Gemeinderat is written by a body that has one.
        fits = set(data.get("for") or ()) or None
        candidates = [org for org in by_class.get(data["population_class"]) or fallback
                      if fits is None or org.org_type in fits] or \
            [org for org in fallback if fits is None or org.org_type in fits] or fallback
        if not candidates:
            break
        org = candidates[used.setdefault(data["population_class"], 0) % len(candidates)]
        used[data["population_class"]] += 1
        values = {name: data.get(name) for name in FIELDS}
        values["partner_organisation_ids"] = [rng.choice(companies).id] if companies and number % 3 == 0 else []
        values["contact_open"] = number % 7 != 6
        published_at = now - timedelta(days=rng.randint(3, 300), minutes=rng.randint(0, 1440))
        example = Example(organisation_id=org.id, author_id=None, status=PUBLISHED, published=dict(values),
                          published_at=published_at, submitted_at=published_at - timedelta(days=2),
                          reviewed_by_id=reviewer.id if reviewer else None, is_demo=True,
                          created_at=published_at - timedelta(days=5), updated_at=published_at, **values)
        db.session.add(example)
        examples.append(example)
    db.session.flush()
    voters = [user for user in users.values() if user.organisation_id is not None]
    for example in examples:
        for voter in rng.sample(voters, k=min(len(voters), rng.randint(0, 4))):
            if voter.organisation_id != example.organisation_id:
                db.session.add(ExampleVote(example_id=example.id, user_id=voter.id))
        if reviewer:
            db.session.add(ModerationAction(moderator_id=reviewer.id, action="publish", item_type="example",
                                            item_id=example.id, reason="Demo", created_at=example.published_at))
    _own_organisation_examples(users, reviewer, now)
    db.session.commit()
    records_bulk_changed.send("demo-examples")
    return examples


def _own_organisation_examples(users, reviewer, now) -> None:
    """The demo Gemeinde's own: one waiting for review, one returned with a reason."""
    author = users.get(OWN_ORGANISATION_ACCOUNT)
    if author is None or author.organisation_id is None:
        return
    common = {"organisation_id": author.organisation_id, "author_id": author.id, "is_demo": True,
              "topics": ["ozg"], "ozg_ids": [10244], "partner_organisation_ids": [], "contact_open": True}
    db.session.add(Example(
        **common, status=SUBMITTED, submitted_at=now - timedelta(days=1), project_status="running",
        title="Fundsachen online melden und suchen",
        summary="Verlorene und gefundene Gegenstände werden online gemeldet und im Fundbüro-Portal gesucht.",
        problem="Das Fundbüro war nur vormittags erreichbar; Anfragen nach verlorenen Schlüsseln kamen per Telefon.",
        solution="Ein Online-Fundbüro mit Suchmaske und Verlustmeldung, an das Meldeverfahren angebunden.",
        results="Erste Zahlen nach drei Monaten: 120 Online-Verlustmeldungen.", lessons="", costs="lt10k",
        duration_months=3))
    db.session.add(Example(
        **{**common, "ozg_ids": [10142]}, status=RETURNED, submitted_at=now - timedelta(days=6),
        reviewed_by_id=reviewer.id if reviewer else None, project_status="planned",
        review_reason="Bitte beschreiben Sie, was schon umgesetzt ist, und nennen Sie Zahlen, sobald es welche gibt.",
        title="Versammlungsanzeige digital", summary="Wir planen, Versammlungen online anzeigen zu lassen.",
        problem="Anzeigen kommen per Fax.", solution="Ein Online-Formular ist in Planung.", results="", lessons="",
        costs=None, duration_months=None))
