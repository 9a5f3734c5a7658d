"""Needs and offers in the browser: detail page, add, edit, close/reopen and delete."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.errors import ValidationError
from community.organisations.forms import choices, form_values, show_service_errors
from community.profiles import bp, catalogue, services
from community.profiles.forms import FORMS

# URLs name the kind in the plural (/needs/1, /offers/2); the services use the singular.
KIND_BY_PLURAL = {"needs": "need", "offers": "offer"}
KINDS = "<any(needs, offers):plural>"


def _entry_url(entry, endpoint: str = "profiles.show_entry") -> str:
    return url_for(endpoint, plural=services.kind_of(entry) + "s", entry_id=entry.id)


def _render_form(kind: str, form, alerts: list, organisation, entry=None):
    page = render_template(
        "profiles/form.html", kind=kind, form=form, alerts=alerts, organisation=organisation, entry=entry
    )
    return page, 422 if alerts else 200


@bp.route(f"/{KINDS}/<int:entry_id>")
def show_entry(plural: str, entry_id: int):
    entry = services.get_entry(KIND_BY_PLURAL[plural], entry_id, current_user)
    return render_template("profiles/show.html", entry=entry, kind=KIND_BY_PLURAL[plural], ozg_names=catalogue.names)


@bp.route(f"/organisations/<int:org_id>/{KINDS}/new", methods=["GET", "POST"])
@login_required
def new_entry(org_id: int, plural: str):
    kind = KIND_BY_PLURAL[plural]
    organisation = services.organisation_for_new_entry(current_user, org_id)
    form = FORMS[kind]()
    if kind == "offer":
        form.offer_kind.choices = choices(services.offer_kinds_for(organisation))
    alerts = []
    if form.validate_on_submit():
        try:
            # The author relationship needs the User itself, not Flask-Login's proxy.
            entry = services.create_entry(current_user._get_current_object(), organisation, kind, form_values(form))
        except ValidationError as error:
            alerts = show_service_errors(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(_entry_url(entry))
    return _render_form(kind, form, alerts, organisation)


@bp.route(f"/{KINDS}/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit_entry(plural: str, entry_id: int):
    kind = KIND_BY_PLURAL[plural]
    entry = services.get_entry_for_edit(kind, entry_id, current_user)
    form = FORMS[kind](obj=entry)
    if kind == "offer":
        form.offer_kind.choices = choices(services.offer_kinds_for(entry.organisation, entry.offer_kind))
    alerts = []
    if form.validate_on_submit():
        try:
            # Partial: the status is changed by close/reopen, not by this form.
            services.update_entry(current_user, entry, form_values(form), partial=True)
        except ValidationError as error:
            alerts = show_service_errors(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(_entry_url(entry))
    return _render_form(kind, form, alerts, entry.organisation, entry)


@bp.route(f"/{KINDS}/<int:entry_id>/<any(close, reopen):action>", methods=["POST"])
@login_required
def set_entry_status(plural: str, entry_id: int, action: str):
    entry = services.get_entry_for_edit(KIND_BY_PLURAL[plural], entry_id, current_user)
    services.set_entry_open(current_user, entry, is_open=action == "reopen")
    flash(_("Reopened.") if entry.is_open else _("Closed."), "success")
    return redirect(_entry_url(entry))


@bp.route(f"/{KINDS}/<int:entry_id>/delete", methods=["GET", "POST"])
@login_required
def delete_entry(plural: str, entry_id: int):
    kind = KIND_BY_PLURAL[plural]
    entry = services.get_entry_for_edit(kind, entry_id, current_user)
    if request.method == "POST":
        org_id = entry.organisation_id
        services.delete_entry(current_user, entry)
        flash(_("Deleted."), "success")
        return redirect(url_for("organisations.show", org_id=org_id))
    return render_template("profiles/delete.html", entry=entry, kind=kind)
