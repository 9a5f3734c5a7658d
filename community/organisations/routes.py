"""Directory, organisation pages, profile editing and the platform admins' verification queue."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.errors import ValidationError
from community.organisations import bp, services
from community.organisations.forms import DirectoryFilterForm, ProfileForm, form_values, show_service_errors
from community.notifications.services import has_active_members
from community.pagination import MAX_PER_PAGE, page_args
from community.profiles import catalogue
from community.profiles import services as entries

# page_args does not bound the page number; a huge one would overflow the database's OFFSET.
MAX_PAGE = 1_000_000


def _page_args() -> tuple[int, int]:
    page, per_page = page_args(request.args.get("page"), request.args.get("per_page"), current_app.config["PER_PAGE"])
    return min(page, MAX_PAGE), per_page


def _link_args(names) -> dict:
    """The query parameters page links must repeat so that paging keeps the filters."""
    args = {name: request.args[name] for name in names}
    if "per_page" in request.args:
        args["per_page"] = _page_args()[1]
    return args


@bp.route("/organisations")
def directory():
    form = DirectoryFilterForm(formdata=request.args)
    try:
        filters = services.clean_directory_filters(request.args)
    except ValidationError as error:
        alerts = show_service_errors(form, error)
        return render_template("organisations/directory.html", form=form, alerts=alerts, page=None), 400
    page = services.directory(filters, *_page_args())
    counts = entries.open_entry_counts([org.id for org in page.items], current_user)
    return render_template(
        "organisations/directory.html", form=form, alerts=[], page=page, counts=counts,
        link_args=_link_args(filters),
    )


@bp.route("/organisations/<int:org_id>")
def show(org_id: int):
    org = services.get_organisation(org_id)
    sections = {
        kind: {
            state: entries.list_entries(org, kind, current_user, status=status, per_page=MAX_PER_PAGE)
            for state, status in (("open", "open"), ("closed", entries.CLOSED_STATUS[kind]))
        }
        for kind in entries.MODELS
    }
    return render_template(
        "organisations/show.html", org=org, profile=services.visible_profile(current_user, org),
        sections=sections, ozg_names=catalogue.names, members_path=f"/organisations/{org.id}/members",
        active_members=has_active_members(org.id),
    )


@bp.route("/organisations/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id: int):
    org = services.get_organisation_for_edit(current_user, org_id)
    form = ProfileForm(org.kind, obj=org)
    from community.moderation.items import withheld_profile  # moderation builds on organisations

    withheld = withheld_profile(org)
    if withheld is not None and not form.is_submitted():
        form.description.data = withheld.text
    alerts = []
    if form.validate_on_submit():
        was_verified = org.verified
        try:
            values = form_values(form)
            if org.register_state is not None:  # shown, not offered: the register owns them
                values.update({name: getattr(org, name) or "" for name in services.REGISTER_FIELDS})
            services.update_organisation(current_user, org, values)
        except ValidationError as error:
            alerts = show_service_errors(form, error)
        else:
            flash(_("The profile has been saved."), "success")
            if was_verified and not org.verified:
                flash(_("The platform checks the new name or official key again; until then the profile "
                        "shows no verified badge."), "info")
            return redirect(url_for(".show", org_id=org.id))
    return render_template("organisations/edit.html", org=org, form=form, alerts=alerts,
                           withheld=withheld), 422 if alerts else 200


@bp.route("/admin/organisations")
@login_required
def verification():
    try:
        page = services.verification_queue(current_user, request.args, *_page_args())
    except ValidationError as error:
        alerts = [str(message) for message in (error.message, *error.fields.values())]
        return render_template("organisations/verification.html", page=None, alerts=alerts, verified=None), 400
    verified = request.args.get("verified", "")
    return render_template(
        "organisations/verification.html", page=page, alerts=[], verified=verified,
        link_args=_link_args(["verified"] if verified else []),
    )


@bp.route("/admin/organisations/<int:org_id>/verification", methods=["POST"])
@login_required
def set_verification(org_id: int):
    org = services.get_organisation(org_id)
    choice = request.form.get("verified")
    if choice not in ("0", "1"):
        abort(400)
    services.verify_organisation(current_user, org, choice == "1")
    # Imported here because auth imports the organisation services while it loads.
    from community.links import safe_next

    if org.verified:
        flash(_("%(name)s is now verified.", name=org.name), "success")
    else:
        flash(_("%(name)s is no longer verified.", name=org.name), "info")
    return redirect(safe_next(request.form.get("next")) or url_for(".verification", verified="0"))
