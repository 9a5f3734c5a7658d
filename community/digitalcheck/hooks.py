"""The Digital-Check's hooks into other pages: the start page panel and the origin line on a need."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from community import policy
from community.digitalcheck import bp, services
from community.digitalcheck.models import Assessment, AssessmentNeed
from community.extensions import db
from community.start.panels import register_panel


def load_status(user):
    """What the start page shows members of public bodies: the open draft, else the latest result."""
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


register_panel("digitalcheck", _l("Your Digital-Check"), "digitalcheck/_start_panel.html", load_status, order=50)


@bp.app_template_global()
def digital_check_origin(need):
    """The assessment a need was adopted from, or None."""
    return db.session.scalar(sa.select(Assessment).join(AssessmentNeed, AssessmentNeed.assessment_id == Assessment.id)
                             .where(AssessmentNeed.need_id == need.id).limit(1))


@bp.app_template_global()
def may_use_digital_check(user) -> bool:
    return policy.can(user, "digitalcheck.create", getattr(user, "organisation", None))
