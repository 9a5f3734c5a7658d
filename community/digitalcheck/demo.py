"""Demo assessments of the Digitalkompass (questionnaire version 2): one submitted assessment for every
planned demo municipality (and an earlier one for some), drawn from a documented model so benchmarks and
charts show real shapes. Each municipality answers only the questions of its org type.

The model (docs/digital-check.md): a municipality's latent maturity is a base by population class plus a
shift by Land and by org type plus noise; each dimension adds its own offset and noise; each answer is the
latent score of its dimension on the 0–4 scale plus noise, rounded and clamped; a few answers are
"weiß nicht" (more often in security and data), a few "trifft nicht zu"; most fields get a target one or two
levels above where they stand. The numbers are invented to give plausible shapes, not measured: every row
is marked is_demo.
"""
from datetime import timedelta

import sqlalchemy as sa

from community.digitalcheck import scoring
from community.digitalcheck.models import SUBMITTED, Assessment
from community.digitalcheck.services import questionnaire_for, score_rows
from community.extensions import db
from community.models_base import utcnow
from community.organisations.models import Organisation

# Latent overall maturity (0–100) by population class: larger administrations are further on.
BASE_BY_CLASS = {"lt5k": 28, "5k-20k": 36, "20k-100k": 45, "100k-500k": 54, "gt500k": 62}
BASE_UNKNOWN_CLASS = 38
# Shift by Land (official key): invented, small, so comparisons by Land differ visibly.
SHIFT_BY_LAND = {"01": 2, "02": 8, "03": 0, "04": 6, "05": 3, "06": 2, "07": -2, "08": 5, "09": 4, "10": -3,
                 "11": 7, "12": -4, "13": -5, "14": 1, "15": -5, "16": -3}
# Shift by org type: districts and district-free cities have larger IT departments than a Gemeinde.
SHIFT_BY_TYPE = {"landkreis": 6, "kreisfreie_stadt": 6, "stadt": 2, "verbandsgemeinde": 0, "gemeinde": -2}
# How far each dimension usually lies above or below a municipality's overall maturity.
DIMENSION_OFFSET = {"buergerservices": 6, "ozg": -6, "prozesse": -4, "organisation": 0, "strategie": 2,
                    "sicherheit": -5, "infrastruktur": 8, "daten": -12, "beteiligung": -2, "raum": -8}
MUNICIPALITY_NOISE = 10.0  # standard deviation, points
DIMENSION_NOISE = 8.0
ANSWER_NOISE = 0.6  # levels
DONT_KNOW_SHARE = {"sicherheit": 0.10, "daten": 0.08, "ozg": 0.08}  # "weiß nicht" per dimension
DONT_KNOW_DEFAULT = 0.04
NOT_APPLICABLE_SHARE = 0.02
TARGET_SHARE = 0.7  # fields with a target
EARLIER_SHARE = 0.25  # municipalities with an assessment a year before
EARLIER_GAP = 9.0  # points less maturity a year before
SHOW_TO_PEERS_SHARE = 0.35
SHARE_WITH_CENTRE_SHARE = 0.4
KINDS = ("municipality",)


def _answers(rng, latent: float, known) -> tuple[dict, dict, dict]:
    answers, priorities, targets = {}, {}, {}
    for dimension in known.dimensions:
        centre = latent + DIMENSION_OFFSET.get(dimension.slug, 0) + rng.gauss(0, DIMENSION_NOISE)
        for question in dimension.questions:
            draw = rng.random()
            if draw < DONT_KNOW_SHARE.get(dimension.slug, DONT_KNOW_DEFAULT):
                answers[question.id] = scoring.DONT_KNOW
            elif draw > 1 - NOT_APPLICABLE_SHARE:
                answers[question.id] = scoring.NOT_APPLICABLE
            else:
                answers[question.id] = max(0, min(4, round(centre / 25 + rng.gauss(0, ANSWER_NOISE))))
        # Low fields are more often a priority.
        priorities[dimension.slug] = 3 if centre < 30 and rng.random() < 0.6 else rng.choice((1, 2, 2, 3))
        if rng.random() < TARGET_SHARE:
            targets[dimension.slug] = max(1, min(4, round(centre / 25) + rng.choice((1, 1, 2))))
    return answers, priorities, targets


def _assessment(organisation, known, answers, priorities, targets, submitted_at, latest: bool, rng) -> Assessment:
    scores = scoring.dimension_scores(known, answers)
    return Assessment(organisation_id=organisation.id, status=SUBMITTED, questionnaire_version=known.version,
                      answers=answers, priorities=priorities, targets=targets, scores=scores,
                      overall=scoring.overall_score(scores),
                      submitted_at=submitted_at, created_at=submitted_at - timedelta(days=rng.randint(1, 20)),
                      updated_at=submitted_at, is_latest=latest, is_demo=True,
                      show_to_peers=rng.random() < SHOW_TO_PEERS_SHARE,
                      share_with_centre=rng.random() < SHARE_WITH_CENTRE_SHARE)


def seed_assessments(rng, organisations, now=None) -> int:
    """Submitted demo assessments for these organisations; returns how many were written."""
    now = now or utcnow()
    rows = []
    for organisation in organisations:
        known = questionnaire_for(organisation=organisation)
        latent = (BASE_BY_CLASS.get(organisation.population_class, BASE_UNKNOWN_CLASS)
                  + SHIFT_BY_LAND.get(organisation.land, 0) + SHIFT_BY_TYPE.get(organisation.org_type, 0)
                  + rng.gauss(0, MUNICIPALITY_NOISE))
        submitted = now - timedelta(days=rng.randint(1, 300), minutes=rng.randint(0, 1440))
        if rng.random() < EARLIER_SHARE:
            answers, priorities, targets = _answers(rng, latent - EARLIER_GAP, known)
            rows.append(_assessment(organisation, known, answers, priorities, targets, submitted - timedelta(days=365),
                                    False, rng))
        answers, priorities, targets = _answers(rng, latent, known)
        rows.append(_assessment(organisation, known, answers, priorities, targets, submitted, True, rng))
    db.session.add_all(rows)
    db.session.flush()
    by_id = {organisation.id: organisation for organisation in organisations}
    db.session.add_all(score for row in rows for score in score_rows(row, by_id[row.organisation_id]))
    db.session.commit()
    return len(rows)


def seed_digital_checks(world) -> None:
    """The seed-demo section: every municipality the demo gives people and needs gets a submitted check
    (not the rest of the official register, which nobody has joined)."""
    planned = {org.written.id for org in world.organisations if org.written is not None}
    organisations = db.session.scalars(sa.select(Organisation).where(
        Organisation.is_demo.is_(True), Organisation.kind.in_(KINDS), Organisation.id.in_(planned))
        .order_by(Organisation.id)).all()
    seed_assessments(world.rng, organisations)
