"""The demo's neighbours with the same need: the demo Gemeinde and up to three municipalities of its Kreis each
get an open need for a shared information security officer, in their own words, so the need page shows
"Nachbarn mit demselben Bedarf" and the Lagebild a potential. The demo holds only a sample of the register's
Gemeinden, so the Kreis itself (a municipality of kind landkreis, which often provides such a post for its
Gemeinden) is usually the neighbour. Written by us; seeding notifies nobody."""
from sqlalchemy import select

from community.auth.models import User
from community.cooperation.services import kreis_column, kreis_of
from community.demo import plan
from community.digitalcheck.models import AssessmentNeed
from community.demo.accounts import DEMO_EMAIL_DOMAIN
from community.extensions import db
from community.organisations.models import Organisation
from community.profiles.models import Need
from community.signals import records_bulk_changed
from community.taxonomy import MUNICIPALITY

OWN_ACCOUNT = "gemeinde.admin"
NEIGHBOURS = 3
MOST_NEEDS = max(plan.NEEDS_PER_MUNICIPALITY)
OWN_NEED = dict(
    title="Informationssicherheitsbeauftragten gemeinsam mit Nachbargemeinden bestellen",
    body="Für den Aufbau eines ISMS nach BSI IT-Grundschutz (Weg in die Basis-Absicherung, WiBA) brauchen wir einen "
         "Informationssicherheitsbeauftragten. Eine volle Stelle ist für uns zu groß; wir suchen Gemeinden, die sich "
         "die Stelle mit uns teilen, etwa über eine Zweckvereinbarung.",
)
NEIGHBOUR_NEEDS = (
    dict(title="Informationssicherheitsbeauftragter als geteilte Stelle",
         body="Wir müssen einen Informationssicherheitsbeauftragten benennen und ein ISMS nach BSI IT-Grundschutz "
              "aufbauen. Allein können wir die Stelle nicht besetzen; eine geteilte Stelle mit Nachbargemeinden "
              "wäre ideal."),
    dict(title="ISMS und Informationssicherheitsbeauftragten gemeinsam aufbauen",
         body="Basis-Absicherung nach BSI IT-Grundschutz (WiBA): Wir suchen Partner für einen gemeinsamen "
              "Informationssicherheitsbeauftragten und ein gemeinsames ISMS."),
    dict(title="Geteilte Stelle Informationssicherheit",
         body="Kleine Verwaltung sucht Partnergemeinden für einen gemeinsamen Informationssicherheitsbeauftragten "
              "nach BSI IT-Grundschutz, etwa über eine Zweckvereinbarung."),
)


def _write_need(org: Organisation, text: dict, author_id: int | None = None) -> None:
    """A new need; for an organisation that has the demo's most (MOST_NEEDS) already, its newest one rewritten
    (never one adopted from a Digital-Check, whose origin line would then be wrong)."""
    newest = db.session.scalars(select(Need).filter_by(organisation_id=org.id).order_by(Need.id.desc())).all()
    if len(newest) >= MOST_NEEDS:
        adopted = set(db.session.scalars(select(AssessmentNeed.need_id).filter(
            AssessmentNeed.need_id.in_([n.id for n in newest]))))
        need = next((n for n in newest if n.id not in adopted), None)
        if need is None:  # all adopted from the Digital-Check: their origin stays true
            return
        need.title, need.body, need.topics, need.ozg_ids, need.status, need.visibility = \
            text["title"], text["body"], ["sicherheit"], [], "open", "public"
        return
    db.session.add(Need(organisation_id=org.id, author_id=author_id, topics=["sicherheit"], **text))


def seed_cooperation(world=None) -> None:
    user = db.session.scalar(select(User).filter_by(email=f"{OWN_ACCOUNT}@{DEMO_EMAIL_DOMAIN}"))
    own = user.organisation if user is not None else None
    kreis = kreis_of(own)
    if kreis is None:
        return
    neighbours = db.session.scalars(
        select(Organisation).filter(Organisation.kind == MUNICIPALITY, Organisation.id != own.id,
                                    kreis_column() == kreis, Organisation.verified.is_(True))
        .order_by(Organisation.name).limit(NEIGHBOURS)).all()
    if not neighbours:
        return
    _write_need(own, OWN_NEED, author_id=user.id)
    for org, text in zip(neighbours, NEIGHBOUR_NEEDS):
        _write_need(org, text)
    db.session.commit()
    records_bulk_changed.send("demo-cooperation")
