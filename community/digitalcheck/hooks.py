"""The Digitalkompass's hooks into other pages: the start page panel, the origin line on a need and the
sharing with the competence centre that the visibility of needs asks."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from community import policy
from community.digitalcheck import bp, services
from community.digitalcheck.models import Assessment, AssessmentNeed
from community.extensions import db
from community.profiles.visibility import register_centre_sharing
from community.signals import organisation_changed, records_bulk_changed
from community.start.panels import register_panel
from community.start.steps import PUBLIC_BODY, register_step
from community.taxonomy import MUNICIPALITY


def load_status(user):
    """What the start page shows members of municipalities: the open draft, else the latest result."""
    organisation = getattr(user, "organisation", None)
    if not policy.can(user, "digitalcheck.create", organisation):
        return None
    draft = services.current_draft(organisation.id)
    if draft is not None:
        progress = services.progress_of(draft)
        return {"draft": draft, "answered": sum(p["answered"] for p in progress),
                "total": sum(p["total"] for p in progress)}
    latest = services.latest_submitted(organisation.id)
    if latest is None:
        return None  # nothing to report yet; the main navigation leads to the check
    return {"draft": None, "latest": latest, "result": services.result_of(latest)}


def sharing_organisations():
    """Organisations whose most recent Digital-Check is shared with the competence centre: their
    consultants also see the needs and offers kept inside the organisation."""
    newest = sa.select(sa.func.max(Assessment.id)).group_by(Assessment.organisation_id)
    return sa.select(Assessment.organisation_id).where(Assessment.share_with_centre.is_(True),
                                                       Assessment.id.in_(newest))


register_centre_sharing(sharing_organisations)
register_panel("digitalcheck", _l("Your Digital Compass"), "digitalcheck/_start_panel.html", load_status, order=50)


def _has_assessment(user) -> bool:
    """Started counts: the draft is kept, and the Digitalkompass's own panel shows how far it is. Land and
    federal bodies have nothing to do here (only municipalities answer), so the step never waits for them."""
    if not services.is_municipal(getattr(user, "organisation", None)):
        return True
    return db.session.scalar(sa.select(Assessment.id).where(
        Assessment.organisation_id == user.organisation_id).limit(1)) is not None


register_step("digitalcheck", _l("Take the Digital Compass"), lambda user: url_for("digitalcheck.index"),
              _has_assessment, audience=PUBLIC_BODY, order=20,
              applies=lambda user: user.organisation.kind == MUNICIPALITY)  # only municipalities answer it


@bp.app_template_global()
def digital_check_origin(need):
    """The assessment a need was adopted from, or None."""
    return db.session.scalar(sa.select(Assessment).join(AssessmentNeed, AssessmentNeed.assessment_id == Assessment.id)
                             .where(AssessmentNeed.need_id == need.id).limit(1))


@bp.app_template_global()
def may_use_digital_check(user) -> bool:
    return policy.can(user, "digitalcheck.create", getattr(user, "organisation", None))


def sync_score_rows(organisation_id=None) -> None:
    """Copy the organisations' type, population class and Land onto their score rows (one, or all)."""
    from community.digitalcheck.models import AssessmentScore
    from community.organisations.models import Organisation

    values = {column: sa.select(getattr(Organisation, column)).where(
        Organisation.id == AssessmentScore.organisation_id).scalar_subquery()
        for column in ("org_type", "population_class", "land")}
    statement = sa.update(AssessmentScore).values(**values)
    if organisation_id is not None:
        statement = statement.where(AssessmentScore.organisation_id == organisation_id)
    db.session.execute(statement)
    db.session.commit()


def _on_organisation_changed(org, **_extra) -> None:
    sync_score_rows(org.id)


def _on_records_bulk_changed(_writer, **_extra) -> None:
    sync_score_rows()


organisation_changed.connect(_on_organisation_changed, weak=False)
records_bulk_changed.connect(_on_records_bulk_changed, weak=False)
