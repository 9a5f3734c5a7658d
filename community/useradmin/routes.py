"""The admins' user pages: the list with search, one account's page with its acts, and the audit log."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from community.auth import totp
from community.auth.audit import ACTS
from community.auth.current import acting_user
from community.auth.services import PLATFORM_ROLES
from community.errors import ValidationError
from community.pagination import page_args
from community.useradmin import bp, services
from community.useradmin.services import FILTER_BLOCKED


def _role_labels() -> dict[str, str]:
    return {"member": _("Member"), "consultant": _("Consultant"), "moderator": _("Moderator"),
            "admin": _("Administrator")}


def _role_choices() -> list[tuple[str, str]]:
    labels = _role_labels()
    return [(role, labels.get(role, role)) for role in PLATFORM_ROLES]


def _act_labels() -> dict[str, str]:
    return {"block": _("Blocked"), "unblock": _("Unblocked"), "set_role": _("Role changed"),
            "reset_second_factor": _("Second factor reset"),
            "role_from_provider": _("Role from the sign-in service")}


@bp.route("/admin/users")
@login_required
def users():
    actor = acting_user()
    query, role = request.args.get("q", ""), request.args.get("role", "")
    page, per_page = page_args(request.args.get("page"), request.args.get("per_page"), current_app.config["PER_PAGE"])
    status, error = 200, None
    try:
        found = services.search(actor, query, role, page, per_page)
    except ValidationError as exc:
        found, status, error = services.search(actor, "", role, 1, per_page), exc.status, exc.fields["q"]
    return render_template("useradmin/users.html", page=found, query=query, role=role, error=error,
                           role_choices=_role_choices(), role_labels=_role_labels(), blocked=FILTER_BLOCKED), status


@bp.route("/admin/users/<int:user_id>")
@login_required
def show(user_id: int):
    actor = acting_user()
    user = services.get_user(actor, user_id)
    return render_template("useradmin/show.html", user=user, role_choices=_role_choices(), role_labels=_role_labels(),
                           required=totp.required_for(user), entries=services.audit_log(actor, 1, 20, user),
                           act_labels=_act_labels())


@bp.route("/admin/users/<int:user_id>/<any(block, unblock, role, 'reset-second-factor'):act>", methods=["POST"])
@login_required
def act(user_id: int, act: str):
    actor = acting_user()
    user = services.get_user(actor, user_id)
    if not FlaskForm().validate_on_submit():  # the CSRF token
        flash(_("The form has expired. Please try again."), "danger")
        return redirect(url_for(".show", user_id=user.id))
    if act == "block":
        services.block(actor, user)
        flash(_("%(name)s is blocked and signed out everywhere.", name=user.name), "success")
    elif act == "unblock":
        services.unblock(actor, user)
        flash(_("%(name)s may sign in again.", name=user.name), "success")
    elif act == "role":
        services.set_role(actor, user, request.form.get("role"))
        flash(_("The role of %(name)s is saved.", name=user.name), "success")
    else:
        services.reset_second_factor(actor, user)
        flash(_("The second factor of %(name)s is reset.", name=user.name), "success")
    return redirect(url_for(".show", user_id=user.id))


@bp.route("/admin/users/audit")
@login_required
def audit():
    actor = acting_user()
    page, per_page = page_args(request.args.get("page"), request.args.get("per_page"), 50)
    return render_template("useradmin/audit.html", page=services.audit_log(actor, page, per_page),
                           act_labels=_act_labels(), acts=ACTS)
