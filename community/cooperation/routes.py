"""Proposing a cooperation from a need page: parse, call the service, render."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from community import policy
from community.auth.current import acting_user
from community.cooperation import bp, services
from community.cooperation.forms import ProposalForm
from community.errors import Conflict, ValidationError
from community.notifications.services import has_active_members
from community.organisations.forms import form_values, show_service_errors
from community.profiles import services as profiles
from community.suggestions.contacts import OUTGOING
from community.suggestions.ratelimit import contact_rate_limit


def _render(form, need, partners, alerts: list, status: int = 200):
    form.partner_need_ids.choices = [SelectChoice(p.need.id, f"{p.organisation.name}: {p.need.title}") for p in partners]
    without_members = [p.organisation for p in partners if not has_active_members(p.organisation.id)]
    return render_template("cooperation/propose.html", form=form, need=need, partners=partners, alerts=alerts,
                           without_members=without_members), status


@bp.route("/needs/<int:need_id>/cooperation", methods=["GET", "POST"])
@login_required
@contact_rate_limit
def propose(need_id: int):
    user = acting_user()
    need = profiles.get_entry("need", need_id, user)
    policy.require(user, "cooperation.propose", need)
    partners = services.neighbours(user, need)
    form = ProposalForm()
    if not form.is_submitted():
        form.partner_need_ids.data = [p.need.id for p in partners]
        return _render(form, need, partners, [])
    if not form.validate_on_submit():
        return _render(form, need, partners, [_("The form has expired. Please try again.")], 400)
    try:
        proposal, sent = services.propose(user, {**form_values(form), "need_id": need.id})
    except ValidationError as error:
        return _render(form, need, partners, show_service_errors(form, error), error.status)
    except Conflict as error:
        return _render(form, need, partners, [str(error.message)], error.status)
    flash(_("Your cooperation proposal has been sent to %(n)s municipalities. The shared conversation opens as "
            "soon as one of them accepts.", n=len(sent)), "success")
    return redirect(url_for("suggestions.contact_list", direction=OUTGOING))
