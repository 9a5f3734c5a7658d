"""Demo funding programmes: the demo's invented "programme" offers of state and federal bodies become
programme records (their Land, a deadline or rolling, the municipal types), and the curated starting set of
real programmes (data/programmes.json) is added. All are demo rows (is_demo), deleted on reset."""
import random
from datetime import timedelta

import sqlalchemy as sa

from community.extensions import db
from community.organisations.models import Organisation
from community.profiles.models import Offer
from community.programmes import services
from community.programmes.cli import DATA_DIR
from community.programmes.models import Programme
from community.signals import records_bulk_changed
from community.taxonomy import STATE

MUNICIPAL = ["gemeinde", "stadt", "kreisfreie_stadt", "verbandsgemeinde", "landkreis"]
RATES = (50, 60, 75, 80, 90)


def seed_programmes(world) -> None:
    rng = random.Random(getattr(world, "seed", 0))
    today = services.today()
    offers = db.session.execute(sa.select(Offer, Organisation).join(Organisation, Organisation.id == Offer.organisation_id)
                                .filter(Offer.offer_kind == "programme", Organisation.is_demo.is_(True))
                                .order_by(Offer.id)).all()
    seen = set()
    for offer, organisation in offers:
        key = (offer.title, organisation.name)
        if key not in seen:
            seen.add(key)
            rolling = rng.random() < 0.4
            db.session.add(Programme(
                title=offer.title, funder=organisation.name, level="land" if organisation.kind == STATE else "bund",
                land=organisation.land if organisation.kind == STATE else None, eligible_org_types=MUNICIPAL,
                kind="loan" if "kredit" in offer.title.lower() else "grant", rate_percent=rng.choice(RATES),
                deadline=None if rolling else today + timedelta(days=rng.randint(7, 120)), rolling=rolling,
                url="", stand=today, topics=list(offer.topics or []), description=offer.body, is_demo=True))
        db.session.delete(offer)  # a programme is no longer an offer
    db.session.commit()
    rows = services.read_rows((DATA_DIR / "programmes.json").read_text(encoding="utf-8"), "programmes.json")
    services.import_rows(rows, is_demo=True, announce=False)
    records_bulk_changed.send("demo-programmes")


def reset() -> None:
    db.session.execute(sa.delete(Programme).where(Programme.is_demo.is_(True)))
